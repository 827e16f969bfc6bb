//! The rule behind `#[service(port = N, group = "G")]`: may this type claim this port?

use std::fmt;

use crate::model::{Block, Group, Registry, ServiceEntry, UnknownGroup};
use crate::validate::is_kebab_id;

/// What a service type asks of the registry: its id, port and group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim<'a> {
    /// The service id (by default the kebab-case of the type's name).
    pub id: &'a str,
    /// The port written in the attribute.
    pub port: u16,
    /// The group written in the attribute.
    pub group: &'a str,
    /// A human name to suggest for a registry entry (the type's name).
    pub name: &'a str,
}

/// Which part of a [`Claim`] is at fault, so that a compile error can point at its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimField {
    /// The `id` (or the type name it was derived from).
    Id,
    /// The `port`.
    Port,
    /// The `group`.
    Group,
}

/// Why a [`Claim`] does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimError {
    /// The id is not kebab-case.
    BadId {
        /// The id.
        id: String,
    },
    /// No group has this id.
    UnknownGroup(UnknownGroup),
    /// The port is not in the requested group.
    PortOutsideGroup {
        /// The port.
        port: u16,
        /// The requested group.
        group: Group,
        /// The group the port really lies in, if any.
        actual: Option<Group>,
        /// The lowest free port of the requested group, if any.
        next_free: Option<u16>,
        /// The registry's block.
        block: Block,
    },
    /// The port is free: no service is registered on it.
    Unregistered {
        /// The port.
        port: u16,
        /// The requested group.
        group: String,
        /// The entry to add to the registry's `services`.
        entry: ServiceEntry,
    },
    /// The port belongs to another service.
    PortTaken {
        /// The port.
        port: u16,
        /// The owner's id.
        owner: String,
        /// The owner's name.
        owner_name: String,
        /// The id that asked.
        id: String,
        /// The requested group.
        group: String,
        /// The lowest free port of the group, if any.
        next_free: Option<u16>,
    },
    /// The id is registered, on another port.
    IdElsewhere {
        /// The id.
        id: String,
        /// The port written.
        port: u16,
        /// The port the registry gives it.
        registered: u16,
    },
}

impl ClaimError {
    /// The part of the claim at fault.
    #[must_use]
    pub fn field(&self) -> ClaimField {
        match self {
            ClaimError::BadId { .. } => ClaimField::Id,
            ClaimError::UnknownGroup(_) => ClaimField::Group,
            ClaimError::PortOutsideGroup { .. }
            | ClaimError::Unregistered { .. }
            | ClaimError::PortTaken { .. }
            | ClaimError::IdElsewhere { .. } => ClaimField::Port,
        }
    }
}

fn next_free_text(group: &str, next: Option<u16>) -> String {
    match next {
        Some(port) => format!("the next free port in `{group}` is {port}"),
        None => format!("group `{group}` is full"),
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimError::BadId { id } => write!(
                f,
                "service id `{id}` is not kebab-case: use lowercase ASCII letters and digits in segments joined by single hyphens, e.g. id = \"zero-gateway\""
            ),
            ClaimError::UnknownGroup(unknown) => write!(f, "{unknown}"),
            ClaimError::PortOutsideGroup { port, group, actual, next_free, block } => {
                write!(f, "port {port} is outside group `{}` ({}-{})", group.id, group.start, group.end)?;
                match actual {
                    Some(actual) => write!(f, "; it lies in group `{}` ({}-{})", actual.id, actual.start, actual.end)?,
                    None if (block.start..=block.end).contains(port) => write!(f, "; it lies in no group")?,
                    None => write!(f, "; it lies outside the block {}-{}", block.start, block.end)?,
                }
                write!(f, "; {}", next_free_text(&group.id, *next_free))
            }
            ClaimError::Unregistered { port, group, entry } => {
                let json = serde_json::to_string(entry).unwrap_or_default();
                write!(
                    f,
                    "port {port} is free in group `{group}` but not registered; add this entry to the registry's \"services\": {json}"
                )
            }
            ClaimError::PortTaken { port, owner, owner_name, id, group, next_free } => write!(
                f,
                "port {port} belongs to `{owner}` ({owner_name}), not `{id}`; {}, or write id = \"{owner}\" if this type is that service",
                next_free_text(group, *next_free)
            ),
            ClaimError::IdElsewhere { id, port, registered } => write!(
                f,
                "service `{id}` is registered on port {registered}, not {port}; write port = {registered}"
            ),
        }
    }
}

impl std::error::Error for ClaimError {}

impl Registry {
    /// Checks a claim against the registry: the group exists, the port lies in it, and the
    /// registry gives the port to this id. Returns the registered entry, or every problem.
    ///
    /// # Errors
    ///
    /// Each [`ClaimError`] found, in the order id, group, port.
    ///
    /// ```
    /// use ports_core::{Claim, ClaimError, Registry};
    ///
    /// let registry = Registry::embedded();
    /// let ok = Claim { id: "zero-gateway", port: 4410, group: "rust", name: "ZeroGateway" };
    /// assert_eq!(registry.check_claim(&ok).unwrap().name, "Zero Gateway");
    ///
    /// let taken = Claim { id: "my-gateway", ..ok };
    /// let errors = registry.check_claim(&taken).unwrap_err();
    /// assert!(matches!(&errors[0], ClaimError::PortTaken { owner, next_free: Some(4413), .. } if owner == "zero-gateway"));
    /// ```
    pub fn check_claim(&self, claim: &Claim<'_>) -> Result<&ServiceEntry, Vec<ClaimError>> {
        let mut errors = Vec::new();
        if !is_kebab_id(claim.id) {
            errors.push(ClaimError::BadId { id: claim.id.to_owned() });
        }
        let owner = self.service_at(claim.port);
        let mut granted = None;
        match self.require_group(claim.group) {
            Err(unknown) => errors.push(ClaimError::UnknownGroup(unknown)),
            Ok(group) if !group.contains(claim.port) => errors.push(ClaimError::PortOutsideGroup {
                port: claim.port,
                group: group.clone(),
                actual: self.group_of(claim.port).cloned(),
                next_free: self.free_ports(group).next(),
                block: self.block,
            }),
            Ok(group) => match owner {
                Some(owner) if owner.id == claim.id => granted = Some(owner),
                Some(owner) => errors.push(ClaimError::PortTaken {
                    port: claim.port,
                    owner: owner.id.clone(),
                    owner_name: owner.name.clone(),
                    id: claim.id.to_owned(),
                    group: group.id.clone(),
                    next_free: self.free_ports(group).next(),
                }),
                None => match self.service(claim.id) {
                    Some(registered) => errors.push(ClaimError::IdElsewhere {
                        id: claim.id.to_owned(),
                        port: claim.port,
                        registered: registered.port,
                    }),
                    None => errors.push(ClaimError::Unregistered {
                        port: claim.port,
                        group: group.id.clone(),
                        entry: ServiceEntry {
                            port: claim.port,
                            id: claim.id.to_owned(),
                            name: claim.name.to_owned(),
                            group: group.id.clone(),
                            description: None,
                            stack: None,
                            protocol: None,
                            env: None,
                            config: None,
                        },
                    }),
                },
            },
        }
        match granted {
            // Every path that does not grant the port records an error.
            Some(entry) if errors.is_empty() => Ok(entry),
            _ => Err(errors),
        }
    }
}

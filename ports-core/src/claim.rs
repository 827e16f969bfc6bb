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

/// Why a [`Claim`] does not hold, or why [`Registry::allocate`] cannot give a port.
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
        entry: Box<ServiceEntry>,
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
    /// The id is registered, with another port or group than the one written.
    IdElsewhere {
        /// The id.
        id: String,
        /// The port written.
        port: u16,
        /// The group written.
        group: String,
        /// The port the registry gives it.
        registered: u16,
        /// The group the registry gives it.
        registered_group: String,
        /// The service that owns the written port, if another one does: (id, name).
        taken_by: Option<(String, String)>,
    },
    /// The id is registered already ([`Registry::allocate`]).
    AlreadyRegistered {
        /// The id.
        id: String,
        /// Its port.
        port: u16,
        /// Its group.
        group: String,
    },
    /// Every port of the group has a service ([`Registry::allocate`]).
    GroupFull {
        /// The group.
        group: Group,
    },
}

impl ClaimError {
    /// The part of the claim at fault.
    #[must_use]
    pub fn field(&self) -> ClaimField {
        match self {
            ClaimError::BadId { .. } | ClaimError::AlreadyRegistered { .. } => ClaimField::Id,
            ClaimError::UnknownGroup(_) | ClaimError::GroupFull { .. } => ClaimField::Group,
            ClaimError::IdElsewhere { port, registered, .. } if port == registered => ClaimField::Group,
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

/// A shell word: quoted when it holds anything but letters, digits and `-_./`.
fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)) {
        word.to_owned()
    } else {
        format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$").replace('`', "\\`"))
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimError::BadId { id } => write!(
                f,
                "service id `{}` is not kebab-case: {}, e.g. id = \"zero-gateway\"",
                crate::escape_control(id),
                crate::validate::KEBAB_RULE
            ),
            ClaimError::UnknownGroup(unknown) => write!(f, "{unknown}"),
            ClaimError::PortOutsideGroup { port, group, actual, next_free, block } => {
                write!(f, "port {port} is outside group `{}` ({})", group.id, group.range())?;
                match actual {
                    Some(actual) => write!(f, "; it lies in group `{}` ({})", actual.id, actual.range())?,
                    None if block.contains(*port) => write!(f, "; it lies in no group")?,
                    None => write!(f, "; it lies outside the block {}", block)?,
                }
                write!(f, "; {}", next_free_text(&group.id, *next_free))
            }
            ClaimError::Unregistered { port, group, entry } => {
                let json = serde_json::to_string(entry).unwrap_or_default();
                write!(
                    f,
                    "port {port} is free in group `{group}` but not registered; register it with `ports add {} --group {group} --name {} --port {port}`, or add this entry to the registry's \"services\": {json}",
                    entry.id,
                    shell_word(&entry.name),
                )
            }
            ClaimError::PortTaken { port, owner, owner_name, id, group, next_free } => write!(
                f,
                "port {port} belongs to `{owner}` ({owner_name}), not `{id}`; {}",
                next_free_text(group, *next_free)
            ),
            ClaimError::IdElsewhere { id, port, group, registered, registered_group, taken_by } => {
                write!(f, "`{id}` is registered as port {registered} in group `{registered_group}`")?;
                if let Some((owner, name)) = taken_by {
                    write!(f, ", and port {port} belongs to `{owner}` ({name})")?;
                }
                match (port == registered, group == registered_group) {
                    (false, false) => write!(f, ": write port = {registered}, group = \"{registered_group}\""),
                    (false, true) => write!(f, ": write port = {registered}"),
                    _ => write!(f, ": write group = \"{registered_group}\""),
                }
            }
            ClaimError::AlreadyRegistered { id, port, group } => {
                write!(f, "service `{id}` is already registered, on port {port} (group `{group}`)")
            }
            ClaimError::GroupFull { group } => write!(f, "group {group} is full: every port has a service"),
        }
    }
}

impl std::error::Error for ClaimError {}

impl Registry {
    /// Checks a claim against the registry: the group exists, the port lies in it, and the
    /// registry gives the port to this id. Returns the registered entry, or every problem.
    ///
    /// The id, the group and the port are checked independently; when the id is registered
    /// with another port or group, that is the one error (it says what to write).
    ///
    /// # Errors
    ///
    /// Each [`ClaimError`] found, in the order id, group, port.
    ///
    /// ```
    /// use ports_core::{Claim, ClaimError, Registry};
    ///
    /// let registry = Registry::embedded();
    /// let ok = Claim { id: "zero-gateway", port: 4410, group: "rust", name: "Zero Gateway" };
    /// assert_eq!(registry.check_claim(&ok).unwrap().name, "Zero Gateway");
    ///
    /// let taken = Claim { id: "my-gateway", ..ok };
    /// let errors = registry.check_claim(&taken).unwrap_err();
    /// assert!(matches!(&errors[0], ClaimError::PortTaken { owner, next_free: Some(4413), .. } if owner == "zero-gateway"));
    ///
    /// let moved = Claim { port: 4430, group: "integration", ..ok };
    /// let errors = registry.check_claim(&moved).unwrap_err();
    /// assert_eq!(
    ///     errors[0].to_string(),
    ///     "`zero-gateway` is registered as port 4410 in group `rust`: write port = 4410, group = \"rust\"",
    /// );
    /// ```
    pub fn check_claim(&self, claim: &Claim<'_>) -> Result<&ServiceEntry, Vec<ClaimError>> {
        let mut errors = Vec::new();
        let id_ok = is_kebab_id(claim.id);
        if !id_ok {
            errors.push(ClaimError::BadId { id: claim.id.to_owned() });
        }
        let group = match self.require_group(claim.group) {
            Ok(group) => Some(group),
            Err(unknown) => {
                errors.push(ClaimError::UnknownGroup(unknown));
                None
            }
        };
        let registered = if id_ok { self.service(claim.id) } else { None };
        if let Some(entry) = registered {
            if entry.port == claim.port && entry.group == claim.group {
                return if errors.is_empty() { Ok(entry) } else { Err(errors) };
            }
            errors.retain(|e| !matches!(e, ClaimError::UnknownGroup(_)));
            errors.push(ClaimError::IdElsewhere {
                id: claim.id.to_owned(),
                port: claim.port,
                group: claim.group.to_owned(),
                registered: entry.port,
                registered_group: entry.group.clone(),
                taken_by: self
                    .service_at(claim.port)
                    .filter(|owner| owner.id != claim.id)
                    .map(|owner| (owner.id.clone(), owner.name.clone())),
            });
            return Err(errors);
        }
        let Some(group) = group else { return Err(errors) };
        match self.port_available(group, claim.port, claim.id) {
            // Whether the port lies in the group does not depend on the id.
            Err(error @ ClaimError::PortOutsideGroup { .. }) => errors.push(error),
            Err(error) if id_ok => errors.push(error),
            Ok(()) if id_ok => {
                let entry = Box::new(ServiceEntry::new(claim.port, claim.id, claim.name, &group.id));
                errors.push(ClaimError::Unregistered { port: claim.port, group: group.id.clone(), entry });
            }
            // With an unusable id, who owns the port is a question for after it is fixed.
            Err(_) | Ok(()) => {}
        }
        Err(errors)
    }

    /// The port a new service `id` gets in `group`: `port` when given and available, else the
    /// lowest free port of the group — the standard's rule, as `ports add` applies it.
    ///
    /// # Errors
    ///
    /// [`ClaimError::BadId`], [`ClaimError::AlreadyRegistered`], [`ClaimError::UnknownGroup`],
    /// [`ClaimError::PortOutsideGroup`], [`ClaimError::PortTaken`] or [`ClaimError::GroupFull`].
    ///
    /// ```
    /// let registry = ports_core::Registry::embedded();
    /// assert_eq!(registry.allocate("zero-scheduler", "rust", None), Ok(4413));
    /// let err = registry.allocate("zero-scheduler", "rust", Some(4420)).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "port 4420 is outside group `rust` (4410-4419); it lies in group `protocol` (4420-4429); the next free port in `rust` is 4413",
    /// );
    /// ```
    pub fn allocate(&self, id: &str, group: &str, port: Option<u16>) -> Result<u16, ClaimError> {
        if !is_kebab_id(id) {
            return Err(ClaimError::BadId { id: id.to_owned() });
        }
        if let Some(existing) = self.service(id) {
            return Err(ClaimError::AlreadyRegistered {
                id: id.to_owned(),
                port: existing.port,
                group: existing.group.clone(),
            });
        }
        let group = self.require_group(group).map_err(ClaimError::UnknownGroup)?;
        match port {
            Some(port) => self.port_available(group, port, id).map(|()| port),
            None => self.first_free(group).ok_or_else(|| ClaimError::GroupFull { group: group.clone() }),
        }
    }

    /// The one statement of "may `id` take `port` in `group`": inside the group, and no other
    /// service owns it.
    fn port_available(&self, group: &Group, port: u16, id: &str) -> Result<(), ClaimError> {
        if !group.contains(port) {
            return Err(ClaimError::PortOutsideGroup {
                port,
                group: group.clone(),
                actual: self.group_of(port).cloned(),
                next_free: self.first_free(group),
                block: self.block,
            });
        }
        match self.service_at(port) {
            Some(owner) if owner.id != id => Err(ClaimError::PortTaken {
                port,
                owner: owner.id.clone(),
                owner_name: owner.name.clone(),
                id: id.to_owned(),
                group: group.id.clone(),
                next_free: self.first_free(group),
            }),
            _ => Ok(()),
        }
    }

    /// Moves service `id` to `port`, and to the group that port lies in: the rules of
    /// [`Registry::allocate`] (inside the block, in a group, no other service's), for a service
    /// that exists. Returns the port it had. The entry keeps its place in port order.
    ///
    /// # Errors
    ///
    /// [`MoveError`]: an unknown id, a port outside the block or in no group, a port taken.
    ///
    /// ```
    /// let mut registry = ports_core::Registry::embedded().clone();
    /// assert_eq!(registry.relocate("zero-gateway", 4430), Ok(4410));
    /// let moved = registry.service("zero-gateway").unwrap();
    /// assert_eq!((moved.port, moved.group.as_str()), (4430, "integration"));
    /// assert_eq!(
    ///     registry.relocate("zero-channels", 4430).unwrap_err().to_string(),
    ///     "port 4430 belongs to `zero-gateway` (Zero Gateway); the next free port in `integration` is 4431",
    /// );
    /// assert_eq!(
    ///     registry.relocate("zero-channels", 4450).unwrap_err().to_string(),
    ///     "port 4450 lies outside the block 4400-4449",
    /// );
    /// registry.validate()?;
    /// # Ok::<(), ports_core::RegistryError>(())
    /// ```
    pub fn relocate(&mut self, id: &str, port: u16) -> Result<u16, MoveError> {
        let old = self.require_service(id).map_err(MoveError::UnknownService)?.port;
        let group = match self.group_of(port) {
            Some(group) => group.clone(),
            None => return Err(MoveError::NoGroup { port, block: self.block }),
        };
        self.port_available(&group, port, id).map_err(MoveError::Claim)?;
        let at = self.services.iter().position(|s| s.id == id).ok_or_else(|| {
            MoveError::UnknownService(crate::model::UnknownService { id: id.to_owned(), closest: None })
        })?;
        let mut entry = self.services.remove(at);
        entry.port = port;
        entry.group = group.id;
        self.insert_in_port_order(entry);
        Ok(old)
    }
}

/// Why a service cannot move ([`Registry::relocate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MoveError {
    /// No service has the id.
    UnknownService(crate::model::UnknownService),
    /// The port lies in no group (outside the block, or in a gap between groups).
    NoGroup {
        /// The port.
        port: u16,
        /// The block.
        block: crate::model::Block,
    },
    /// The port is another service's.
    Claim(ClaimError),
}

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveError::UnknownService(e) => write!(f, "{e}"),
            MoveError::NoGroup { port, block } if !block.contains(*port) => {
                write!(f, "port {port} lies outside the block {block}")
            }
            MoveError::NoGroup { port, .. } => write!(f, "port {port} lies in no group"),
            MoveError::Claim(ClaimError::PortTaken { port, owner, owner_name, group, next_free, .. }) => {
                write!(f, "port {port} belongs to `{owner}` ({owner_name}); {}", next_free_text(group, *next_free))
            }
            MoveError::Claim(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for MoveError {}

//! The registry model: what a `ports.json` file holds.

use std::fmt;
use std::sync::OnceLock;

/// The host a service binds when the config file names none.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// A port registry: a block of ports, split into groups, and the services that own ports in it.
///
/// Load one with [`Registry::parse`] or [`Registry::load`] (both validate it), or take the
/// standard itself with [`Registry::embedded`]. The fields are public so that a registry can be
/// read without ceremony; after changing one, [`Registry::problems`] tells whether it still
/// keeps the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// The JSON Schema the file declares, if any (kept so that a rewrite preserves it).
    pub schema: Option<String>,
    /// The name of the project the registry belongs to (`"CodeCoder"`).
    pub name: String,
    /// The whole range the project uses (`4400-4449`).
    pub block: Block,
    /// The groups the block is split into, in order.
    pub groups: Vec<Group>,
    /// Every registered service, in registry order.
    pub services: Vec<ServiceEntry>,
}

/// The range of ports a registry covers, both ends included: a [`PortRange`].
pub type Block = PortRange;

/// An inclusive range of ports: the registry's [`Block`] and each group's span. The one
/// definition of "lies in" and of how a range is written (`4410-4419`).
///
/// ```
/// let registry = ports_core::Registry::embedded();
/// assert!(registry.block.contains(4449) && !registry.block.contains(4450));
/// let rust = registry.group("rust").unwrap().range();
/// assert!(rust.contains(4419) && !rust.contains(4420));
/// assert_eq!(rust.to_string(), "4410-4419");
/// assert_eq!(rust.ports().count(), 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortRange {
    /// First port.
    pub start: u16,
    /// Last port (inclusive).
    pub end: u16,
}

impl PortRange {
    /// Whether `port` lies in the range.
    #[must_use]
    pub const fn contains(self, port: u16) -> bool {
        self.start <= port && port <= self.end
    }

    /// Whether the range holds no port (it ends before it starts).
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end < self.start
    }

    /// The ports of the range, in order.
    pub fn ports(self) -> std::ops::RangeInclusive<u16> {
        self.start..=self.end
    }
}

impl fmt::Display for PortRange {
    /// `4410-4419`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// A group of ports inside the block, such as `rust` (4410-4419).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Kebab-case id (`"rust"`), as `group = "..."` names it.
    pub id: String,
    /// First port of the group.
    pub start: u16,
    /// Last port of the group (inclusive).
    pub end: u16,
    /// Human title, as the standard writes it (`"独立 Rust 服务"`).
    pub title: String,
    /// What the group's unallocated ports are kept for: the text of the standard's "预留" row.
    pub reserved: Option<String>,
}

/// One registered service: the owner of one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEntry {
    /// The port the service owns.
    pub port: u16,
    /// Kebab-case id (`"zero-gateway"`), unique in the registry.
    pub id: String,
    /// Human name (`"Zero Gateway"`).
    pub name: String,
    /// The id of the group the port lies in.
    pub group: String,
    /// What the service does.
    pub description: Option<String>,
    /// Technology stack (`"Bun/TypeScript"`).
    pub stack: Option<String>,
    /// Protocol spoken on the port (`"http"`).
    pub protocol: Option<String>,
    /// Env var that overrides the port (`"GATEWAY_PORT"`): the canonical name, the one that
    /// `ports export env`, `ports list` and messages show.
    pub env: Option<String>,
    /// Other env vars read for the port, in order, after [`env`](Self::env)
    /// (`"ZERO_GATEWAY_PORT"`). In the file, `"env": ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"]`.
    pub env_aliases: Vec<String>,
    /// Dotted key of the service's object in the config file (`"workflow.webhook"`): the port
    /// is read from `<config>.port`, the host from `<config>.host`. The canonical key.
    pub config: Option<String>,
    /// Other config keys read, in order, after [`config`](Self::config) (`"workflow"`). In the
    /// file, `"config": ["workflow.webhook", "workflow"]`.
    pub config_aliases: Vec<String>,
}

impl ServiceEntry {
    /// A new entry with no optional field set.
    #[must_use]
    pub fn new(port: u16, id: impl Into<String>, name: impl Into<String>, group: impl Into<String>) -> Self {
        ServiceEntry {
            port,
            id: id.into(),
            name: name.into(),
            group: group.into(),
            description: None,
            stack: None,
            protocol: None,
            env: None,
            env_aliases: Vec::new(),
            config: None,
            config_aliases: Vec::new(),
        }
    }

    /// Every env var name of the service, the canonical one first.
    ///
    /// ```
    /// let gateway = ports_core::Registry::embedded().service("zero-gateway").unwrap();
    /// assert_eq!(gateway.env_names().collect::<Vec<_>>(), ["GATEWAY_PORT"]);
    /// ```
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.env.iter().chain(&self.env_aliases).map(String::as_str)
    }

    /// Every config key of the service, the canonical one first.
    pub fn config_keys(&self) -> impl Iterator<Item = &str> {
        self.config.iter().chain(&self.config_aliases).map(String::as_str)
    }
}

/// The error of a lookup by group id when no group has that id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownGroup {
    /// The id that was asked for.
    pub id: String,
    /// The groups that exist, in registry order.
    pub known: Vec<Group>,
    /// The closest existing id, if one is close.
    pub closest: Option<String>,
}

impl fmt::Display for UnknownGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown group `{}`", self.id)?;
        if let Some(closest) = &self.closest {
            write!(f, "; did you mean `{closest}`?")?;
        }
        let known: Vec<String> = self.known.iter().map(ToString::to_string).collect();
        write!(f, " (groups: {})", known.join(", "))
    }
}

impl std::error::Error for UnknownGroup {}

/// The error of a lookup by service id when no service has that id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownService {
    /// The id that was asked for.
    pub id: String,
    /// The closest registered id, if one is close.
    pub closest: Option<String>,
}

impl fmt::Display for UnknownService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no service `{}` in the registry", self.id)?;
        if let Some(closest) = &self.closest {
            write!(f, "; did you mean `{closest}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownService {}

impl Group {
    /// The group's ports as a [`PortRange`].
    #[must_use]
    pub const fn range(&self) -> PortRange {
        PortRange { start: self.start, end: self.end }
    }

    /// Whether `port` lies in this group.
    ///
    /// ```
    /// let rust = ports_core::Registry::embedded().group("rust").unwrap();
    /// assert!(rust.contains(4419) && !rust.contains(4420));
    /// ```
    #[must_use]
    pub const fn contains(&self, port: u16) -> bool {
        self.range().contains(port)
    }

    /// The ports of the group, in order.
    pub fn ports(&self) -> impl Iterator<Item = u16> {
        self.range().ports()
    }
}

impl fmt::Display for Group {
    /// `rust (4410-4419)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.range())
    }
}

impl Registry {
    /// The standard itself (`port-allocation-standard.md`), shipped inside this crate.
    ///
    /// Parsed once per process.
    ///
    /// ```
    /// let registry = ports_core::Registry::embedded();
    /// assert_eq!(registry.name, "CodeCoder");
    /// assert_eq!(registry.services.len(), 9);
    /// ```
    #[must_use]
    pub fn embedded() -> &'static Registry {
        static EMBEDDED: OnceLock<Registry> = OnceLock::new();
        EMBEDDED.get_or_init(|| match Registry::parse(Self::EMBEDDED_JSON) {
            Ok(registry) => registry,
            // The embedded file is tested on every build (`embedded_registry_is_valid`); this
            // arm can only be reached by editing it into an invalid state.
            Err(error) => panic!("the embedded registry is invalid: {error}"),
        })
    }

    /// The text of the embedded registry, as [`ports init`](https://docs.rs/ports-cli) writes it.
    pub const EMBEDDED_JSON: &'static str = include_str!("standard.json");

    /// The service with this id.
    #[must_use]
    pub fn service(&self, id: &str) -> Option<&ServiceEntry> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The service that owns `port`.
    #[must_use]
    pub fn service_at(&self, port: u16) -> Option<&ServiceEntry> {
        self.services.iter().find(|s| s.port == port)
    }

    /// The service with this id, or an error naming the closest registered id.
    ///
    /// # Errors
    ///
    /// [`UnknownService`] when no service has this id.
    ///
    /// ```
    /// let err = ports_core::Registry::embedded().require_service("zero-gatway").unwrap_err();
    /// assert_eq!(err.to_string(), "no service `zero-gatway` in the registry; did you mean `zero-gateway`?");
    /// ```
    pub fn require_service(&self, id: &str) -> Result<&ServiceEntry, UnknownService> {
        self.service(id).ok_or_else(|| UnknownService {
            id: id.to_owned(),
            closest: closest(id, self.services.iter().map(|s| s.id.as_str())).map(str::to_owned),
        })
    }

    /// The group with this id.
    #[must_use]
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The group with this id, or an error naming the groups that exist and the closest one.
    ///
    /// # Errors
    ///
    /// [`UnknownGroup`] when no group has this id.
    pub fn require_group(&self, id: &str) -> Result<&Group, UnknownGroup> {
        self.group(id).ok_or_else(|| UnknownGroup {
            id: id.to_owned(),
            known: self.groups.clone(),
            closest: self.closest_group(id).map(str::to_owned),
        })
    }

    /// The group id closest to `id` (a typo suggestion), if any is close.
    pub(crate) fn closest_group(&self, id: &str) -> Option<&str> {
        closest(id, self.groups.iter().map(|g| g.id.as_str()))
    }

    /// The group `port` lies in.
    #[must_use]
    pub fn group_of(&self, port: u16) -> Option<&Group> {
        self.groups.iter().find(|g| g.contains(port))
    }

    /// Whether `port` is a port of the block.
    #[must_use]
    pub fn in_block(&self, port: u16) -> bool {
        self.block.contains(port)
    }

    /// The ports of `group` that no service owns, in order. One pass over the services, however
    /// large the group.
    pub fn free_ports(&self, group: &Group) -> impl Iterator<Item = u16> + '_ {
        let taken: std::collections::HashSet<u16> =
            self.services.iter().map(|s| s.port).filter(|&p| group.contains(p)).collect();
        group.ports().filter(move |p| !taken.contains(p))
    }

    /// The lowest port of `group` that no service has: the standard's rule for a new port, the
    /// one place it is computed ([`Registry::next_free`] by id, the claim errors' "next free
    /// port", `ports add` and `ports next`).
    #[must_use]
    pub fn first_free(&self, group: &Group) -> Option<u16> {
        self.free_ports(group).next()
    }

    /// Adds `entry` after the last service with a lower port, so that a file kept in port order
    /// stays so (`ports add`, `ports move`). Not validated: call [`Registry::validate`].
    ///
    /// ```
    /// let mut registry = ports_core::Registry::embedded().clone();
    /// registry.insert_in_port_order(ports_core::ServiceEntry::new(4413, "zero-trading", "Zero Trading", "rust"));
    /// let at = registry.services.iter().position(|s| s.id == "zero-trading").unwrap();
    /// assert_eq!(registry.services[at - 1].port, 4412);
    /// registry.validate()?;
    /// # Ok::<(), ports_core::RegistryError>(())
    /// ```
    pub fn insert_in_port_order(&mut self, entry: ServiceEntry) {
        let at = self.services.iter().rposition(|s| s.port < entry.port).map_or(0, |i| i + 1);
        self.services.insert(at, entry);
    }

    /// Every service by port: for callers that look up many ports (one pass, then constant time).
    #[must_use]
    pub fn by_port(&self) -> std::collections::HashMap<u16, &ServiceEntry> {
        let mut map = std::collections::HashMap::with_capacity(self.services.len());
        for service in &self.services {
            map.entry(service.port).or_insert(service);
        }
        map
    }

    /// The lowest free port of a group — the standard's rule for a new service — or `None` when
    /// the group is full.
    ///
    /// # Errors
    ///
    /// [`UnknownGroup`] when no group has this id.
    pub fn next_free(&self, group: &str) -> Result<Option<u16>, UnknownGroup> {
        let group = self.require_group(group)?;
        Ok(self.first_free(group))
    }

    /// The registered service id closest to `id` (a typo suggestion), if any is close.
    #[must_use]
    pub fn closest_service(&self, id: &str) -> Option<&ServiceEntry> {
        let best = closest(id, self.services.iter().map(|s| s.id.as_str()))?;
        self.service(best)
    }
}

/// The candidate closest to `word` by Jaro-Winkler similarity, if it is close enough to be a
/// plausible typo.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

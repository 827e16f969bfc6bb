//! Resolution: env var > config file `<key>.port` > registry default; host from
//! `<key>.host` > the service's default host.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use crate::file::{self, ReadError, CONFIG_LIMIT};
use crate::model::{Registry, ServiceEntry, DEFAULT_HOST};
use crate::validate::port_from;

/// The env var naming the config file.
pub const CONFIG_ENV: &str = "CODECODER_CONFIG";

/// Where an endpoint's port came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An env var, with its raw value.
    Env {
        /// The variable (`GATEWAY_PORT`).
        var: String,
        /// Its value, as set.
        value: String,
    },
    /// The config file.
    Config {
        /// The file.
        file: PathBuf,
        /// The key path (`workflow.webhook.port`).
        key: String,
    },
    /// The registry's port for the service.
    Default,
}

impl fmt::Display for Source {
    /// `GATEWAY_PORT=5410 (env)`, `/home/me/.codecoder/config.json: gateway.port`,
    /// `registry default`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env { var, value } => write!(f, "{var}={value} (env)"),
            Source::Config { file, key } => write!(f, "{}: {key}", file.display()),
            Source::Default => f.write_str("registry default"),
        }
    }
}

/// A resolved address: where a service listens (or where to reach it), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The host (`127.0.0.1` unless the config file says otherwise).
    pub host: String,
    /// The effective port.
    pub port: u16,
    /// Where the port came from.
    pub source: Source,
}

impl fmt::Display for Endpoint {
    /// `host:port`, with an IPv6 host in brackets (`[::1]:4410`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Endpoint {
    /// The address to bind or connect to: the host resolved (an IP address as is, a DNS name
    /// looked up), the first address found. What `tokio::net::TcpListener::bind` takes:
    ///
    /// ```
    /// let endpoint = ports_core::Resolver::new().resolve_id(ports_core::Registry::embedded(), "zero-gateway")?;
    /// let addr = endpoint.socket_addr()?;
    /// assert_eq!(addr, std::net::SocketAddr::from(([127, 0, 0, 1], 4410)));
    /// // tokio::net::TcpListener::bind(endpoint.socket_addr()?).await?
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The lookup's error, or `NotFound` when the name resolves to no address.
    pub fn socket_addr(&self) -> io::Result<SocketAddr> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, self.port));
        }
        (self.host.as_str(), self.port).to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, format!("host `{}` resolves to no address", self.host))
        })
    }

    /// Whether two endpoints cannot both be bound: the same port, and the same host or either
    /// host a wildcard (`0.0.0.0`, `::`). The one statement of a collision, for `ports!`,
    /// `ports resolve` and `ports status`.
    ///
    /// ```
    /// use ports_core::{Endpoint, Source};
    /// let at = |host: &str, port| Endpoint { host: host.into(), port, source: Source::Default };
    /// assert!(at("127.0.0.1", 4410).collides_with(&at("0.0.0.0", 4410)));
    /// assert!(!at("127.0.0.1", 4410).collides_with(&at("127.0.0.2", 4410)));
    /// assert!(!at("127.0.0.1", 4410).collides_with(&at("127.0.0.1", 4411)));
    /// ```
    #[must_use]
    pub fn collides_with(&self, other: &Endpoint) -> bool {
        self.port == other.port && hosts_overlap(&self.host, &other.host)
    }
}

fn hosts_overlap(a: &str, b: &str) -> bool {
    let ip = |h: &str| h.parse::<IpAddr>().ok();
    let wildcard = |h: &str| h.is_empty() || ip(h).is_some_and(|ip| ip.is_unspecified());
    let same = match (ip(a), ip(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.eq_ignore_ascii_case(b),
    };
    same || wildcard(a) || wildcard(b)
}

/// Every pair of endpoints that collide ([`Endpoint::collides_with`]), as indices into
/// `endpoints`, in order. Endpoints are grouped by port first, so a long list of distinct ports
/// costs one pass.
///
/// ```
/// use ports_core::{collisions, Endpoint, Source};
/// let at = |port| Endpoint { host: "127.0.0.1".into(), port, source: Source::Default };
/// assert_eq!(collisions(&[at(4410), at(4411), at(4410)]), [(0, 2)]);
/// ```
#[must_use]
pub fn collisions<'a>(endpoints: impl IntoIterator<Item = &'a Endpoint>) -> Vec<(usize, usize)> {
    let endpoints: Vec<&Endpoint> = endpoints.into_iter().collect();
    let mut by_port: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        by_port.entry(endpoint.port).or_default().push(i);
    }
    let mut pairs = Vec::new();
    for indices in by_port.values().filter(|v| v.len() > 1) {
        for (n, &i) in indices.iter().enumerate() {
            for &j in &indices[n + 1..] {
                if endpoints[i].collides_with(endpoints[j]) {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

impl ToSocketAddrs for Endpoint {
    type Iter = std::vec::IntoIter<SocketAddr>;

    /// So that `TcpListener::bind(&endpoint)` works.
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        (self.host.as_str(), self.port).to_socket_addrs()
    }
}

/// What the resolver needs to know of a service: its registry entry, borrowed.
#[derive(Debug, Clone)]
pub(crate) struct Target<'a> {
    pub(crate) id: &'a str,
    pub(crate) port: u16,
    /// Env vars, the canonical one first.
    pub(crate) env: Vec<&'a str>,
    /// Config keys, the canonical one first.
    pub(crate) config: Vec<&'a str>,
    /// Host when the config file names none.
    pub(crate) host: &'a str,
}

impl<'a> From<&'a ServiceEntry> for Target<'a> {
    fn from(entry: &'a ServiceEntry) -> Self {
        Target {
            id: &entry.id,
            port: entry.port,
            env: entry.env_names().collect(),
            config: entry.config_keys().collect(),
            host: DEFAULT_HOST,
        }
    }
}

/// Why a service could not be resolved. Every variant names the culprit: the env var and its
/// value, the file and key path, or the service in the way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// An env var is set, but not to a port.
    Env {
        /// The variable.
        var: String,
        /// Its value (lossy for non-UTF-8 values).
        value: String,
        /// The service it overrides.
        service: String,
    },
    /// The config file exists but could not be read.
    ConfigRead {
        /// The file.
        file: PathBuf,
        /// Why.
        message: String,
    },
    /// The config file is not JSON.
    ConfigSyntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A value in the config file has the wrong type.
    ConfigType {
        /// The file.
        file: PathBuf,
        /// The key path (`gateway.port`).
        key: String,
        /// The value found, as JSON.
        value: String,
        /// What was expected there.
        expected: &'static str,
    },
    /// The copy of a registry file that a crate embedded at compile time cannot be used: the
    /// file changed while the crate was being compiled, after the macros had checked it.
    EmbeddedRegistry {
        /// What is wrong with the copy.
        message: String,
    },
    /// An override lands on a port the registry gives to another service.
    Conflict {
        /// The service being resolved.
        service: String,
        /// The overriding port.
        port: u16,
        /// Where the override came from.
        source: Source,
        /// The id of the port's owner.
        owner: String,
        /// The owner's name.
        owner_name: String,
    },
    /// Two names of one service (env vars, or config keys) are set to different ports.
    Disagree {
        /// The service.
        service: String,
        /// The first name set, and its port.
        first: Source,
        /// Its port.
        first_port: u16,
        /// The second name set.
        second: Source,
        /// Its port.
        second_port: u16,
    },
    /// Two fields of a `ports!` struct resolve to the same endpoint.
    Collision {
        /// The first field.
        first: String,
        /// Its endpoint.
        first_endpoint: Endpoint,
        /// The second field.
        second: String,
        /// Its endpoint.
        second_endpoint: Endpoint,
    },
    /// No service has this id.
    UnknownService {
        /// The id asked for.
        id: String,
        /// The closest registered id, if one is close.
        closest: Option<String>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Env { var, value, service } => write!(
                f,
                "env var {var}={} (port of `{service}`) is not a port: expected a whole number 1-65535 with no spaces or sign; unset it to use the config file or the registry",
                shown(value)
            ),
            ResolveError::ConfigRead { file, message } => write!(f, "cannot read config file {}: {message}", path(file)),
            ResolveError::ConfigSyntax { file, line, column, message } => write!(
                f,
                "config file {}:{line}:{column}: {}",
                path(file),
                crate::escape_control(message)
            ),
            ResolveError::ConfigType { file, key, value, expected } => write!(
                f,
                "config file {}: `{key}` is {}, expected {expected}",
                path(file),
                crate::escape_control(&truncated(value))
            ),
            ResolveError::EmbeddedRegistry { message } => write!(
                f,
                "the registry file embedded in this program at compile time is not the one its macros checked ({}): it changed during the build; build the program again",
                crate::escape_control(message)
            ),
            ResolveError::Disagree { service, first, first_port, second, second_port } => write!(
                f,
                "`{service}` is set twice to different ports: {first} gives {first_port}, {second} gives {second_port}; keep one of them, or set both to the same port"
            ),
            ResolveError::Conflict { service, port, source, owner, owner_name } => write!(
                f,
                "`{service}` is set to port {port} by {source}, but the registry gives port {port} to `{owner}` ({owner_name}); choose a port no other service owns"
            ),
            ResolveError::Collision { first, first_endpoint, second, second_endpoint } => write!(
                f,
                "fields `{first}` and `{second}` both resolve to port {}: `{first}` = {first_endpoint} from {}, `{second}` = {second_endpoint} from {}",
                first_endpoint.port, first_endpoint.source, second_endpoint.source
            ),
            ResolveError::UnknownService { id, closest } => {
                write!(f, "no service `{id}` in the registry")?;
                if let Some(closest) = closest {
                    write!(f, "; did you mean `{closest}`?")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// At most this many characters of a value are echoed in a message.
const ECHO_LIMIT: usize = 64;

/// A value as a message shows it: truncated, then quoted with its control characters escaped.
fn shown(value: &str) -> String {
    format!("{:?}", truncated(value))
}

fn truncated(value: &str) -> String {
    if value.chars().count() <= ECHO_LIMIT {
        return value.to_owned();
    }
    let head: String = value.chars().take(ECHO_LIMIT).collect();
    format!("{head}... ({} bytes in all)", value.len())
}

fn path(file: &std::path::Path) -> String {
    crate::escape_control(&file.display().to_string()).into_owned()
}

/// Whether `host` is something to bind or connect to: an IP address, or a DNS name (labels of
/// letters, digits, `-` and `_`, 1-63 characters each, not starting or ending with `-`; at most
/// 253 characters). No port, no brackets, no spaces.
///
/// ```
/// assert!(ports_core::is_host("0.0.0.0") && ports_core::is_host("::1") && ports_core::is_host("zero-gateway.local"));
/// assert!(!ports_core::is_host("0.0.0.0:80") && !ports_core::is_host(" example ") && !ports_core::is_host("[::1]"));
/// ```
#[must_use]
pub fn is_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[derive(Debug, Clone)]
enum Env {
    Process,
    Map(HashMap<String, OsString>),
}

#[derive(Debug, Clone)]
enum ConfigChoice {
    /// `CODECODER_CONFIG`, else `$HOME/.codecoder/config.json`, looked up in the resolver's env.
    FromEnv,
    File(PathBuf),
    Text {
        file: PathBuf,
        text: String,
    },
    Value {
        file: PathBuf,
        value: Value,
    },
    Off,
}

#[derive(Debug, Clone)]
struct Config {
    file: PathBuf,
    value: Value,
}

/// Resolves services to endpoints: env var > config file > registry default.
///
/// [`Resolver::from_env`] reads the process environment; [`Resolver::new`] starts from an empty
/// one that tests fill in code. The config file is read once per resolver, on first use, so a
/// `ports!` struct resolving many services reads it once.
///
/// ```
/// use ports_core::{Registry, Resolver, Source};
///
/// let config = r#"{ "workflow": { "webhook": { "port": 5412, "host": "0.0.0.0" } } }"#;
/// let resolver = Resolver::new().config_json("config.json", config);
/// let endpoint = resolver.resolve_id(Registry::embedded(), "zero-workflow")?;
/// assert_eq!(endpoint.to_string(), "0.0.0.0:5412");
/// assert_eq!(endpoint.source.to_string(), "config.json: workflow.webhook.port");
/// # Ok::<(), ports_core::ResolveError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Resolver {
    env: Env,
    config: ConfigChoice,
    loaded: OnceLock<Result<Option<Config>, ResolveError>>,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver::new()
    }
}

/// One service of [`Resolver::resolve_all`]: its entry, its endpoint (or why it has none), and
/// where its host came from when not from the default.
#[derive(Debug, Clone)]
pub struct Resolved<'r> {
    /// The registry entry.
    pub service: &'r ServiceEntry,
    /// The effective endpoint.
    pub result: Result<Endpoint, ResolveError>,
    /// The config key the host was read from (`Source::Config`), or `None` for the default host.
    pub host_source: Option<Source>,
}

impl Resolver {
    /// A resolver over an empty environment and no config file: every service resolves to its
    /// registry default until [`env`](Self::env) or a config is added.
    #[must_use]
    pub fn new() -> Self {
        Resolver { env: Env::Map(HashMap::new()), config: ConfigChoice::FromEnv, loaded: OnceLock::new() }
    }

    /// A resolver over the real process environment and config file.
    #[must_use]
    pub fn from_env() -> Self {
        Resolver { env: Env::Process, config: ConfigChoice::FromEnv, loaded: OnceLock::new() }
    }

    /// Sets a variable of the resolver's own environment (a resolver from [`new`](Self::new)).
    /// On a [`from_env`](Self::from_env) resolver, it switches to a snapshot of the process
    /// environment plus this variable; the process environment itself is never changed.
    #[must_use]
    pub fn env(mut self, var: impl Into<String>, value: impl Into<OsString>) -> Self {
        if let Env::Process = self.env {
            self.env = Env::Map(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v))).collect());
        }
        if let Env::Map(map) = &mut self.env {
            map.insert(var.into(), value.into());
        }
        self.loaded = OnceLock::new();
        self
    }

    /// Reads the config from this file instead of `CODECODER_CONFIG` / `~/.codecoder/config.json`.
    /// A missing file is no error.
    #[must_use]
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = ConfigChoice::File(path.into());
        self.loaded = OnceLock::new();
        self
    }

    /// Uses this JSON text as the config file; `file` is the name errors and sources show.
    #[must_use]
    pub fn config_json(mut self, file: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.config = ConfigChoice::Text { file: file.into(), text: text.into() };
        self.loaded = OnceLock::new();
        self
    }

    /// Uses a config document the application has already parsed (no file is read);
    /// `name` is what [`Source::Config`] and errors show.
    ///
    /// ```
    /// use ports_core::{Registry, Resolver};
    ///
    /// let config: serde_json::Value = serde_json::json!({ "gateway": { "port": 5410 } });
    /// let resolver = Resolver::new().config_value("~/.codecoder/config.json", config);
    /// let endpoint = resolver.resolve_id(Registry::embedded(), "zero-gateway")?;
    /// assert_eq!(endpoint.source.to_string(), "~/.codecoder/config.json: gateway.port");
    /// # Ok::<(), ports_core::ResolveError>(())
    /// ```
    #[must_use]
    pub fn config_value(mut self, name: impl Into<PathBuf>, value: Value) -> Self {
        self.config = ConfigChoice::Value { file: name.into(), value };
        self.loaded = OnceLock::new();
        self
    }

    /// Ignores every config file.
    #[must_use]
    pub fn no_config(mut self) -> Self {
        self.config = ConfigChoice::Off;
        self.loaded = OnceLock::new();
        self
    }

    /// The config file this resolver reads (whether or not it exists), if any:
    /// `CODECODER_CONFIG`, else `.codecoder/config.json` in the home directory (`HOME`, or
    /// `USERPROFILE` on Windows; a non-UTF-8 path is used as it is).
    #[must_use]
    pub fn config_path(&self) -> Option<PathBuf> {
        match &self.config {
            ConfigChoice::FromEnv => {
                if let Some(path) = self.var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
                    return Some(PathBuf::from(path));
                }
                Some(self.home()?.join(".codecoder").join("config.json"))
            }
            ConfigChoice::File(path)
            | ConfigChoice::Text { file: path, .. }
            | ConfigChoice::Value { file: path, .. } => Some(path.clone()),
            ConfigChoice::Off => None,
        }
    }

    fn home(&self) -> Option<PathBuf> {
        match &self.env {
            #[allow(deprecated)] // not deprecated since 1.86; the allow keeps older toolchains quiet
            Env::Process => std::env::home_dir().filter(|p| !p.as_os_str().is_empty()),
            Env::Map(map) => {
                let var = |name: &str| map.get(name).filter(|v| !v.is_empty()).map(PathBuf::from);
                var("HOME").or_else(|| if cfg!(windows) { var("USERPROFILE") } else { None })
            }
        }
    }

    /// Resolves the registry entry with this id.
    ///
    /// # Errors
    ///
    /// [`ResolveError::UnknownService`] when no entry has this id; otherwise as
    /// [`resolve`](Self::resolve).
    pub fn resolve_id(&self, registry: &Registry, id: &str) -> Result<Endpoint, ResolveError> {
        let entry =
            registry.require_service(id).map_err(|e| ResolveError::UnknownService { id: e.id, closest: e.closest })?;
        self.resolve_target(&Target::from(entry), &|port| registry.service_at(port)).map(|(endpoint, _)| endpoint)
    }

    /// Resolves every service of the registry, in registry order, reading the config file once.
    /// Linear in the size of the registry.
    ///
    /// ```
    /// let resolver = ports_core::Resolver::new().env("WORKFLOW_PORT", "4413");
    /// let all = resolver.resolve_all(ports_core::Registry::embedded());
    /// let workflow = all.iter().find(|r| r.service.id == "zero-workflow").unwrap();
    /// assert_eq!(workflow.result.as_ref().unwrap().port, 4413);
    /// ```
    #[must_use]
    pub fn resolve_all<'r>(&self, registry: &'r Registry) -> Vec<Resolved<'r>> {
        let owners = registry.by_port();
        let owner_at = |port: u16| owners.get(&port).copied();
        registry
            .services
            .iter()
            .map(|service| match self.resolve_target(&Target::from(service), &owner_at) {
                Ok((endpoint, host_source)) => Resolved { service, result: Ok(endpoint), host_source },
                Err(error) => Resolved { service, result: Err(error), host_source: None },
            })
            .collect()
    }

    /// The common path of every `resolve`.
    pub(crate) fn resolve_target<'r>(
        &self,
        target: &Target<'_>,
        owner_at: &dyn Fn(u16) -> Option<&'r ServiceEntry>,
    ) -> Result<(Endpoint, Option<Source>), ResolveError> {
        let config = self.config()?;
        let mut host: Option<(String, Source)> = None;
        let mut port: Option<(u16, Source)> = None;
        if let Some(config) = config {
            for key in &target.config {
                let Some(object) = lookup(config, key)? else { continue };
                if let Some(value) = object.get("host").filter(|v| !v.is_null()) {
                    let at = format!("{key}.host");
                    match value.as_str().filter(|h| is_host(h)) {
                        Some(h) if host.is_none() => {
                            host = Some((h.to_owned(), Source::Config { file: config.file.clone(), key: at }));
                        }
                        Some(_) => {}
                        None => {
                            return Err(type_error(
                                config,
                                &at,
                                value,
                                "an IP address or a DNS name (no port, no spaces)",
                            ))
                        }
                    }
                }
                if let Some(value) = object.get("port").filter(|v| !v.is_null()) {
                    let at = format!("{key}.port");
                    let Some(p) = value.as_u64().and_then(port_from) else {
                        return Err(type_error(config, &at, value, "an integer port 1-65535"));
                    };
                    agree(&mut port, target.id, p, Source::Config { file: config.file.clone(), key: at })?;
                }
            }
        }
        let mut from_env: Option<(u16, Source)> = None;
        for var in &target.env {
            let Some(raw) = self.var_os(var) else { continue };
            let value = raw.to_string_lossy().into_owned();
            match parse_port(&value).filter(|_| raw.to_str().is_some()) {
                Some(p) => agree(&mut from_env, target.id, p, Source::Env { var: (*var).to_owned(), value })?,
                None => return Err(ResolveError::Env { var: (*var).to_owned(), value, service: target.id.to_owned() }),
            }
        }
        let (port, source) = from_env.or(port).unwrap_or((target.port, Source::Default));
        if port != target.port {
            if let Some(owner) = owner_at(port).filter(|owner| owner.id != target.id) {
                return Err(ResolveError::Conflict {
                    service: target.id.to_owned(),
                    port,
                    source,
                    owner: owner.id.clone(),
                    owner_name: owner.name.clone(),
                });
            }
        }
        let (host, host_source) = match host {
            Some((host, source)) => (host, Some(source)),
            None => (target.host.to_owned(), None),
        };
        Ok((Endpoint { host, port, source }, host_source))
    }

    fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.env {
            Env::Process => std::env::var_os(name),
            Env::Map(map) => map.get(name).cloned(),
        }
    }

    fn config(&self) -> Result<Option<&Config>, ResolveError> {
        self.loaded.get_or_init(|| self.load_config()).as_ref().map(Option::as_ref).map_err(Clone::clone)
    }

    fn load_config(&self) -> Result<Option<Config>, ResolveError> {
        let (file, text) = match &self.config {
            ConfigChoice::Off => return Ok(None),
            ConfigChoice::Value { file, value } => {
                return Ok(Some(Config { file: file.clone(), value: value.clone() }))
            }
            ConfigChoice::Text { file, text } => (file.clone(), text.clone()),
            ConfigChoice::FromEnv | ConfigChoice::File(_) => {
                let Some(file) = self.config_path() else { return Ok(None) };
                match file::read_text(&file, CONFIG_LIMIT) {
                    Ok(text) => (file, text),
                    Err(e) if e.is_not_found() => return Ok(None),
                    Err(ReadError::Io(e)) => return Err(ResolveError::ConfigRead { file, message: e.to_string() }),
                    Err(e) => return Err(ResolveError::ConfigRead { file, message: e.to_string() }),
                }
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Ok(Some(Config { file, value })),
            Err(e) => {
                let (line, column, message) = crate::load::json_position(&e);
                Err(ResolveError::ConfigSyntax { file, line, column, message })
            }
        }
    }
}

/// Records a port found under one of a service's names; a second name set to another port is
/// an error naming both.
fn agree(slot: &mut Option<(u16, Source)>, service: &str, port: u16, source: Source) -> Result<(), ResolveError> {
    match slot {
        None => *slot = Some((port, source)),
        Some((first_port, _)) if *first_port == port => {}
        Some((first_port, first)) => {
            return Err(ResolveError::Disagree {
                service: service.to_owned(),
                first: first.clone(),
                first_port: *first_port,
                second: source,
                second_port: port,
            })
        }
    }
    Ok(())
}

/// A port from an env value: ASCII digits only (no sign, no spaces), 1-65535.
fn parse_port(value: &str) -> Option<u16> {
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u64>().ok().and_then(port_from)
}

/// The object at a dotted key path; `None` when any segment is missing.
fn lookup<'c>(config: &'c Config, key: &str) -> Result<Option<&'c serde_json::Map<String, Value>>, ResolveError> {
    let mut current = &config.value;
    let mut walked = String::new();
    if !current.is_object() {
        return Err(type_error(config, "(top level)", current, "an object"));
    }
    for segment in key.split('.') {
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        let Some(next) = current.get(segment) else { return Ok(None) };
        if next.is_null() {
            return Ok(None);
        }
        if !next.is_object() {
            return Err(type_error(config, &walked, next, "an object with `port` and `host`"));
        }
        current = next;
    }
    Ok(current.as_object())
}

fn type_error(config: &Config, key: &str, value: &Value, expected: &'static str) -> ResolveError {
    ResolveError::ConfigType { file: config.file.clone(), key: key.to_owned(), value: value.to_string(), expected }
}

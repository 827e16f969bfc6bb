//! Resolution: env var > config file `<key>.port` > registry default; host from
//! `<key>.host` > the service's default host.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::model::{Registry, ServiceEntry};
use crate::service::{Service, DEFAULT_HOST};
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

impl ToSocketAddrs for Endpoint {
    type Iter = std::vec::IntoIter<SocketAddr>;

    /// So that `TcpListener::bind(&endpoint)` works.
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        (self.host.as_str(), self.port).to_socket_addrs()
    }
}

/// What the resolver needs to know of a service: its registry entry, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Registry id.
    pub id: &'a str,
    /// Registered port.
    pub port: u16,
    /// Env var override, if any.
    pub env: Option<&'a str>,
    /// Config key, if any.
    pub config: Option<&'a str>,
    /// Host when the config file names none.
    pub host: &'a str,
}

impl Target<'static> {
    /// The target of a [`Service`] type.
    #[must_use]
    pub fn of<S: Service + ?Sized>() -> Self {
        Target { id: S::ID, port: S::PORT, env: S::ENV, config: S::CONFIG, host: S::HOST }
    }
}

impl<'a> From<&'a ServiceEntry> for Target<'a> {
    fn from(entry: &'a ServiceEntry) -> Self {
        Target {
            id: &entry.id,
            port: entry.port,
            env: entry.env.as_deref(),
            config: entry.config.as_deref(),
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
                "env var {var}={value:?} (port of `{service}`) is not a port: expected a whole number 1-65535 with no spaces or sign; unset it to use the config file or the registry"
            ),
            ResolveError::ConfigRead { file, message } => write!(f, "cannot read config file {}: {message}", file.display()),
            ResolveError::ConfigSyntax { file, line, column, message } => write!(
                f,
                "config file {}:{line}:{column}: {message}",
                file.display()
            ),
            ResolveError::ConfigType { file, key, value, expected } => write!(
                f,
                "config file {}: `{key}` is {value}, expected {expected}",
                file.display()
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

    /// Ignores every config file.
    #[must_use]
    pub fn no_config(mut self) -> Self {
        self.config = ConfigChoice::Off;
        self.loaded = OnceLock::new();
        self
    }

    /// The config file this resolver reads (whether or not it exists), if any.
    #[must_use]
    pub fn config_path(&self) -> Option<PathBuf> {
        match &self.config {
            ConfigChoice::FromEnv => {
                if let Some(path) = self.var(CONFIG_ENV).filter(|v| !v.is_empty()) {
                    return Some(PathBuf::from(path));
                }
                let home = self.var("HOME").filter(|v| !v.is_empty())?;
                Some(Path::new(&home).join(".codecoder").join("config.json"))
            }
            ConfigChoice::File(path) | ConfigChoice::Text { file: path, .. } => Some(path.clone()),
            ConfigChoice::Off => None,
        }
    }

    /// Resolves a [`Service`] type, checking overrides against the registry it was checked
    /// against.
    ///
    /// # Errors
    ///
    /// See [`ResolveError`].
    pub fn resolve<S: Service + ?Sized>(&self) -> Result<Endpoint, ResolveError> {
        self.resolve_target(S::registry(), &Target::of::<S>())
    }

    /// Resolves the registry entry with this id.
    ///
    /// # Errors
    ///
    /// [`ResolveError::UnknownService`] when no entry has this id; otherwise as
    /// [`resolve`](Self::resolve).
    pub fn resolve_id(&self, registry: &Registry, id: &str) -> Result<Endpoint, ResolveError> {
        let entry = registry.service(id).ok_or_else(|| ResolveError::UnknownService {
            id: id.to_owned(),
            closest: registry.closest_service(id).map(|s| s.id.clone()),
        })?;
        self.resolve_target(registry, &Target::from(entry))
    }

    /// Resolves any target: the common path of every other `resolve`.
    ///
    /// # Errors
    ///
    /// See [`ResolveError`].
    pub fn resolve_target(&self, registry: &Registry, target: &Target<'_>) -> Result<Endpoint, ResolveError> {
        let config = self.config()?;
        let section = match (config, target.config) {
            (Some(config), Some(key)) => lookup(config, key)?.map(|value| (config, key, value)),
            _ => None,
        };
        let mut host = target.host.to_owned();
        let mut port = None;
        if let Some((config, key, object)) = section {
            if let Some(value) = object.get("host") {
                match value.as_str().filter(|h| !h.trim().is_empty()) {
                    Some(h) => h.clone_into(&mut host),
                    None => {
                        return Err(type_error(
                            config,
                            &format!("{key}.host"),
                            value,
                            "a host name or address (a non-empty string)",
                        ))
                    }
                }
            }
            if let Some(value) = object.get("port") {
                let key = format!("{key}.port");
                match value.as_u64().and_then(port_from) {
                    Some(p) => port = Some((p, Source::Config { file: config.file.clone(), key })),
                    None => return Err(type_error(config, &key, value, "an integer port 1-65535")),
                }
            }
        }
        if let Some(var) = target.env {
            if let Some(raw) = self.var_os(var) {
                let value = raw.to_string_lossy().into_owned();
                let parsed = parse_port(&value).filter(|_| raw.to_str().is_some());
                match parsed {
                    Some(p) => port = Some((p, Source::Env { var: var.to_owned(), value })),
                    None => {
                        return Err(ResolveError::Env { var: var.to_owned(), value, service: target.id.to_owned() })
                    }
                }
            }
        }
        let (port, source) = port.unwrap_or((target.port, Source::Default));
        if port != target.port {
            if let Some(owner) = registry.service_at(port).filter(|owner| owner.id != target.id) {
                return Err(ResolveError::Conflict {
                    service: target.id.to_owned(),
                    port,
                    source,
                    owner: owner.id.clone(),
                    owner_name: owner.name.clone(),
                });
            }
        }
        Ok(Endpoint { host, port, source })
    }

    fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.env {
            Env::Process => std::env::var_os(name),
            Env::Map(map) => map.get(name).cloned(),
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        self.var_os(name).map(|v| v.to_string_lossy().into_owned())
    }

    fn config(&self) -> Result<Option<&Config>, ResolveError> {
        self.loaded.get_or_init(|| self.load_config()).as_ref().map(Option::as_ref).map_err(Clone::clone)
    }

    fn load_config(&self) -> Result<Option<Config>, ResolveError> {
        let (file, text) = match &self.config {
            ConfigChoice::Off => return Ok(None),
            ConfigChoice::Text { file, text } => (file.clone(), text.clone()),
            ConfigChoice::FromEnv | ConfigChoice::File(_) => {
                let Some(file) = self.config_path() else { return Ok(None) };
                match std::fs::read_to_string(&file) {
                    Ok(text) => (file, text),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(ResolveError::ConfigRead { file, message: e.to_string() }),
                }
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => Ok(Some(Config { file, value })),
            Err(e) => {
                let (line, column) = (e.line(), e.column());
                let full = e.to_string();
                let message =
                    full.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&full).to_owned();
                Err(ResolveError::ConfigSyntax { file, line, column, message })
            }
        }
    }
}

/// A port from an env value: ASCII digits only (no sign, no spaces), 1-65535.
fn parse_port(value: &str) -> Option<u16> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
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

//! The algorithm: env var > config file `<key>.port` > registry default; host from
//! `<key>.host` > the service's default host.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use super::config::{lookup, type_error, Config, ConfigChoice};
use super::endpoint::PortOwner;
use super::host::is_host;
use super::{Endpoint, ResolveError, Source};
use crate::model::{Registry, ServiceEntry, DEFAULT_HOST};
use crate::validate::port_from;

/// The env var naming the config file.
pub const CONFIG_ENV: &str = "CODECODER_CONFIG";

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

#[derive(Debug, Clone)]
pub(super) enum Env {
    Process,
    Map(HashMap<String, OsString>),
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
    pub(super) env: Env,
    pub(super) config: ConfigChoice,
    pub(super) loaded: OnceLock<Result<Option<Config>, ResolveError>>,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver::new()
    }
}

/// One service of [`Resolver::resolve_all`]: its entry, and its endpoint or why it has none.
#[derive(Debug, Clone)]
pub struct Resolved<'r> {
    /// The registry entry.
    pub service: &'r ServiceEntry,
    /// The effective endpoint (its `host_source` says where the host came from).
    pub result: Result<Endpoint, ResolveError>,
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

    /// Resolves the registry entry with this id.
    ///
    /// # Errors
    ///
    /// [`ResolveError::UnknownService`] when no entry has this id; otherwise as
    /// [`resolve`](Self::resolve).
    pub fn resolve_id(&self, registry: &Registry, id: &str) -> Result<Endpoint, ResolveError> {
        let entry = registry.require_service(id)?;
        self.resolve_target(&Target::from(entry), &|port| registry.service_at(port))
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
            .map(|service| {
                let result = self.resolve_target(&Target::from(service), &owner_at);
                Resolved { service, result }
            })
            .collect()
    }

    /// The common path of every `resolve`.
    pub(crate) fn resolve_target<'r>(
        &self,
        target: &Target<'_>,
        owner_at: &dyn Fn(u16) -> Option<&'r ServiceEntry>,
    ) -> Result<Endpoint, ResolveError> {
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
        let owner = owner_at(port).filter(|owner| owner.id != target.id);
        if let Some(owner) = owner.filter(|_| port != target.port) {
            return Err(ResolveError::Conflict {
                service: target.id.to_owned(),
                port,
                source,
                owner: owner.id.clone(),
                owner_name: owner.name.clone(),
            });
        }
        let (host, host_source) = host.unwrap_or_else(|| (target.host.to_owned(), Source::Default));
        Ok(Endpoint {
            service: target.id.to_owned(),
            host,
            port,
            source,
            host_source,
            // The service's own registered port, given by the registry to another service: only
            // a hand-written `Service` gets here; its bind error names the registry's owner.
            registered_to: owner.map(|owner| PortOwner { id: owner.id.clone(), name: owner.name.clone() }),
        })
    }

    pub(super) fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.env {
            Env::Process => std::env::var_os(name),
            Env::Map(map) => map.get(name).cloned(),
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

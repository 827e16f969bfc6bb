//! Where the config document comes from (`CODECODER_CONFIG`, `~/.codecoder/config.json`, a
//! file, a text or a parsed document), how a key path is looked up in it, and how the
//! effective ports are written back into it for an application's own serde `Config`.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::resolver::{Env, Target};
use super::{ResolveError, Resolver, Source, CONFIG_ENV};
use crate::file::{self, CONFIG_LIMIT};
use crate::model::Registry;

#[derive(Debug, Clone)]
pub(super) enum ConfigChoice {
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

/// A config document, and the name its sources and errors show.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub(super) file: PathBuf,
    pub(super) value: Value,
}

impl Resolver {
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

    /// The config document, read once per resolver.
    pub(super) fn config(&self) -> Result<Option<&Config>, ResolveError> {
        self.loaded.get_or_init(|| self.load_config()).as_ref().map(Option::as_ref).map_err(Clone::clone)
    }

    fn load_config(&self) -> Result<Option<Config>, ResolveError> {
        let (file, text) = match &self.config {
            ConfigChoice::Off => return Ok(None),
            ConfigChoice::Value { file, value } => {
                return Ok(Some(Config { file: file.clone(), value: value.clone() }))
            }
            // `decode` drops a leading BOM, as a file read does.
            ConfigChoice::Text { file, text } => (file.clone(), file::decode(text.clone().into_bytes())),
            ConfigChoice::FromEnv | ConfigChoice::File(_) => {
                let Some(file) = self.config_path() else { return Ok(None) };
                let text = file::read_text(&file, CONFIG_LIMIT);
                if text.as_ref().is_err_and(file::ReadError::is_not_found) {
                    return Ok(None);
                }
                (file, text)
            }
        };
        let text = text.map_err(|e| ResolveError::ConfigRead { file: file.clone(), message: e.to_string() })?;
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => Ok(Some(Config { file, value })),
            Err(e) => {
                let (line, column, message) = crate::load::json_position(&e);
                Err(ResolveError::ConfigSyntax { file, line, column, message })
            }
        }
    }

    /// The config document with every effective port written in: what an application that
    /// parses `~/.codecoder/config.json` into its own serde `Config` deserializes, so that its
    /// `Config` and the resolver agree — an env override lands in the `Config` too.
    ///
    /// The document is the resolver's (`CODECODER_CONFIG` or `~/.codecoder/config.json`, the
    /// file of [`config_file`](Self::config_file), or the document of
    /// [`config_value`](Self::config_value)); `{}` when there is none. For every service of
    /// `registry` that has a config key, `<key>.port` is set to its effective port when that
    /// came from an env var or a config alias, and `<key>.host` to its host when that came from a
    /// config alias (the canonical key, the first of the registry's `config`); objects on the
    /// way are created. Nothing else changes: a service on its registry default keeps its
    /// absence, so the application's `#[serde(default = "ports_core::port_of::<S>")]` gives it.
    ///
    /// ```
    /// use ports_core::{Registry, Resolver};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config {
    ///     gateway: Gateway,
    /// }
    /// #[derive(serde::Deserialize)]
    /// struct Gateway {
    ///     port: u16,
    ///     host: String,
    /// }
    ///
    /// let document = serde_json::json!({ "gateway": { "port": 5410, "host": "0.0.0.0" } });
    /// let resolver = Resolver::new().config_value("config.json", document).env("GATEWAY_PORT", "6410");
    /// let config: Config = serde_json::from_value(resolver.resolved_config(Registry::embedded())?)?;
    /// assert_eq!((config.gateway.port, config.gateway.host.as_str()), (6410, "0.0.0.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`resolve_all`](Self::resolve_all) would report for any service of `registry`: a
    /// malformed config file, a set-but-invalid override, an override on another service's port.
    pub fn resolved_config(&self, registry: &Registry) -> Result<Value, ResolveError> {
        let mut document = match self.config()? {
            Some(config) => config.value.clone(),
            None => Value::Object(Map::new()),
        };
        let file = self.config_path().unwrap_or_default();
        let owners = registry.by_port();
        let owner_at = |port: u16| owners.get(&port).copied();
        for service in &registry.services {
            let Some(key) = service.config_keys().next() else { continue };
            let endpoint = self.resolve_target(&Target::from(service), &owner_at)?;
            let port_key = format!("{key}.port");
            let host_key = format!("{key}.host");
            let port = match &endpoint.source {
                Source::Default => None,
                Source::Config { key, .. } if *key == port_key => None,
                Source::Env { .. } | Source::Config { .. } => Some(endpoint.port),
            };
            let host = match &endpoint.host_source {
                Source::Config { key, .. } if *key != host_key => Some(endpoint.host),
                _ => None,
            };
            if port.is_none() && host.is_none() {
                continue;
            }
            let object = object_at(&mut document, key).ok_or_else(|| ResolveError::ConfigType {
                file: file.clone(),
                key: key.to_owned(),
                value: "a value that is not an object".to_owned(),
                expected: "an object with `port` and `host`",
            })?;
            if let Some(port) = port {
                object.insert("port".to_owned(), Value::from(port));
            }
            if let Some(host) = host {
                object.insert("host".to_owned(), Value::from(host));
            }
        }
        Ok(document)
    }
}

/// The object at a dotted key path, created (over `null` or nothing) where missing; `None`
/// when a value on the way is not an object (which [`lookup`] has already reported).
fn object_at<'d>(document: &'d mut Value, key: &str) -> Option<&'d mut Map<String, Value>> {
    let mut current = document;
    for segment in key.split('.') {
        let object = current.as_object_mut()?;
        let next = object.entry(segment).or_insert(Value::Null);
        if next.is_null() {
            *next = Value::Object(Map::new());
        }
        current = next;
    }
    current.as_object_mut()
}

/// The object at a dotted key path; `None` when any segment is missing.
pub(super) fn lookup<'c>(config: &'c Config, key: &str) -> Result<Option<&'c Map<String, Value>>, ResolveError> {
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

pub(super) fn type_error(config: &Config, key: &str, value: &Value, expected: &'static str) -> ResolveError {
    ResolveError::ConfigType { file: config.file.clone(), key: key.to_owned(), value: value.to_string(), expected }
}

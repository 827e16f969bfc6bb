//! [`ResolveError`]: why a service could not be resolved, naming the culprit.

use std::fmt;
use std::path::PathBuf;

use super::collision::write_collision;
use super::{Endpoint, Source};
use crate::model::UnknownService;

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
        /// Its endpoint (boxed: an error stays small on the `Ok` path).
        first_endpoint: Box<Endpoint>,
        /// The second field.
        second: String,
        /// Its endpoint.
        second_endpoint: Box<Endpoint>,
    },
    /// No service has this id.
    UnknownService(UnknownService),
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
            ResolveError::Collision { first, first_endpoint, second, second_endpoint } => {
                f.write_str("fields ")?;
                write_collision(f, (first, first_endpoint), (second, second_endpoint))
            }
            ResolveError::UnknownService(unknown) => write!(f, "{unknown}"),
        }
    }
}

impl std::error::Error for ResolveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResolveError::UnknownService(unknown) => Some(unknown),
            _ => None,
        }
    }
}

impl From<UnknownService> for ResolveError {
    fn from(unknown: UnknownService) -> Self {
        ResolveError::UnknownService(unknown)
    }
}

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

pub(super) fn path(file: &std::path::Path) -> String {
    crate::escape_control(&file.display().to_string()).into_owned()
}

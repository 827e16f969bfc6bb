//! Test-port leases: a bound listener on a free port of a registry's `test` group. The bind is
//! the lock, across threads and processes; dropping the listener ends the lease.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, TcpListener};

use crate::model::{Registry, UnknownGroup};

/// Why no test port could be leased.
#[derive(Debug)]
#[non_exhaustive]
pub enum LeaseError {
    /// Every unregistered port of the group is in use.
    AllTaken {
        /// The group's id.
        group: String,
        /// Its first port.
        start: u16,
        /// Its last port.
        end: u16,
    },
    /// No group has this id.
    UnknownGroup(UnknownGroup),
    /// No service has this id.
    UnknownService {
        /// The id asked for.
        id: String,
    },
    /// Binding failed for a reason other than the port being in use.
    Bind {
        /// The port.
        port: u16,
        /// The error.
        source: io::Error,
    },
}

impl fmt::Display for LeaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseError::AllTaken { group, start, end } => write!(
                f,
                "no free test port: every unregistered port of group `{group}` ({start}-{end}) is in use on 127.0.0.1"
            ),
            LeaseError::UnknownGroup(unknown) => write!(f, "{unknown}"),
            LeaseError::UnknownService { id } => write!(f, "no service `{id}` in the registry"),
            LeaseError::Bind { port, source } => write!(f, "cannot bind 127.0.0.1:{port}: {source}"),
        }
    }
}

impl std::error::Error for LeaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LeaseError::Bind { source, .. } => Some(source),
            LeaseError::UnknownGroup(unknown) => Some(unknown),
            _ => None,
        }
    }
}

/// Binds 127.0.0.1 on the lowest free, unregistered port of the embedded registry's `test`
/// group (4441-4449) and returns the listener.
///
/// ```no_run
/// let listener = ports_core::lease_test_port()?;
/// let addr = listener.local_addr()?;
/// assert!((4441..=4449).contains(&addr.port()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`LeaseError::AllTaken`] when every such port is in use.
pub fn lease_test_port() -> Result<TcpListener, LeaseError> {
    lease_test_port_in(Registry::embedded(), "test")
}

/// Binds 127.0.0.1 on the lowest free, unregistered port of `group` in `registry`.
///
/// ```
/// let registry = ports_core::Registry::parse(r#"{
///     "name": "demo", "block": { "start": 26100, "end": 26109 },
///     "groups": [{ "id": "test", "start": 26100, "end": 26109, "title": "tests" }]
/// }"#)?;
/// let listener = ports_core::lease_test_port_in(&registry, "test")?;
/// assert!((26100..=26109).contains(&listener.local_addr()?.port()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`LeaseError::UnknownGroup`] for an unknown group, [`LeaseError::AllTaken`] when every port
/// is in use, [`LeaseError::Bind`] when binding fails for another reason.
pub fn lease_test_port_in(registry: &Registry, group: &str) -> Result<TcpListener, LeaseError> {
    let group = registry.require_group(group).map_err(LeaseError::UnknownGroup)?;
    for port in registry.free_ports(group) {
        if let Some(listener) = try_bind(port)? {
            return Ok(listener);
        }
    }
    Err(LeaseError::AllTaken { group: group.id.clone(), start: group.start, end: group.end })
}

/// Binds 127.0.0.1 on the registered port of service `id` (a registered test port such as
/// `mcp-integration-test`'s 4440, which [`lease_test_port_in`] never hands out).
///
/// # Errors
///
/// [`LeaseError::UnknownService`] for an unknown id; [`LeaseError::Bind`] when the port is in
/// use or cannot be bound.
pub fn lease_service_port(registry: &Registry, id: &str) -> Result<TcpListener, LeaseError> {
    let service = registry.service(id).ok_or_else(|| LeaseError::UnknownService { id: id.to_owned() })?;
    TcpListener::bind((Ipv4Addr::LOCALHOST, service.port))
        .map_err(|source| LeaseError::Bind { port: service.port, source })
}

fn try_bind(port: u16) -> Result<Option<TcpListener>, LeaseError> {
    match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if matches!(e.kind(), io::ErrorKind::AddrInUse | io::ErrorKind::PermissionDenied) => Ok(None),
        Err(source) => Err(LeaseError::Bind { port, source }),
    }
}

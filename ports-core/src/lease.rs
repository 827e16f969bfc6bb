//! Test-port leases: a bound listener on a free port of a registry's `test` group. The bind is
//! the lock, across threads and processes; dropping the listener ends the lease.
//!
//! A port is handed out only when no listener holds it on any local address. Before binding
//! 127.0.0.1, the lease binds, one at a time, each of `0.0.0.0`, `[::]` and `[::1]` on the
//! port and drops them: an exact-address bind fails on every OS when another socket listens on
//! that same address (the BSD and Windows rules let a specific address be bound over a wildcard
//! one, so the wildcards are probed themselves rather than trusted to conflict).
//!
//! The probes are std binds, which set `SO_REUSEADDR` on Unix (not on Windows). That flag never
//! lets a bind through an exact-address listener (Linux refuses any overlapping listener, BSD
//! an identical address without `SO_REUSEPORT`), and every address the lease must respect is
//! probed exactly; what it does let through are sockets in `TIME_WAIT` from a test's closed
//! connections, which are not listeners, so a suite that reruns does not run out of ports.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::PathBuf;

use crate::error::RegistryError;
use crate::model::{Registry, UnknownGroup, UnknownService};

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
    UnknownService(UnknownService),
    /// The registry in force could not be read.
    Registry(RegistryError),
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
                "no free test port: every unregistered port of group `{group}` ({start}-{end}) is in use (on 127.0.0.1, ::1, 0.0.0.0 or ::)"
            ),
            LeaseError::UnknownGroup(unknown) => write!(f, "{unknown}"),
            LeaseError::UnknownService(unknown) => write!(f, "{unknown}"),
            LeaseError::Registry(error) => write!(f, "cannot lease a test port: {error}"),
            LeaseError::Bind { port, source } => write!(f, "cannot bind 127.0.0.1:{port}: {source}"),
        }
    }
}

impl std::error::Error for LeaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LeaseError::Bind { source, .. } => Some(source),
            LeaseError::UnknownGroup(unknown) => Some(unknown),
            LeaseError::UnknownService(unknown) => Some(unknown),
            LeaseError::Registry(error) => Some(error),
            LeaseError::AllTaken { .. } => None,
        }
    }
}

/// The registry in force for a test: found from `CARGO_MANIFEST_DIR` (cargo sets it for tests
/// and examples), else from the current directory, as the macros find theirs.
fn in_force() -> Result<std::borrow::Cow<'static, Registry>, LeaseError> {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    crate::discover::registry_in_force(&start).map(|(registry, _)| registry).map_err(LeaseError::Registry)
}

/// Binds 127.0.0.1 on the lowest free, unregistered port of the `test` group of the registry
/// in force (the embedded standard's 4441-4449, unless a `ports.json` or `PORTS_REGISTRY` says
/// otherwise) and returns the listener.
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
/// [`LeaseError::AllTaken`] when every such port is in use, [`LeaseError::Registry`] when the
/// registry file in force cannot be read.
pub fn lease_test_port() -> Result<TcpListener, LeaseError> {
    lease_test_port_in(&*in_force()?, "test")
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
        if let Some(listener) = try_lease(port)? {
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
    let service = registry.require_service(id).map_err(LeaseError::UnknownService)?;
    match try_lease(service.port)? {
        Some(listener) => Ok(listener),
        None => Err(LeaseError::Bind {
            port: service.port,
            source: io::Error::new(io::ErrorKind::AddrInUse, "the port is in use on a local address"),
        }),
    }
}

/// The port's listener on 127.0.0.1, or `None` when any local address of the port is taken.
fn try_lease(port: u16) -> Result<Option<TcpListener>, LeaseError> {
    let probes = [
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
    ];
    for addr in probes {
        match TcpListener::bind(addr) {
            Ok(probe) => drop(probe),
            Err(e) if taken(&e) => return Ok(None),
            // No IPv6 on this machine (or this address family): nobody listens there either.
            Err(_) => {}
        }
    }
    match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if taken(&e) => Ok(None),
        Err(source) => Err(LeaseError::Bind { port, source }),
    }
}

fn taken(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::AddrInUse | io::ErrorKind::PermissionDenied)
}

/// What a tokio socket made outside a tokio runtime says, instead of tokio's panic.
#[cfg(feature = "tokio")]
pub(crate) const NEEDS_RUNTIME: &str =
    "a tokio socket needs a running tokio runtime (call this inside #[tokio::test], or an async fn run by tokio)";

#[cfg(feature = "tokio")]
fn into_tokio(listener: TcpListener) -> Result<tokio::net::TcpListener, LeaseError> {
    let port = listener.local_addr().map_or(0, |a| a.port());
    let bind = |source| LeaseError::Bind { port, source };
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(bind(io::Error::other(NEEDS_RUNTIME)));
    }
    listener.set_nonblocking(true).map_err(bind)?;
    tokio::net::TcpListener::from_std(listener).map_err(bind)
}

/// [`lease_test_port`] as a `tokio::net::TcpListener` (non-blocking, registered with the
/// current runtime). Feature `tokio`.
///
/// # Errors
///
/// As [`lease_test_port`]; [`LeaseError::Bind`] outside a tokio runtime.
#[cfg(feature = "tokio")]
pub fn lease_test_port_tokio() -> Result<tokio::net::TcpListener, LeaseError> {
    into_tokio(lease_test_port()?)
}

/// [`lease_test_port_in`] as a `tokio::net::TcpListener`. Feature `tokio`.
///
/// # Errors
///
/// As [`lease_test_port_in`]; [`LeaseError::Bind`] outside a tokio runtime.
#[cfg(feature = "tokio")]
pub fn lease_test_port_in_tokio(registry: &Registry, group: &str) -> Result<tokio::net::TcpListener, LeaseError> {
    into_tokio(lease_test_port_in(registry, group)?)
}

/// [`lease_service_port`] as a `tokio::net::TcpListener`. Feature `tokio`.
///
/// # Errors
///
/// As [`lease_service_port`]; [`LeaseError::Bind`] outside a tokio runtime.
#[cfg(feature = "tokio")]
pub fn lease_service_port_tokio(registry: &Registry, id: &str) -> Result<tokio::net::TcpListener, LeaseError> {
    into_tokio(lease_service_port(registry, id)?)
}

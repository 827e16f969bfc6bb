//! What a resolution yields: an [`Endpoint`] and the [`Source`] of its port.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use super::collision::hosts_overlap;

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
///
/// Built by the [`Resolver`](crate::Resolver) (or [`Endpoint::new`] in a test). It binds and
/// connects itself: [`bind`](Self::bind) and [`connect`](Self::connect) return std's types, and
/// an error that names the endpoint, the service, where the port came from and — for a port
/// that is taken — who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The registry id of the service (`zero-gateway`).
    pub service: String,
    /// The host (`127.0.0.1` unless the config file says otherwise).
    pub host: String,
    /// The effective port.
    pub port: u16,
    /// Where the port came from.
    pub source: Source,
    /// Where the host came from: the config file and key (`gateway.host`), or
    /// [`Source::Default`] for the service's default host.
    pub host_source: Source,
    /// The registry's owner of `port` when that is another service (a hand-written `Service`
    /// on a registered port): named when a bind finds the port taken.
    pub(crate) registered_to: Option<PortOwner>,
}

/// The registry entry that owns a port, as a bind error names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortOwner {
    pub(crate) id: String,
    pub(crate) name: String,
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
    /// An endpoint of service `service` at `host:port`, both from their defaults
    /// ([`Source::Default`]); set [`source`](Self::source) and [`host_source`](Self::host_source)
    /// when they came from elsewhere. For tests and hand-made endpoints: the
    /// [`Resolver`](crate::Resolver) builds the real ones.
    ///
    /// ```
    /// let endpoint = ports_core::Endpoint::new("zero-gateway", "::1", 4410);
    /// assert_eq!(endpoint.to_string(), "[::1]:4410");
    /// assert_eq!(endpoint.source, ports_core::Source::Default);
    /// ```
    #[must_use]
    pub fn new(service: impl Into<String>, host: impl Into<String>, port: u16) -> Self {
        Endpoint {
            service: service.into(),
            host: host.into(),
            port,
            source: Source::Default,
            host_source: Source::Default,
            registered_to: None,
        }
    }

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
        (self.host.as_str(), self.port).to_socket_addrs()?.next().ok_or_else(|| no_address(&self.host))
    }

    /// Whether two endpoints cannot both be bound: the same port, and the same host or either
    /// host a wildcard (`0.0.0.0`, `::`). The one statement of a collision, for `ports!`,
    /// `ports resolve` and `ports status`.
    ///
    /// ```
    /// use ports_core::Endpoint;
    /// let at = |host: &str, port| Endpoint::new("zero-gateway", host, port);
    /// assert!(at("127.0.0.1", 4410).collides_with(&at("0.0.0.0", 4410)));
    /// assert!(!at("127.0.0.1", 4410).collides_with(&at("127.0.0.2", 4410)));
    /// assert!(!at("127.0.0.1", 4410).collides_with(&at("127.0.0.1", 4411)));
    /// ```
    #[must_use]
    pub fn collides_with(&self, other: &Endpoint) -> bool {
        self.port == other.port && hosts_overlap(&self.host, &other.host)
    }
}

/// A host that resolves to no address.
pub(super) fn no_address(host: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("host `{host}` resolves to no address"))
}

impl ToSocketAddrs for Endpoint {
    type Iter = std::vec::IntoIter<SocketAddr>;

    /// So that `TcpListener::bind(&endpoint)` works.
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        (self.host.as_str(), self.port).to_socket_addrs()
    }
}

//! An endpoint binds and connects itself, and its errors explain themselves: the endpoint, the
//! service, where the port came from and — for a port that is taken — who holds it, read from
//! the socket table ([`crate::sockets`]) on the error path only.

use std::fmt::{self, Write as _};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};

use super::{Endpoint, Source};
use crate::sockets::{self, Socket, ELEVATE_HINT, LISTS_EVERY_SOCKET};

impl Endpoint {
    /// Binds a listener on the endpoint: [`socket_addr`](Self::socket_addr) (the host resolved,
    /// its first address), as `std::net::TcpListener::bind` does, at the same cost. A bind that
    /// fails says why in one line, naming the endpoint, the service and where the port came
    /// from; a port already taken names its holder(s), read from the socket table then.
    ///
    /// ```
    /// let lease = ports_core::lease_test_port()?; // this process holds the port
    /// let port = lease.local_addr()?.port();
    /// let endpoint = ports_core::Endpoint::new("zero-gateway", "127.0.0.1", port);
    /// let err = endpoint.bind().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// let text = err.to_string();
    /// assert!(text.starts_with(&format!("cannot bind 127.0.0.1:{port} (zero-gateway, registry default): address in use, held by ")));
    /// assert!(text.ends_with(&format!("(pid {}, this process)", std::process::id())), "{text}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BindError`]: the host does not resolve, or the bind fails (`kind()` tells why).
    pub fn bind(&self) -> Result<TcpListener, BindError> {
        let addr = self.socket_addr().map_err(|error| BindError::new(self, None, error, Holders::NotAsked))?;
        TcpListener::bind(addr).map_err(|error| {
            let holders = if wants_holders(&error) { holders_of(addr) } else { Holders::NotAsked };
            BindError::new(self, Some(addr), error, holders)
        })
    }

    /// Connects to the endpoint, trying each address of its host in turn, as
    /// `std::net::TcpStream::connect` does. A refused connection says that nothing listens
    /// there, naming the service and where the port came from.
    ///
    /// ```
    /// let lease = ports_core::lease_test_port()?; // a listener
    /// let endpoint = ports_core::Endpoint::new("zero-gateway", "127.0.0.1", lease.local_addr()?.port());
    /// let stream = endpoint.connect()?;
    /// assert_eq!(stream.peer_addr()?, lease.local_addr()?);
    /// // With no listener there: "nothing listens on 127.0.0.1:4410 (zero-gateway, registry default)".
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConnectError`]: refused, unreachable, or the host does not resolve.
    pub fn connect(&self) -> Result<TcpStream, ConnectError> {
        TcpStream::connect(self).map_err(|error| ConnectError::new(self, error))
    }

    /// [`bind`](Self::bind) as a `tokio::net::TcpListener` (tokio's own bind; a DNS host looked
    /// up off the runtime). The socket table of an error is read on tokio's blocking pool.
    /// Feature `tokio`.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind); outside a tokio runtime, an error (never a panic).
    #[cfg(feature = "tokio")]
    pub async fn bind_tokio(&self) -> Result<tokio::net::TcpListener, BindError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BindError::new(self, None, io::Error::other(crate::lease::NEEDS_RUNTIME), Holders::NotAsked));
        }
        let addr = match self.host.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, self.port),
            Err(_) => {
                let found = tokio::net::lookup_host((self.host.as_str(), self.port))
                    .await
                    .and_then(|mut addrs| addrs.next().ok_or_else(|| super::endpoint::no_address(&self.host)));
                found.map_err(|error| BindError::new(self, None, error, Holders::NotAsked))?
            }
        };
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => Ok(listener),
            Err(error) => {
                let holders = if wants_holders(&error) {
                    tokio::task::spawn_blocking(move || holders_of(addr))
                        .await
                        .unwrap_or_else(|e| Holders::Unreadable(format!("the socket table reader stopped: {e}")))
                } else {
                    Holders::NotAsked
                };
                Err(BindError::new(self, Some(addr), error, holders))
            }
        }
    }

    /// [`connect`](Self::connect) as a `tokio::net::TcpStream`. Feature `tokio`.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect); outside a tokio runtime, an error (never a panic).
    #[cfg(feature = "tokio")]
    pub async fn connect_tokio(&self) -> Result<tokio::net::TcpStream, ConnectError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ConnectError::new(self, io::Error::other(crate::lease::NEEDS_RUNTIME)));
        }
        tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|error| ConnectError::new(self, error))
    }
}

/// Whether a failed bind is worth a look at the socket table: the address is in use (and, on
/// Windows, "access denied", which is how an exclusive listener refuses a bind).
fn wants_holders(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::AddrInUse || (cfg!(windows) && error.kind() == io::ErrorKind::PermissionDenied)
}

/// Who holds an address, as the socket table says just after a bind failed.
#[derive(Debug, Clone)]
enum Holders {
    /// Not looked up: the bind failed for another reason.
    NotAsked,
    /// The listeners on the address (never empty), and what the table could not show.
    Found { sockets: Vec<Socket>, warnings: Vec<String> },
    /// The table shows no listener on the address; its warnings, if it is incomplete.
    NotFound { warnings: Vec<String> },
    /// No table could be read: why.
    Unreadable(String),
}

fn holders_of(addr: SocketAddr) -> Holders {
    match sockets::listening_where(|port| port == addr.port()) {
        Err(error) => Holders::Unreadable(error.to_string()),
        Ok(table) => {
            let sockets: Vec<Socket> = table.holders(addr).cloned().collect();
            if sockets.is_empty() {
                Holders::NotFound { warnings: table.warnings }
            } else {
                Holders::Found { sockets, warnings: table.warnings }
            }
        }
    }
}

/// Why [`Endpoint::bind`] (or `bind_tokio`) failed. Displays as one line:
///
/// `cannot bind 127.0.0.1:4448 (zero-gateway, port from GATEWAY_PORT=4448 (env)): address in
/// use, held by python3 (pid 1234)`
///
/// The `io::Error` is kept ([`io_error`](Self::io_error), [`kind`](Self::kind), and the
/// [`source`](std::error::Error::source)); `?` turns it into an `io::Error` of the same kind.
#[derive(Debug)]
pub struct BindError {
    endpoint: Box<Endpoint>,
    addr: Option<SocketAddr>,
    error: io::Error,
    holders: Holders,
}

impl BindError {
    fn new(endpoint: &Endpoint, addr: Option<SocketAddr>, error: io::Error, holders: Holders) -> Self {
        BindError { endpoint: Box::new(endpoint.clone()), addr, error, holders }
    }

    /// The endpoint that could not be bound.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The address the bind tried; `None` when the host did not resolve.
    #[must_use]
    pub fn addr(&self) -> Option<SocketAddr> {
        self.addr
    }

    /// The error of the bind (or of the host's lookup).
    #[must_use]
    pub fn io_error(&self) -> &io::Error {
        &self.error
    }

    /// Its kind: `AddrInUse` for a port that is taken.
    #[must_use]
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }

    /// The listeners that hold the address, as the socket table showed them right after the
    /// bind failed (an owner of `None`: a process this user cannot see). Empty when the port
    /// was not taken, or the holder could not be found.
    #[must_use]
    pub fn holders(&self) -> &[Socket] {
        match &self.holders {
            Holders::Found { sockets, .. } => sockets,
            _ => &[],
        }
    }

    fn message(&self) -> Result<String, fmt::Error> {
        let mut m = String::new();
        write!(m, "cannot bind {} ({}): ", self.endpoint, context(&self.endpoint, self.addr))?;
        if self.kind() == io::ErrorKind::AddrInUse {
            m.push_str("address in use");
        } else {
            write!(m, "{}", self.error)?;
        }
        let hidden_hint = format!(" ({ELEVATE_HINT})");
        match &self.holders {
            Holders::NotAsked => {}
            Holders::Found { sockets, warnings } => {
                write!(m, ", held by {}", holder_list(sockets, self.addr))?;
                if sockets.iter().any(|s| s.owner.is_none()) {
                    m.push_str(&hidden_hint);
                }
                if !warnings.is_empty() {
                    write!(m, "; the socket table is incomplete, there may be others: {}", warnings[0])?;
                }
            }
            Holders::NotFound { warnings } if !warnings.is_empty() => {
                write!(m, "; the holder is unknown: the socket table is incomplete: {}", warnings[0])?;
            }
            Holders::NotFound { .. } if LISTS_EVERY_SOCKET => {
                m.push_str(", but the socket table shows no listener on it now (its holder may have exited)");
            }
            Holders::NotFound { .. } => {
                write!(m, ", held by a process not visible to this user{hidden_hint}")?;
            }
            Holders::Unreadable(why) => write!(m, "; the holder is unknown: {why}")?,
        }
        if let Some(owner) = self.endpoint.registered_to.as_ref().filter(|_| self.kind() == io::ErrorKind::AddrInUse) {
            write!(m, "; the registry gives port {} to `{}` ({})", self.endpoint.port, owner.id, owner.name)?;
        }
        Ok(m)
    }
}

/// `python3 (pid 1234)`, `nginx (pid 7, on 0.0.0.0:4410 and [::]:4410)`, `a process not
/// visible to this user (on [::]:4410)`, joined with commas and a final "and": one entry per
/// process, its addresses named where they differ from the one bound.
fn holder_list(sockets: &[Socket], bound: Option<SocketAddr>) -> String {
    let mut owners: Vec<(Option<&sockets::Owner>, Vec<SocketAddr>)> = Vec::new();
    for socket in sockets {
        let at = SocketAddr::new(socket.addr, socket.port);
        let index = match owners.iter().position(|(owner, _)| *owner == socket.owner.as_ref()) {
            Some(index) => index,
            None => {
                owners.push((socket.owner.as_ref(), Vec::new()));
                owners.len() - 1
            }
        };
        let others = &mut owners[index].1;
        if bound.is_none_or(|bound| bound.ip().to_canonical() != at.ip().to_canonical()) && !others.contains(&at) {
            others.push(at);
        }
    }
    let entries: Vec<String> = owners
        .iter()
        .map(|(owner, at)| {
            let at = join(&at.iter().map(ToString::to_string).collect::<Vec<_>>());
            match owner {
                Some(owner) => {
                    let mut details = vec![format!("pid {}", owner.pid)];
                    if owner.pid == std::process::id() {
                        details.push("this process".to_owned());
                    }
                    if !at.is_empty() {
                        details.push(format!("on {at}"));
                    }
                    let name = if owner.name.is_empty() { "a process" } else { &owner.name };
                    format!("{name} ({})", details.join(", "))
                }
                None if at.is_empty() => "a process not visible to this user".to_owned(),
                None => format!("a process not visible to this user (on {at})"),
            }
        })
        .collect();
    join(&entries)
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `zero-gateway, registry default`, `zero-gateway, port from GATEWAY_PORT=4448 (env), host
/// from config.json: gateway.host, resolved to 10.0.0.5`: the service and where the endpoint
/// came from.
fn context(endpoint: &Endpoint, addr: Option<SocketAddr>) -> String {
    let mut text = endpoint.service.clone();
    let host_moved = endpoint.host_source != Source::Default;
    match (&endpoint.source, host_moved) {
        (Source::Default, false) => text.push_str(", registry default"),
        (Source::Default, true) => text.push_str(", registry default port"),
        (source, _) => text.push_str(&format!(", port from {source}")),
    }
    if host_moved {
        text.push_str(&format!(", host from {}", endpoint.host_source));
    }
    if let Some(addr) = addr.filter(|_| endpoint.host.parse::<IpAddr>().is_err()) {
        text.push_str(&format!(", resolved to {}", addr.ip()));
    }
    text
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::escape_control(&self.message()?))
    }
}

/// `std::error::Error` with the `io::Error` as its source, and the conversion into an
/// `io::Error` of the same kind (displayed as the error itself), for both errors of this module.
macro_rules! io_error_wrapper {
    ($error:ident) => {
        impl std::error::Error for $error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.error)
            }
        }

        impl From<$error> for io::Error {
            #[doc = concat!("An `io::Error` of the same kind, displayed as the [`", stringify!($error), "`].")]
            fn from(error: $error) -> Self {
                io::Error::new(error.kind(), error)
            }
        }
    };
}

io_error_wrapper!(BindError);

/// Why [`Endpoint::connect`] (or `connect_tokio`) failed. Displays as one line: `nothing
/// listens on 127.0.0.1:4410 (zero-gateway, registry default)` when refused, else `cannot
/// connect to 127.0.0.1:4410 (zero-gateway, registry default): <the io error>`.
#[derive(Debug)]
pub struct ConnectError {
    endpoint: Box<Endpoint>,
    error: io::Error,
}

impl ConnectError {
    fn new(endpoint: &Endpoint, error: io::Error) -> Self {
        ConnectError { endpoint: Box::new(endpoint.clone()), error }
    }

    /// The endpoint that could not be reached.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The error of the connect (or of the host's lookup).
    #[must_use]
    pub fn io_error(&self) -> &io::Error {
        &self.error
    }

    /// Its kind: `ConnectionRefused` when nothing listens there.
    #[must_use]
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let context = context(&self.endpoint, None);
        let text = if self.kind() == io::ErrorKind::ConnectionRefused {
            format!("nothing listens on {} ({context})", self.endpoint)
        } else {
            format!("cannot connect to {} ({context}): {}", self.endpoint, self.error)
        };
        f.write_str(&crate::escape_control(&text))
    }
}

io_error_wrapper!(ConnectError);

#[cfg(test)]
mod tests;

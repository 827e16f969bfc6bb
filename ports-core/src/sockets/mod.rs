//! The listening TCP sockets of this machine, with the processes that hold them: what
//! `ports status` shows, and what a failed [`Endpoint::bind`](crate::Endpoint::bind) names.
//!
//! Backends, by OS and feature:
//!
//! | OS | default build | feature `netlink` |
//! | --- | --- | --- |
//! | Linux | `/proc/net/tcp` and `/proc/net/tcp6`, owners from `/proc/<pid>/fd` (std only) | netlink `sock_diag` first (as `ss`), `/proc` as the fallback (`rustix`) |
//! | macOS, Windows | the `listeners` library (libproc, `GetExtendedTcpTable`) | the same |
//!
//! Every table is read through the crate's capped, non-blocking file reader: a `net/tcp` that
//! is a FIFO or a device is an error naming it, never a hang or an endless read. A line that
//! cannot be understood is a [warning](Table::warnings) naming the table and the line, and
//! makes the table incomplete: a port it does not show may still be held. When no table can be
//! read the answer is a [`TableError`] with the reason — never an empty table, which would read
//! as "every port free".
//!
//! On Linux, `PORTS_STATUS_PROCFS` chooses the source: unset, empty, `0`, `false`, `no` or
//! `off` — netlink first (with the `netlink` feature); `1`, `true`, `yes` or `on` — `/proc`
//! only; an absolute path — `/proc` only, read from that directory instead of `/proc` (for
//! tests: fixture tables, or a directory with none).
//!
//! ```
//! match ports_core::sockets::listening() {
//!     Ok(table) => {
//!         for socket in &table.sockets {
//!             let owner = socket.owner.as_ref().map_or("?".to_owned(), |o| format!("{} (pid {})", o.name, o.pid));
//!             println!("{}:{} {owner}", socket.addr, socket.port);
//!         }
//!         if !table.is_complete() {
//!             eprintln!("incomplete: {}", table.warnings.join("; "));
//!         }
//!     }
//!     Err(error) => eprintln!("no socket table: {error}"),
//! }
//! ```

use std::fmt;
use std::net::{IpAddr, SocketAddr};

#[cfg(all(target_os = "linux", feature = "netlink"))]
mod netlink;
#[cfg(any(target_os = "macos", target_os = "windows"))]
mod platform;
#[cfg(target_os = "linux")]
mod procfs;

/// A process holding a socket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// Its process id.
    pub pid: u32,
    /// Its name as the OS gives it (Linux: `/proc/<pid>/comm`, at most 15 bytes), unescaped:
    /// escape it before printing it ([`escape_control`](crate::escape_control)). Empty when it
    /// could not be read.
    pub name: String,
}

/// A listening TCP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// The local address (`0.0.0.0` and `::` for the wildcards).
    pub addr: IpAddr,
    /// The local port.
    pub port: u16,
    /// `None` when the owner could not be seen (another user's process, without root), or
    /// exited while the table was read.
    pub owner: Option<Owner>,
}

/// What was read, and from where.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Table {
    /// The listening sockets, in the order the backend gave them.
    pub sockets: Vec<Socket>,
    /// The backend (`netlink sock_diag`, `/proc/net/tcp`, ...), for a footer or a JSON `source`.
    pub backend: &'static str,
    /// What could not be understood, each naming the table and line (`/proc/net/tcp line 7:
    /// ...`). Not empty: the table is incomplete, and a port it does not show may be held.
    pub warnings: Vec<String>,
}

impl Table {
    /// Whether every line of the table was understood ([`warnings`](Self::warnings) is empty).
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.warnings.is_empty()
    }

    /// The sockets that keep `addr` from being bound: on its port, and on its address or a
    /// wildcard of either family (`0.0.0.0`, `::`), or listening on a wildcard themselves when
    /// `addr` is one. The one rule of [`Endpoint::collides_with`](crate::Endpoint::collides_with).
    pub fn holders(&self, addr: SocketAddr) -> impl Iterator<Item = &Socket> {
        self.sockets.iter().filter(move |s| s.port == addr.port() && crate::resolve::ips_overlap(s.addr, addr.ip()))
    }
}

/// Why no socket table could be read: the source and the reason (`cannot read
/// /proc/net/tcp: it is a FIFO, not a regular file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    message: String,
}

impl TableError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        TableError { message: message.into() }
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::escape_control(&self.message))
    }
}

impl std::error::Error for TableError {}

/// The listening TCP sockets of this machine (this network namespace, on Linux), with their
/// owners where this user can see them.
///
/// # Errors
///
/// [`TableError`] when no socket table can be read (the reason names the table).
pub fn listening() -> Result<Table, TableError> {
    listening_where(|_| true)
}

/// The listening sockets on the ports that `ports` accepts: the others are left out before
/// their owners are looked up, which on Linux is most of the cost (one scan of
/// `/proc/<pid>/fd`). Lines of the table that cannot be understood are warnings only when
/// their port is wanted or unknown.
///
/// ```
/// if let Ok(table) = ports_core::sockets::listening_where(|port| (4400..=4449).contains(&port)) {
///     assert!(table.sockets.iter().all(|s| (4400..=4449).contains(&s.port)));
/// }
/// ```
///
/// # Errors
///
/// As [`listening`].
pub fn listening_where(ports: impl Fn(u16) -> bool) -> Result<Table, TableError> {
    #[cfg(target_os = "linux")]
    {
        procfs::listening(&ports)
    }
    #[cfg(any(target_os = "macos", target_os = "windows"))]
    {
        platform::listening(&ports)
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    {
        let _ = ports;
        Err(TableError::new("no socket-table backend for this OS"))
    }
}

/// Whether a port that the table shows free is in fact held by a socket the table could not
/// show (on macOS, another user's process is invisible without root): a bind of the wildcard
/// addresses without address reuse fails. Only macOS needs it ([`PROBES_UNSEEN`]); elsewhere
/// the table is complete and this is `false`.
#[must_use]
pub fn held_unseen(port: u16) -> bool {
    #[cfg(target_os = "macos")]
    {
        platform::held_unseen(port)
    }
    #[cfg(not(target_os = "macos"))]
    {
        let _ = port;
        false
    }
}

/// Whether [`held_unseen`] is meaningful on this OS (macOS).
pub const PROBES_UNSEEN: bool = cfg!(target_os = "macos");

/// Whether the table lists every listening socket, whoever owns it (Linux: the kernel's tables
/// of this network namespace); elsewhere another user's sockets may be left out.
pub(crate) const LISTS_EVERY_SOCKET: bool = cfg!(target_os = "linux");

/// How to see every process's sockets, for "not visible to this user" messages.
pub(crate) const ELEVATE_HINT: &str =
    if cfg!(windows) { "try `ports status` in an elevated terminal" } else { "try `sudo ports status`" };

/// The TCP listeners in the shape the `listeners` library returns (pid, process name, socket
/// address, whether TCP), deduplicated and sorted. Compiled everywhere so that it is tested on
/// Linux with fixture data.
#[cfg_attr(not(any(target_os = "macos", target_os = "windows", test)), allow(dead_code))]
fn from_listener_rows(rows: impl IntoIterator<Item = (u32, String, SocketAddr, bool)>) -> Vec<Socket> {
    let mut sockets: Vec<Socket> = rows
        .into_iter()
        .filter(|(_, _, _, tcp)| *tcp)
        .map(|(pid, name, socket, _)| Socket {
            addr: socket.ip(),
            port: socket.port(),
            owner: Some(Owner { pid, name }),
        })
        .collect();
    sockets.sort_by(|a, b| (a.port, a.addr, &a.owner).cmp(&(b.port, b.addr, &b.owner)));
    sockets.dedup();
    sockets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_rows_keep_tcp_only_both_families_deduplicated() {
        let rows = vec![
            (10, "redis".to_owned(), "0.0.0.0:4410".parse().unwrap(), true),
            (10, "redis".to_owned(), "0.0.0.0:4410".parse().unwrap(), true),
            (11, "mdns".to_owned(), "0.0.0.0:4411".parse().unwrap(), false),
            (12, "node".to_owned(), "[::1]:4401".parse().unwrap(), true),
        ];
        let sockets = from_listener_rows(rows);
        assert_eq!(
            sockets,
            [
                Socket {
                    addr: "::1".parse().unwrap(),
                    port: 4401,
                    owner: Some(Owner { pid: 12, name: "node".into() })
                },
                Socket {
                    addr: "0.0.0.0".parse().unwrap(),
                    port: 4410,
                    owner: Some(Owner { pid: 10, name: "redis".into() })
                },
            ]
        );
    }

    #[test]
    fn a_port_is_held_unseen_only_where_the_table_can_miss_it() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // macOS: the wildcard bind fails over the listener; elsewhere the table saw it already.
        assert_eq!(held_unseen(port), PROBES_UNSEEN);
        drop(listener);
        assert!(!held_unseen(port));
    }

    #[test]
    fn holders_are_the_same_address_or_a_wildcard_on_the_same_port() {
        let at = |addr: &str, port| Socket { addr: addr.parse().unwrap(), port, owner: None };
        let table = Table {
            sockets: vec![
                at("0.0.0.0", 4410),
                at("::", 4410),
                at("::1", 4410),
                at("127.0.0.1", 4411),
                at("::ffff:127.0.0.1", 4410),
            ],
            backend: "test",
            warnings: Vec::new(),
        };
        let holders = |addr: &str| table.holders(addr.parse().unwrap()).cloned().collect::<Vec<_>>();
        assert_eq!(holders("127.0.0.1:4410"), [at("0.0.0.0", 4410), at("::", 4410), at("::ffff:127.0.0.1", 4410)]);
        assert_eq!(holders("[::1]:4410"), [at("0.0.0.0", 4410), at("::", 4410), at("::1", 4410)]);
        assert_eq!(holders("0.0.0.0:4411"), [at("127.0.0.1", 4411)]);
        assert!(holders("127.0.0.1:4412").is_empty());
        assert!(table.is_complete());
    }
}

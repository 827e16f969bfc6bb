//! The listening TCP sockets of this machine, with their owning processes, from the best
//! source the OS offers: Linux's netlink `sock_diag` (as `ss` uses), `/proc/net/tcp{,6}` as the
//! fallback; the `listeners` library on macOS and Windows. When no table can be read the answer
//! is an error with the reason — never an empty table, which would read as "every port free".

use std::net::IpAddr;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(any(target_os = "macos", target_os = "windows"))]
mod platform;

/// A process holding a socket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Owner {
    pub(crate) pid: u32,
    pub(crate) name: String,
}

/// A listening TCP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Socket {
    pub(crate) addr: IpAddr,
    pub(crate) port: u16,
    /// `None` when the owner could not be seen (another user's process, without root).
    pub(crate) owner: Option<Owner>,
}

/// What was read, and from where.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) sockets: Vec<Socket>,
    /// The backend, for the footer and the JSON `source` (`netlink sock_diag`, ...).
    pub(crate) backend: &'static str,
}

/// The listening sockets, or why they cannot be known.
pub(crate) fn listening() -> Result<Table, String> {
    #[cfg(target_os = "linux")]
    {
        linux::listening()
    }
    #[cfg(any(target_os = "macos", target_os = "windows"))]
    {
        platform::listening()
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    {
        Err("no socket-table backend for this OS".to_owned())
    }
}

/// Whether a port that the table shows free is in fact held by a socket the table could not
/// show (on macOS, another user's process is invisible without root): a bind of the wildcard
/// addresses without address reuse fails. Only macOS needs it; elsewhere the table is complete.
pub(crate) fn held_unseen(port: u16) -> bool {
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

/// Whether `held_unseen` is meaningful on this OS.
pub(crate) const PROBES_UNSEEN: bool = cfg!(target_os = "macos");

/// The TCP listeners in the shape the `listeners` library returns (pid, process name, socket
/// address, whether TCP), deduplicated and sorted. Compiled everywhere so that it is tested on
/// Linux with fixture data.
#[cfg_attr(not(any(target_os = "macos", target_os = "windows", test)), allow(dead_code))]
pub(crate) fn from_listener_rows(
    rows: impl IntoIterator<Item = (u32, String, std::net::SocketAddr, bool)>,
) -> Vec<Socket> {
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
}

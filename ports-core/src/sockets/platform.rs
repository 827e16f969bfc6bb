//! macOS and Windows: the `listeners` library (libproc on macOS, `GetExtendedTcpTable` on
//! Windows), filtered to TCP listeners of both families.

use super::{from_listener_rows, Table, TableError};

pub(super) fn listening(ports: &dyn Fn(u16) -> bool) -> Result<Table, TableError> {
    let all = listeners::get_all().map_err(|e| TableError::new(format!("cannot list the listening sockets: {e}")))?;
    let rows = all
        .into_iter()
        .filter(|l| ports(l.socket.port()))
        .map(|l| (l.process.pid, l.process.name, l.socket, l.protocol == listeners::Protocol::TCP));
    Ok(Table {
        sockets: from_listener_rows(rows),
        backend: "listeners (libproc / GetExtendedTcpTable)",
        warnings: Vec::new(),
    })
}

/// A bind of `0.0.0.0:port` and `[::]:port` without address reuse (which on macOS would let a
/// wildcard bind succeed over another socket's specific address): a failure with "address in
/// use" means someone holds the port.
#[cfg(target_os = "macos")]
pub(super) fn held_unseen(port: u16) -> bool {
    use socket2::{Domain, Socket, Type};
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
    for addr in [SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)), SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))] {
        let Ok(socket) = Socket::new(Domain::for_address(addr), Type::STREAM, None) else { continue };
        let _ = socket.set_reuse_address(false);
        if addr.is_ipv6() {
            let _ = socket.set_only_v6(true);
        }
        if let Err(e) = socket.bind(&addr.into()) {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                return true;
            }
        }
    }
    false
}

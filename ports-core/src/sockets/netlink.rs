//! Netlink `sock_diag` (feature `netlink`): one dump request per address family for sockets in
//! the LISTEN state, built and parsed as bytes (the layouts of `linux/inet_diag.h`), through
//! rustix's safe socket calls. The kernel filters by state, so a busy server's connections are
//! never read, as they are in `/proc/net/tcp`.

use std::io;
use std::net::IpAddr;

use rustix::net::{
    netlink::{self, SocketAddrNetlink},
    recv, sendto, socket_with, sockopt, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType,
};

use super::procfs::Raw;

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const IPPROTO_TCP: u8 = 6;
const TCP_LISTEN: u32 = 10;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const HEADER: usize = 16;
const REQUEST: usize = 56;
/// How long one `recv` waits for the kernel.
const RECV_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

fn request(family: u8, seq: u32) -> Vec<u8> {
    let len = u32::try_from(HEADER + REQUEST).unwrap_or(72);
    let mut msg = Vec::with_capacity(HEADER + REQUEST);
    msg.extend_from_slice(&len.to_ne_bytes());
    msg.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    msg.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    msg.extend_from_slice(&seq.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes()); // pid: the kernel fills it in
                                                // struct inet_diag_req_v2
    msg.extend_from_slice(&[family, IPPROTO_TCP, 0, 0]);
    msg.extend_from_slice(&(1u32 << TCP_LISTEN).to_ne_bytes());
    msg.resize(HEADER + REQUEST, 0); // inet_diag_sockid: all zero, match any
    msg
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One `struct inet_diag_msg`.
fn parse_msg(m: &[u8]) -> Option<Raw> {
    let family = *m.first()?;
    let port = u16::from_be_bytes(m.get(4..6)?.try_into().ok()?);
    let addr = match family {
        AF_INET => IpAddr::from(<[u8; 4]>::try_from(m.get(8..12)?).ok()?),
        AF_INET6 => IpAddr::from(<[u8; 16]>::try_from(m.get(8..24)?).ok()?),
        _ => return None,
    };
    let inode = u64::from(u32_at(m, 68)?);
    Some(Raw { addr, port, inode })
}

pub(super) fn listeners() -> io::Result<Vec<Raw>> {
    let fd = socket_with(AddressFamily::NETLINK, SocketType::DGRAM, SocketFlags::CLOEXEC, Some(netlink::SOCK_DIAG))?;
    // A kernel that never answers (a request it drops, a sandbox that swallows netlink) is an
    // error after this long, and the /proc tables are read instead: never a hang.
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Recv, Some(RECV_TIMEOUT))?;
    let kernel = SocketAddrNetlink::new(0, 0);
    let mut found = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for (seq, family) in [(1, AF_INET), (2, AF_INET6)] {
        sendto(&fd, &request(family, seq), SendFlags::empty(), &kernel)?;
        loop {
            let (n, _) = recv(&fd, &mut buf[..], RecvFlags::empty())?;
            if read_datagram(&buf[..n], &mut found)? == Dump::Done {
                break;
            }
        }
    }
    Ok(found)
}

/// Whether a dump goes on after a datagram.
#[derive(Debug, PartialEq, Eq)]
enum Dump {
    /// More datagrams follow.
    More,
    /// `NLMSG_DONE` was read.
    Done,
}

/// The messages of one datagram of a dump, each 4-byte aligned: the sockets are added to
/// `found`. An error message from the kernel is its errno; a truncated message, or a socket
/// message that cannot be parsed, is `InvalidData` — never a socket dropped unseen (the `/proc`
/// fallback reads the table instead).
fn read_datagram(data: &[u8], found: &mut Vec<Raw>) -> io::Result<Dump> {
    let mut at = 0;
    while at + HEADER <= data.len() {
        let len = u32_at(data, at).and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
        let kind = u16_at(data, at + 4).unwrap_or(0);
        if len < HEADER || at + len > data.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated netlink message"));
        }
        match kind {
            NLMSG_DONE => return Ok(Dump::Done),
            NLMSG_ERROR => {
                let errno = u32_at(data, at + HEADER).map_or(0, |e| i32::from_ne_bytes(e.to_ne_bytes()));
                // An error of 0 acknowledges the request: nothing more comes.
                return match errno.checked_neg() {
                    Some(0) => Ok(Dump::Done),
                    Some(errno) => Err(io::Error::from_raw_os_error(errno)),
                    None => Err(io::Error::new(io::ErrorKind::InvalidData, "a netlink error out of range")),
                };
            }
            SOCK_DIAG_BY_FAMILY => match parse_msg(&data[at + HEADER..at + len]) {
                Some(raw) => found.push(raw),
                None => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "a sock_diag message that cannot be parsed"))
                }
            },
            _ => {}
        }
        at += (len + 3) & !3;
    }
    Ok(Dump::More)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `struct inet_diag_msg` (72 bytes) for a listener.
    fn msg(family: u8, port: u16, addr: &[u8], inode: u32) -> Vec<u8> {
        let mut m = vec![0u8; 72];
        m[0] = family;
        m[1] = 10; // TCP_LISTEN
        m[4..6].copy_from_slice(&port.to_be_bytes());
        m[8..8 + addr.len()].copy_from_slice(addr);
        m[68..72].copy_from_slice(&inode.to_ne_bytes());
        m
    }

    /// A netlink message: header (length, type, flags, seq, pid), then the payload.
    fn nlmsg(kind: u16, payload: &[u8]) -> Vec<u8> {
        let len = u32::try_from(HEADER + payload.len()).unwrap();
        let mut out = Vec::new();
        out.extend_from_slice(&len.to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(&2u16.to_ne_bytes());
        out.extend_from_slice(&1u32.to_ne_bytes());
        out.extend_from_slice(&0u32.to_ne_bytes());
        out.extend_from_slice(payload);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out
    }

    fn raw(addr: &str, port: u16, inode: u64) -> Raw {
        Raw { addr: addr.parse().unwrap(), port, inode }
    }

    #[test]
    fn the_request_asks_for_a_dump_of_tcp_listeners_of_one_family() {
        let req = request(AF_INET6, 7);
        assert_eq!(req.len(), 72);
        assert_eq!(u32_at(&req, 0), Some(72));
        assert_eq!(u16_at(&req, 4), Some(SOCK_DIAG_BY_FAMILY));
        assert_eq!(u16_at(&req, 6), Some(0x301)); // NLM_F_REQUEST | NLM_F_DUMP
        assert_eq!(u32_at(&req, 8), Some(7));
        assert_eq!(u32_at(&req, 12), Some(0));
        assert_eq!(&req[16..20], &[AF_INET6, 6, 0, 0]);
        assert_eq!(u32_at(&req, 20), Some(1 << 10)); // the LISTEN state only
        assert!(req[24..].iter().all(|&b| b == 0), "any socket id");
        assert_eq!(request(AF_INET, 1)[16], AF_INET);
    }

    #[test]
    fn a_message_gives_the_address_port_and_inode_of_either_family() {
        assert_eq!(parse_msg(&msg(AF_INET, 4410, &[127, 0, 0, 1], 4242)), Some(raw("127.0.0.1", 4410, 4242)));
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(parse_msg(&msg(AF_INET6, 443, &v6, 7)), Some(raw("::1", 443, 7)));
        // The inode is a 32-bit field: its highest value is kept whole.
        assert_eq!(parse_msg(&msg(AF_INET, 1, &[0; 4], u32::MAX)).map(|r| r.inode), Some(u64::from(u32::MAX)));
        // Another family, or a message cut short: not understood.
        assert_eq!(parse_msg(&msg(1, 4410, &[127, 0, 0, 1], 1)), None);
        assert_eq!(parse_msg(&msg(AF_INET, 4410, &[127, 0, 0, 1], 1)[..71]), None);
        assert_eq!(parse_msg(&[]), None);
    }

    #[test]
    fn a_datagram_is_read_message_by_message_until_done() {
        let mut data = nlmsg(SOCK_DIAG_BY_FAMILY, &msg(AF_INET, 4410, &[0; 4], 1));
        // A message whose length is not a multiple of 4 is followed by padding.
        data.extend(nlmsg(SOCK_DIAG_BY_FAMILY, &[msg(AF_INET, 4411, &[127, 0, 0, 1], 2), vec![9]].concat()));
        data.extend(nlmsg(0x10, b"other")); // a type that is not ours: skipped
        let mut found = Vec::new();
        assert_eq!(read_datagram(&data, &mut found).unwrap(), Dump::More);
        assert_eq!(found, [raw("0.0.0.0", 4410, 1), raw("127.0.0.1", 4411, 2)]);

        data.extend(nlmsg(NLMSG_DONE, &0u32.to_ne_bytes()));
        data.extend(nlmsg(SOCK_DIAG_BY_FAMILY, &msg(AF_INET, 4412, &[0; 4], 3)));
        let mut found = Vec::new();
        assert_eq!(read_datagram(&data, &mut found).unwrap(), Dump::Done);
        assert_eq!(found.len(), 2, "nothing is read after NLMSG_DONE");

        // An empty datagram, or fewer bytes than a header: nothing, and more to come.
        assert_eq!(read_datagram(&[], &mut found).unwrap(), Dump::More);
        assert_eq!(read_datagram(&[0; HEADER - 1], &mut found).unwrap(), Dump::More);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn the_kernels_error_is_its_errno() {
        let data = nlmsg(NLMSG_ERROR, &(-13i32).to_ne_bytes());
        let err = read_datagram(&data, &mut Vec::new()).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(13));
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        // 0 is an acknowledgement; i32::MIN has no negation (a crafted message): no panic.
        assert_eq!(read_datagram(&nlmsg(NLMSG_ERROR, &0i32.to_ne_bytes()), &mut Vec::new()).unwrap(), Dump::Done);
        let err = read_datagram(&nlmsg(NLMSG_ERROR, &i32::MIN.to_ne_bytes()), &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_truncated_or_unparsable_message_is_an_error_never_a_socket_dropped() {
        let whole = nlmsg(SOCK_DIAG_BY_FAMILY, &msg(AF_INET, 4410, &[0; 4], 1));
        // Its length says more than the datagram holds.
        let err = read_datagram(&whole[..whole.len() - 1], &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "truncated netlink message");
        // Its length is shorter than a header (a loop that would never advance).
        let mut short = whole.clone();
        short[..4].copy_from_slice(&15u32.to_ne_bytes());
        assert_eq!(read_datagram(&short, &mut Vec::new()).unwrap_err().to_string(), "truncated netlink message");
        // A header's worth exactly is a message with no payload.
        let mut empty = whole.clone();
        empty.truncate(HEADER);
        empty[..4].copy_from_slice(&16u32.to_ne_bytes());
        let err = read_datagram(&empty, &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "a sock_diag message that cannot be parsed");
        // A whole message whose payload is not a socket of a known family.
        let other = nlmsg(SOCK_DIAG_BY_FAMILY, &msg(1, 4410, &[0; 4], 1));
        let mut found = Vec::new();
        assert_eq!(read_datagram(&other, &mut found).unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert!(found.is_empty());
    }

    #[test]
    fn the_kernel_lists_a_real_listener_with_the_inode_of_its_socket() {
        let v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let v4_port = v4.local_addr().unwrap().port();
        let found = match listeners() {
            Ok(found) => found,
            // The receive timeout: the kernel answered, but the dump was never seen to end.
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                panic!("netlink sock_diag: {e}")
            }
            // A kernel or sandbox without sock_diag: /proc is the fallback.
            Err(_) => return,
        };
        let ours: Vec<Raw> = found.into_iter().filter(|r| r.port == v4_port).collect();
        assert_eq!(ours.len(), 1, "{ours:?}");
        assert_eq!(ours[0].addr, v4.local_addr().unwrap().ip());
        // The inode is the socket's: /proc/<pid>/fd leads from it to this process.
        let table = super::super::procfs::with_owners(ours, std::path::Path::new("/proc"), "test", Vec::new());
        assert_eq!(table.sockets[0].owner.as_ref().map(|o| o.pid), Some(std::process::id()));
        // Both families are asked for: an IPv6 listener, where the machine has IPv6.
        if let Ok(v6) = std::net::TcpListener::bind("[::1]:0") {
            let v6_port = v6.local_addr().unwrap().port();
            let found = listeners().unwrap();
            assert!(found.iter().any(|r| r.port == v6_port && r.addr.is_ipv6()), "{found:?}");
        }
    }
}

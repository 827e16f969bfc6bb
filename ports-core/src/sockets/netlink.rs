//! Netlink `sock_diag` (feature `netlink`): one dump request per address family for sockets in
//! the LISTEN state, built and parsed as bytes (the layouts of `linux/inet_diag.h`), through
//! rustix's safe socket calls. The kernel filters by state, so a busy server's connections are
//! never read, as they are in `/proc/net/tcp`.

use std::io;
use std::net::IpAddr;

use rustix::net::{
    netlink::{self, SocketAddrNetlink},
    recv, sendto, socket_with, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType,
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
    let kernel = SocketAddrNetlink::new(0, 0);
    let mut found = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for (seq, family) in [(1, AF_INET), (2, AF_INET6)] {
        sendto(&fd, &request(family, seq), SendFlags::empty(), &kernel)?;
        'dump: loop {
            let (n, _) = recv(&fd, &mut buf[..], RecvFlags::empty())?;
            let data = &buf[..n];
            let mut at = 0;
            while at + HEADER <= data.len() {
                let len = u32_at(data, at).and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
                let kind = u16_at(data, at + 4).unwrap_or(0);
                if len < HEADER || at + len > data.len() {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated netlink message"));
                }
                match kind {
                    NLMSG_DONE => break 'dump,
                    NLMSG_ERROR => {
                        let errno = u32_at(data, at + HEADER).map_or(0, |e| i32::from_ne_bytes(e.to_ne_bytes()));
                        return Err(io::Error::from_raw_os_error(-errno));
                    }
                    SOCK_DIAG_BY_FAMILY => match parse_msg(&data[at + HEADER..at + len]) {
                        Some(raw) => found.push(raw),
                        // Never a socket dropped unseen: the /proc fallback reads the table instead.
                        None => {
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "a sock_diag message that cannot be parsed",
                            ))
                        }
                    },
                    _ => {}
                }
                at += (len + 3) & !3;
            }
        }
    }
    Ok(found)
}

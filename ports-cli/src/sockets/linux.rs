//! Linux: netlink `sock_diag` first, `/proc/net/tcp{,6}` as the fallback; owners from
//! `/proc/<pid>/fd`.
//!
//! `PORTS_STATUS_PROCFS`: unset, empty, `0`, `false`, `no` or `off` — netlink first; `1`,
//! `true`, `yes` or `on` — `/proc` only; an absolute path — `/proc` only, read from that
//! directory instead of `/proc` (for tests: fixture tables, or a directory with none).

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::{Owner, Socket, Table};

/// A listening socket before its owner is known.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Raw {
    addr: IpAddr,
    port: u16,
    inode: u64,
}

pub(super) fn listening() -> Result<Table, String> {
    let (force_proc, root) = procfs_setting();
    if !force_proc {
        if let Ok(found) = diag::listeners() {
            return Ok(with_owners(found, &root, "netlink sock_diag"));
        }
    }
    let mut found = Vec::new();
    let mut read_any = false;
    let mut first_error = None;
    for (name, v6) in [("tcp", false), ("tcp6", true)] {
        let file = root.join("net").join(name);
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                read_any = true;
                found.extend(parse_proc_net_tcp(&text, v6));
            }
            // A kernel without IPv6 has no tcp6; a missing tcp (or both) means no table.
            Err(e) => {
                if first_error.is_none() && !(v6 && e.kind() == io::ErrorKind::NotFound) {
                    first_error = Some(format!("cannot read {}: {e}", file.display()));
                }
            }
        }
    }
    match (read_any, first_error) {
        (true, None) => Ok(with_owners(found, &root, "/proc/net/tcp")),
        (_, Some(error)) if force_proc => Err(error),
        (_, Some(error)) => Err(format!("netlink sock_diag unavailable, and {error}")),
        (false, None) => Err(format!("no socket table under {}", root.display())),
    }
}

fn procfs_setting() -> (bool, PathBuf) {
    let value = std::env::var_os("PORTS_STATUS_PROCFS").unwrap_or_default();
    let text = value.to_string_lossy().trim().to_ascii_lowercase();
    match text.as_str() {
        "" | "0" | "false" | "no" | "off" => (false, PathBuf::from("/proc")),
        _ if Path::new(&value).is_absolute() => (true, PathBuf::from(value)),
        _ => (true, PathBuf::from("/proc")),
    }
}

fn with_owners(raw: Vec<Raw>, root: &Path, backend: &'static str) -> Table {
    let wanted: HashSet<u64> = raw.iter().map(|r| r.inode).filter(|&i| i != 0).collect();
    let owners = owners(root, &wanted);
    let sockets =
        raw.into_iter().map(|r| Socket { addr: r.addr, port: r.port, owner: owners.get(&r.inode).cloned() }).collect();
    Table { sockets, backend }
}

/// The listening sockets of a `/proc/net/tcp` or `/proc/net/tcp6` table.
fn parse_proc_net_tcp(text: &str, v6: bool) -> Vec<Raw> {
    const LISTEN: &str = "0A";
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.get(3) != Some(&LISTEN) {
                return None;
            }
            let (addr, port) = fields.get(1)?.split_once(':')?;
            let port = u16::from_str_radix(port, 16).ok()?;
            let inode = fields.get(9)?.parse().ok()?;
            let addr =
                if v6 { parse_v6(addr)? } else { IpAddr::from(u32::from_str_radix(addr, 16).ok()?.to_le_bytes()) };
            Some(Raw { addr, port, inode })
        })
        .collect()
}

fn parse_v6(hex: &str) -> Option<IpAddr> {
    if hex.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(4).enumerate() {
        let word = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    Some(IpAddr::from(bytes))
}

/// The processes holding these socket inodes, from `/proc/<pid>/fd` (the scan stops once every
/// inode is found). Sockets of processes this user cannot see are simply absent.
fn owners(root: &Path, wanted: &HashSet<u64>) -> HashMap<u64, Owner> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    let Ok(procs) = std::fs::read_dir(root) else { return found };
    for entry in procs.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else { continue };
            let Some(inode) = target
                .to_str()
                .and_then(|t| t.strip_prefix("socket:["))
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse::<u64>().ok())
            else {
                continue;
            };
            if wanted.contains(&inode) && !found.contains_key(&inode) {
                let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default().trim().to_owned();
                found.insert(inode, Owner { pid, name });
            }
        }
        if found.len() == wanted.len() {
            break;
        }
    }
    found
}

/// Netlink `sock_diag`: one dump request per address family for sockets in the LISTEN state,
/// built and parsed as bytes (the layouts of `linux/inet_diag.h`), through rustix's safe socket
/// calls.
#[cfg(target_os = "linux")]
mod diag {
    use std::io;
    use std::net::IpAddr;

    use rustix::net::{
        netlink::{self, SocketAddrNetlink},
        recv, sendto, socket_with, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType,
    };

    use super::Raw;

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
        let fd =
            socket_with(AddressFamily::NETLINK, SocketType::DGRAM, SocketFlags::CLOEXEC, Some(netlink::SOCK_DIAG))?;
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
                        SOCK_DIAG_BY_FAMILY => found.extend(parse_msg(&data[at + HEADER..at + len])),
                        _ => {}
                    }
                    at += (len + 3) & !3;
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_net_tcp_listeners_only() {
        let v4 = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1139 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:1139 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 12346 1 0000000000000000 100 0 0 10 0\n";
        assert_eq!(
            parse_proc_net_tcp(v4, false),
            [Raw { addr: "127.0.0.1".parse().unwrap(), port: 0x1139, inode: 12345 }]
        );
        let v6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000001000000:115A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0\n   1: 00000000000000000000000000000000:115B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 778 1 0000000000000000 100 0 0 10 0\n";
        assert_eq!(
            parse_proc_net_tcp(v6, true),
            [
                Raw { addr: "::1".parse().unwrap(), port: 0x115A, inode: 777 },
                Raw { addr: "::".parse().unwrap(), port: 0x115B, inode: 778 },
            ]
        );
    }
}

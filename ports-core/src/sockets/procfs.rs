//! Linux with std alone: `/proc/net/tcp{,6}` (netlink `sock_diag` first with the `netlink`
//! feature), owners from `/proc/<pid>/fd`. Every file is read through the crate's capped,
//! non-blocking reader.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::{Owner, Socket, Table, TableError};
use crate::file;

/// The largest `net/tcp` table read: 128 MiB (about 850,000 sockets of 150 bytes).
const TABLE_LIMIT: u64 = 128 << 20;

/// The largest `comm` read (the kernel writes at most 16 bytes).
const COMM_LIMIT: u64 = 4096;

/// At most this many unreadable lines are named, per table; the rest are counted.
const WARNINGS_SHOWN: usize = 5;

/// The backend name of the `/proc` tables.
const PROC_BACKEND: &str = "/proc/net/tcp";

/// A listening socket before its owner is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Raw {
    pub(super) addr: IpAddr,
    pub(super) port: u16,
    pub(super) inode: u64,
}

pub(super) fn listening(ports: &dyn Fn(u16) -> bool) -> Result<Table, TableError> {
    let (force_proc, root) = procfs_setting();
    #[cfg(feature = "netlink")]
    let netlink_error = if force_proc {
        None
    } else {
        match super::netlink::listeners() {
            Ok(found) => {
                let found = found.into_iter().filter(|r| ports(r.port)).collect();
                return Ok(with_owners(found, &root, "netlink sock_diag", Vec::new()));
            }
            Err(e) => Some(e),
        }
    };
    #[cfg(not(feature = "netlink"))]
    let _ = force_proc;
    let result = read_tables(&root, ports);
    #[cfg(feature = "netlink")]
    if let (Err(error), Some(netlink)) = (&result, netlink_error) {
        return Err(TableError::new(format!("netlink sock_diag unavailable ({netlink}), and {}", error.message)));
    }
    result
}

/// Whether to skip netlink, and the `/proc` root: `PORTS_STATUS_PROCFS` (see the module docs).
fn procfs_setting() -> (bool, PathBuf) {
    setting(&std::env::var_os("PORTS_STATUS_PROCFS").unwrap_or_default())
}

/// What a value of `PORTS_STATUS_PROCFS` asks for (empty when unset).
fn setting(value: &std::ffi::OsStr) -> (bool, PathBuf) {
    let text = value.to_string_lossy().trim().to_ascii_lowercase();
    match text.as_str() {
        "" | "0" | "false" | "no" | "off" => (false, PathBuf::from("/proc")),
        _ if Path::new(value).is_absolute() => (true, PathBuf::from(value)),
        _ => (true, PathBuf::from("/proc")),
    }
}

/// `net/tcp` and `net/tcp6` under `root`, with owners. A missing `tcp6` is a kernel without
/// IPv6; any other file that cannot be read is the error.
pub(super) fn read_tables(root: &Path, ports: &dyn Fn(u16) -> bool) -> Result<Table, TableError> {
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    for (name, v6) in [("tcp", false), ("tcp6", true)] {
        let table = root.join("net").join(name);
        match file::read_bytes(&table, TABLE_LIMIT) {
            Ok(bytes) => parse_table(&bytes, v6, &table, ports, &mut found, &mut warnings),
            Err(e) if v6 && e.is_not_found() => {}
            Err(e) => return Err(TableError::new(format!("cannot read {}: {e}", table.display()))),
        }
    }
    Ok(with_owners(found, root, PROC_BACKEND, warnings))
}

/// What one line of a table is.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A listening socket.
    Listening(Raw),
    /// A socket in another state.
    Other,
    /// Not understood; the port, when at least that could be read.
    Malformed(Option<u16>),
}

/// The listening sockets of a `net/tcp` or `net/tcp6` table whose port `ports` accepts; each
/// line not understood (and not on a port left out) is a warning naming the table and line.
fn parse_table(
    bytes: &[u8],
    v6: bool,
    table: &Path,
    ports: &dyn Fn(u16) -> bool,
    found: &mut Vec<Raw>,
    warnings: &mut Vec<String>,
) {
    let mut unread = 0usize;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let parsed = match std::str::from_utf8(line) {
            Ok(text) if text.trim().is_empty() => continue,
            // The header (`  sl  local_address rem_address   st ...`).
            Ok(text) if index == 0 && text.trim_start().starts_with("sl ") => continue,
            Ok(text) => parse_line(text, v6),
            Err(_) => Line::Malformed(None),
        };
        match parsed {
            Line::Listening(raw) if ports(raw.port) => found.push(raw),
            Line::Listening(_) | Line::Other => {}
            Line::Malformed(Some(port)) if !ports(port) => {}
            Line::Malformed(_) => {
                unread += 1;
                if unread <= WARNINGS_SHOWN {
                    let text = String::from_utf8_lossy(line);
                    let excerpt: String = text.trim().chars().take(160).collect();
                    warnings.push(format!("{} line {}: cannot parse {excerpt:?}", table.display(), index + 1));
                }
            }
        }
    }
    if unread > WARNINGS_SHOWN {
        warnings.push(format!("{}: {} more lines not understood", table.display(), unread - WARNINGS_SHOWN));
    }
}

/// One data line: `sl: local rem st tx:rx tr:when retrnsmt uid timeout inode ...`.
fn parse_line(line: &str, v6: bool) -> Line {
    const LISTEN: &str = "0A";
    let fields: Vec<&str> = line.split_ascii_whitespace().collect();
    let local = fields.get(1).and_then(|f| parse_local(f, v6));
    let port = local.map(|(_, port)| port);
    let slot = fields.first().and_then(|f| f.strip_suffix(':')).is_some_and(|n| is_hex(n, 1..=8));
    let Some(state) = fields.get(3).filter(|s| is_hex(s, 2..=2)) else { return Line::Malformed(port) };
    if !slot {
        return Line::Malformed(port);
    }
    if !state.eq_ignore_ascii_case(LISTEN) {
        return Line::Other;
    }
    match (local, fields.get(9).and_then(|f| f.parse::<u64>().ok())) {
        (Some((addr, port)), Some(inode)) if fields[9].bytes().all(|b| b.is_ascii_digit()) => {
            Line::Listening(Raw { addr, port, inode })
        }
        _ => Line::Malformed(port),
    }
}

fn is_hex(text: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `0100007F:1139` (IPv4: one 32-bit word) or 32 hex digits `:PORT` (IPv6: four words), each
/// word in the kernel's byte order as printed by `%08X`.
fn parse_local(field: &str, v6: bool) -> Option<(IpAddr, u16)> {
    let (addr, port) = field.split_once(':')?;
    if !is_hex(port, 4..=4) || !is_hex(addr, if v6 { 32..=32 } else { 8..=8 }) {
        return None;
    }
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16).ok().map(u32::to_le_bytes);
    let addr = if v6 {
        let mut bytes = [0u8; 16];
        for (i, chunk) in bytes.chunks_mut(4).enumerate() {
            chunk.copy_from_slice(&word(i)?);
        }
        IpAddr::from(bytes)
    } else {
        IpAddr::from(word(0)?)
    };
    Some((addr, port))
}

pub(super) fn with_owners(raw: Vec<Raw>, root: &Path, backend: &'static str, warnings: Vec<String>) -> Table {
    let wanted: HashSet<u64> = raw.iter().map(|r| r.inode).filter(|&i| i != 0).collect();
    let owners = owners(root, &wanted);
    let sockets =
        raw.into_iter().map(|r| Socket { addr: r.addr, port: r.port, owner: owners.get(&r.inode).cloned() }).collect();
    Table { sockets, backend, warnings }
}

/// The processes holding these socket inodes, from `<root>/<pid>/fd` (the scan stops once every
/// inode is found). Sockets of processes this user cannot see are simply absent. An owner is
/// kept only if its fd still names the socket after its name was read: a process that exited
/// (its pid perhaps reused) in between is not named.
fn owners(root: &Path, wanted: &HashSet<u64>) -> HashMap<u64, Owner> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    let Ok(procs) = std::fs::read_dir(root) else { return found };
    for entry in procs.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let dir = entry.path();
        let Ok(fds) = std::fs::read_dir(dir.join("fd")) else { continue };
        for fd in fds.flatten() {
            let path = fd.path();
            let Some(inode) = socket_inode(&path).filter(|i| wanted.contains(i) && !found.contains_key(i)) else {
                continue;
            };
            let name = file::read_bytes(&dir.join("comm"), COMM_LIMIT)
                .map(|bytes| String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_owned())
                .unwrap_or_default();
            if socket_inode(&path) == Some(inode) {
                found.insert(inode, Owner { pid, name });
            }
        }
        if found.len() == wanted.len() {
            break;
        }
    }
    found
}

/// The inode of the socket an fd link names (`socket:[12345]`).
fn socket_inode(fd: &Path) -> Option<u64> {
    let target = std::fs::read_link(fd).ok()?;
    target.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    const HEADER: &str =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    fn v4_line(slot: usize, hex_addr: &str, port: u16, state: &str, inode: u64) -> String {
        format!("   {slot}: {hex_addr}:{port:04X} 00000000:0000 {state} 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
    }

    /// A fake `/proc` under `dir`: the given tables, and processes (pid, comm, socket inodes).
    fn fake_proc(dir: &Path, tcp: &str, tcp6: Option<&str>, procs: &[(u32, &str, &[u64])]) -> PathBuf {
        let root = dir.join("proc");
        std::fs::create_dir_all(root.join("net")).unwrap();
        std::fs::write(root.join("net/tcp"), tcp).unwrap();
        if let Some(tcp6) = tcp6 {
            std::fs::write(root.join("net/tcp6"), tcp6).unwrap();
        }
        for (pid, comm, inodes) in procs {
            let fd = root.join(pid.to_string()).join("fd");
            std::fs::create_dir_all(&fd).unwrap();
            std::fs::write(root.join(pid.to_string()).join("comm"), format!("{comm}\n")).unwrap();
            symlink("/dev/null", fd.join("0")).unwrap();
            for (n, inode) in inodes.iter().enumerate() {
                symlink(format!("socket:[{inode}]"), fd.join((n + 3).to_string())).unwrap();
            }
        }
        root
    }

    fn all(_: u16) -> bool {
        true
    }

    #[test]
    fn the_setting_chooses_netlink_proc_or_a_proc_directory() {
        let proc_root = PathBuf::from("/proc");
        for off in ["", "0", "false", "no", "off", " OFF ", "False"] {
            assert_eq!(setting(off.as_ref()), (false, proc_root.clone()), "{off:?}");
        }
        for on in ["1", "true", "yes", "on", "anything", "relative/dir"] {
            assert_eq!(setting(on.as_ref()), (true, proc_root.clone()), "{on:?}");
        }
        assert_eq!(setting("/tmp/fixture".as_ref()), (true, PathBuf::from("/tmp/fixture")));
    }

    #[test]
    fn parses_listeners_of_both_families_only() {
        let v4 = format!(
            "{HEADER}{}{}",
            v4_line(0, "0100007F", 0x1139, "0A", 12345),
            v4_line(1, "0100007F", 0x1139, "01", 12346)
        );
        let v6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000001000000:115A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0\n   1: 00000000000000000000000000000000:115B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 778 1 0000000000000000 100 0 0 10 0\n";
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &v4, Some(v6), &[(4242, "redis-server", &[777]), (99, "python3", &[12345])]);
        let table = read_tables(&root, &all).unwrap();
        assert_eq!(table.backend, "/proc/net/tcp");
        assert!(table.is_complete(), "{:?}", table.warnings);
        let owner = |pid, name: &str| Some(Owner { pid, name: name.into() });
        assert_eq!(
            table.sockets,
            [
                Socket { addr: "127.0.0.1".parse().unwrap(), port: 0x1139, owner: owner(99, "python3") },
                Socket { addr: "::1".parse().unwrap(), port: 0x115A, owner: owner(4242, "redis-server") },
                Socket { addr: "::".parse().unwrap(), port: 0x115B, owner: None },
            ]
        );
    }

    #[test]
    fn a_missing_tcp6_is_a_kernel_without_ipv6_but_a_missing_tcp_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), HEADER, None, &[]);
        assert!(read_tables(&root, &all).unwrap().sockets.is_empty());
        std::fs::remove_file(root.join("net/tcp")).unwrap();
        let err = read_tables(&root, &all).unwrap_err().to_string();
        assert!(err.starts_with("cannot read ") && err.contains("net/tcp"), "{err}");
        assert!(read_tables(&dir.path().join("nowhere"), &all).is_err());
    }

    #[test]
    fn a_fifo_or_a_device_as_the_table_is_an_error_naming_it_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), HEADER, Some(HEADER), &[]);
        let tcp = root.join("net/tcp");
        std::fs::remove_file(&tcp).unwrap();
        let status = std::process::Command::new("mkfifo").arg(&tcp).status().unwrap();
        assert!(status.success());
        let err = read_tables(&root, &all).unwrap_err().to_string();
        assert_eq!(err, format!("cannot read {}: it is a FIFO, not a regular file", tcp.display()));

        std::fs::remove_file(&tcp).unwrap();
        symlink("/dev/zero", &tcp).unwrap();
        let err = read_tables(&root, &all).unwrap_err().to_string();
        assert_eq!(err, format!("cannot read {}: it is a device, not a regular file", tcp.display()));

        // tcp6 too: only its absence is forgiven.
        std::fs::remove_file(&tcp).unwrap();
        std::fs::write(&tcp, HEADER).unwrap();
        std::fs::remove_file(root.join("net/tcp6")).unwrap();
        symlink("/dev/zero", root.join("net/tcp6")).unwrap();
        let err = read_tables(&root, &all).unwrap_err().to_string();
        assert!(err.contains("tcp6: it is a device"), "{err}");
    }

    #[test]
    fn a_malformed_listening_line_is_a_warning_naming_the_table_and_line() {
        let good = v4_line(0, "0100007F", 4410, "0A", 1);
        let bad_port =
            "   1: 0100007F:11ZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1\n";
        let bad_inode = v4_line(2, "0100007F", 4411, "0A", 3).replace(" 3 1 ", " x3 1 ");
        let short = "   3: 0100007F:113A\n";
        let not_utf8 = b"   4: \xff\xfe\n";
        let established = v4_line(5, "0100007F", 4412, "01", 5);
        let mut tcp = format!("{HEADER}{good}{bad_port}{bad_inode}{short}").into_bytes();
        tcp.extend_from_slice(not_utf8);
        tcp.extend_from_slice(established.as_bytes());
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), "", Some(HEADER), &[]);
        std::fs::write(root.join("net/tcp"), &tcp).unwrap();
        let table = read_tables(&root, &all).unwrap();
        assert!(!table.is_complete());
        assert_eq!(table.sockets.len(), 1);
        let lines: Vec<&str> = table
            .warnings
            .iter()
            .map(|w| w.split(": cannot parse").next().unwrap().rsplit(' ').next().unwrap())
            .collect();
        assert_eq!(lines, ["3", "4", "5", "6"], "{:?}", table.warnings);
        let tcp_path = root.join("net/tcp");
        assert!(table.warnings[0].starts_with(&format!("{} line 3: ", tcp_path.display())), "{:?}", table.warnings);
        assert!(table.warnings[1].contains("x3"), "{:?}", table.warnings);

        // A port left out by the filter: its bad inode is no concern of this reader.
        let table = read_tables(&root, &|port| port == 4410).unwrap();
        assert_eq!(table.warnings.len(), 3, "{:?}", table.warnings);
    }

    #[test]
    fn many_malformed_lines_are_counted_not_each_named() {
        let mut tcp = HEADER.to_owned();
        for i in 0..100 {
            tcp.push_str(&format!("   {i}: garbage\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &tcp, Some(HEADER), &[]);
        let table = read_tables(&root, &all).unwrap();
        assert_eq!(table.warnings.len(), WARNINGS_SHOWN + 1);
        assert!(table.warnings.last().unwrap().ends_with("95 more lines not understood"), "{:?}", table.warnings);
    }

    #[test]
    fn exactly_as_many_malformed_lines_as_are_shown_are_all_named_and_none_counted() {
        let mut tcp = HEADER.to_owned();
        for i in 0..WARNINGS_SHOWN {
            tcp.push_str(&format!("   {i}: garbage\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &tcp, Some(HEADER), &[]);
        let table = read_tables(&root, &all).unwrap();
        assert_eq!(table.warnings.len(), WARNINGS_SHOWN, "{:?}", table.warnings);
        assert!(table.warnings.iter().all(|w| w.contains("cannot parse")), "{:?}", table.warnings);
    }

    #[test]
    fn fields_of_the_wrong_shape_make_a_line_malformed() {
        let good = v4_line(0, "0100007F", 4410, "0A", 1);
        for bad in [
            good.replace("   0:", "   zz:"),                 // a slot that is not hex
            good.replace("0100007F:", "0100007F0:"),         // a nine-digit address
            good.replace("0100007F:113A", "0100007F:113A0"), // a five-digit port
            good.replace(" 1 1 0000", " +1 1 0000"),         // a signed inode
        ] {
            assert_ne!(bad, good);
            assert!(matches!(parse_line(bad.trim_end(), false), Line::Malformed(_)), "{bad:?}");
        }
        assert!(matches!(parse_line(good.trim_end(), false), Line::Listening(_)));
    }

    #[test]
    fn an_ipv6_address_is_read_word_by_word_in_the_kernels_byte_order() {
        // 2001:db8::1, as /proc/net/tcp6 prints it: four 32-bit words, each `%08X` of a
        // little-endian read.
        let line = "   0: B80D0120000000000000000001000000:115C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9 1";
        assert_eq!(
            parse_line(line, true),
            Line::Listening(Raw { addr: "2001:db8::1".parse().unwrap(), port: 0x115C, inode: 9 })
        );
    }

    #[test]
    fn only_the_wanted_sockets_owners_are_looked_up() {
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), HEADER, Some(HEADER), &[(10, "other", &[99])]);
        let wanted: HashSet<u64> = [1].into();
        assert!(owners(&root, &wanted).is_empty());
    }

    #[test]
    fn a_table_without_its_header_still_reads_its_first_line() {
        let tcp = v4_line(0, "00000000", 4410, "0A", 7);
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &tcp, Some(""), &[(7, "nginx", &[7])]);
        let table = read_tables(&root, &all).unwrap();
        assert!(table.is_complete());
        assert_eq!(
            table.sockets,
            [Socket {
                addr: "0.0.0.0".parse().unwrap(),
                port: 4410,
                owner: Some(Owner { pid: 7, name: "nginx".into() })
            }]
        );
    }

    #[test]
    fn the_filter_leaves_out_other_ports_before_their_owners_are_looked_up() {
        let tcp = format!("{HEADER}{}{}", v4_line(0, "0100007F", 4410, "0A", 1), v4_line(1, "0100007F", 4411, "0A", 2));
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &tcp, Some(HEADER), &[(10, "a", &[1]), (11, "b", &[2])]);
        let table = read_tables(&root, &|port| port == 4411).unwrap();
        assert_eq!(table.sockets.len(), 1);
        assert_eq!(table.sockets[0].owner, Some(Owner { pid: 11, name: "b".into() }));
    }

    #[test]
    fn an_owner_whose_comm_cannot_be_read_keeps_its_pid_and_no_name() {
        let tcp = format!("{HEADER}{}", v4_line(0, "0100007F", 4410, "0A", 1));
        let dir = tempfile::tempdir().unwrap();
        let root = fake_proc(dir.path(), &tcp, Some(HEADER), &[(10, "a", &[1])]);
        std::fs::remove_file(root.join("10/comm")).unwrap();
        let status = std::process::Command::new("mkfifo").arg(root.join("10/comm")).status().unwrap();
        assert!(status.success());
        let table = read_tables(&root, &all).unwrap();
        assert_eq!(table.sockets[0].owner, Some(Owner { pid: 10, name: String::new() }));
    }
}

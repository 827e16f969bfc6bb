//! What a bind error says when the socket table cannot tell who holds the port (issues 18 and
//! 20): the port is really taken (this process holds a lease on it), and the table is a fake
//! `/proc` named by `PORTS_STATUS_PROCFS` — a holder this user cannot see, a holder gone from the
//! table, a table that is a FIFO or `/dev/zero`, a table with a line it cannot parse. Never a
//! wrong pid, never a hang. One test, as it sets the process's environment.
#![cfg(target_os = "linux")]

use std::net::TcpListener;
use std::path::Path;

use ports_core::Endpoint;

const HEADER: &str =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

fn listen_line(port: u16, inode: u64) -> String {
    format!("   0: 0100007F:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
}

fn write_tables(root: &Path, tcp: &str) {
    let net = root.join("net");
    let _ = std::fs::remove_file(net.join("tcp"));
    std::fs::create_dir_all(&net).unwrap();
    std::fs::write(net.join("tcp"), tcp).unwrap();
    std::fs::write(net.join("tcp6"), HEADER).unwrap();
}

fn bind_error(lease: &TcpListener) -> String {
    let port = lease.local_addr().unwrap().port();
    let err = Endpoint::new("zero-gateway", "127.0.0.1", port).bind().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    assert!(err
        .to_string()
        .starts_with(&format!("cannot bind 127.0.0.1:{port} (zero-gateway, registry default): address in use")));
    err.to_string()
}

#[test]
fn what_the_table_cannot_show_is_said_never_guessed() {
    let lease = ports_core::lease_test_port().unwrap();
    let port = lease.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proc");
    std::env::set_var("PORTS_STATUS_PROCFS", &root);

    // The socket is in the table, but no process this user can see holds it.
    write_tables(&root, &format!("{HEADER}{}", listen_line(port, 31337)));
    let text = bind_error(&lease);
    assert!(text.ends_with(", held by a process not visible to this user (try `sudo ports status`)"), "{text}");

    // A process this user can see, with its name.
    let fd = root.join("4242/fd");
    std::fs::create_dir_all(&fd).unwrap();
    std::fs::write(root.join("4242/comm"), "redis-server\n").unwrap();
    std::os::unix::fs::symlink("socket:[31337]", fd.join("9")).unwrap();
    assert!(bind_error(&lease).ends_with(", held by redis-server (pid 4242)"));

    // The holder is gone from the table (it exited after the bind failed): not found, no pid.
    write_tables(&root, HEADER);
    let text = bind_error(&lease);
    assert!(
        text.ends_with(", but the socket table shows no listener on it now (its holder may have exited)"),
        "{text}"
    );

    // A line of the table that cannot be parsed: the holder is unknown, and the line is named.
    let table = root.join("net/tcp");
    write_tables(&root, &format!("{HEADER}   0: 0100007F:{port:04X} 00000000:0000 0A garbage\n"));
    let text = bind_error(&lease);
    assert!(
        text.contains(&format!(
            "; the holder is unknown: the socket table is incomplete: {} line 2: cannot parse ",
            table.display()
        )),
        "{text}"
    );

    // The table is a FIFO, then /dev/zero: an error naming the table, at once.
    std::fs::remove_file(&table).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&table).status().unwrap().success());
    let text = bind_error(&lease);
    assert!(
        text.ends_with(&format!(
            "; the holder is unknown: cannot read {}: it is a FIFO, not a regular file",
            table.display()
        )),
        "{text}"
    );
    std::fs::remove_file(&table).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &table).unwrap();
    let text = bind_error(&lease);
    assert!(text.ends_with(&format!("cannot read {}: it is a device, not a regular file", table.display())), "{text}");

    // The same answers from the library's table itself: an error, or a table that says it is
    // incomplete — never an empty, complete table.
    assert!(ports_core::sockets::listening().is_err());
    write_tables(&root, &format!("{HEADER}garbage\n"));
    let table = ports_core::sockets::listening().unwrap();
    assert!(!table.is_complete() && table.sockets.is_empty());
    assert_eq!(table.backend, "/proc/net/tcp");

    std::env::remove_var("PORTS_STATUS_PROCFS");
}

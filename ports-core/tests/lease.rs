//! Test-port leases: the bind is the lock, across threads and processes.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use ports_core::{lease_service_port, lease_test_port, lease_test_port_in, LeaseError, Registry};

/// A registry whose test group sits on unusual ports below Linux's ephemeral range (32768+,
/// where outgoing connections take their local ports), with its first port registered.
fn registry(start: u16) -> Registry {
    Registry::parse(&format!(
        r#"{{ "name": "lease", "block": {{ "start": {start}, "end": {end} }},
             "groups": [{{ "id": "test", "start": {start}, "end": {end}, "title": "tests" }}],
             "services": [{{ "port": {start}, "id": "it", "name": "registered test", "group": "test" }}] }}"#,
        end = start + 9
    ))
    .unwrap()
}

fn lease_nine_from_threads(registry: &Registry) -> Vec<Result<std::net::TcpListener, LeaseError>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..9).map(|_| s.spawn(|| lease_test_port_in(registry, "test"))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn nine_threads_get_nine_distinct_ports_and_the_tenth_fails() {
    let registry = registry(26310);
    let leases: Vec<_> = lease_nine_from_threads(&registry).into_iter().map(Result::unwrap).collect();
    let ports: BTreeSet<u16> = leases.iter().map(|l| l.local_addr().unwrap().port()).collect();
    assert_eq!(ports, (26311..=26319).collect::<BTreeSet<_>>(), "registered 26310 is never handed out");
    for lease in &leases {
        assert!(lease.local_addr().unwrap().ip().is_loopback());
    }
    let tenth = lease_test_port_in(&registry, "test").unwrap_err();
    assert!(matches!(tenth, LeaseError::AllTaken { ref group, start: 26310, end: 26319 } if group == "test"));
    assert_eq!(
        tenth.to_string(),
        "no free test port: every unregistered port of group `test` (26310-26319) is in use (on 127.0.0.1, ::1, 0.0.0.0 or ::)"
    );
}

#[test]
fn dropping_a_lease_frees_its_port() {
    let registry = registry(26330);
    let mut leases: Vec<_> = lease_nine_from_threads(&registry).into_iter().map(Result::unwrap).collect();
    let freed = leases.remove(4).local_addr().unwrap().port();
    let again = lease_test_port_in(&registry, "test").unwrap();
    assert_eq!(again.local_addr().unwrap().port(), freed);
}

#[test]
fn a_port_held_by_someone_else_is_skipped() {
    let registry = registry(26350);
    let _other = std::net::TcpListener::bind(("127.0.0.1", 26351)).unwrap();
    let lease = lease_test_port_in(&registry, "test").unwrap();
    assert_eq!(lease.local_addr().unwrap().port(), 26352);
}

#[test]
fn unknown_group_names_the_groups() {
    let err = lease_test_port_in(&registry(26370), "tests").unwrap_err();
    assert_eq!(err.to_string(), "unknown group `tests`; did you mean `test`? (groups: test (26370-26379))");
}

#[test]
fn a_registered_test_port_is_leased_by_id() {
    let registry = registry(26390);
    let lease = lease_service_port(&registry, "it").unwrap();
    assert_eq!(lease.local_addr().unwrap().port(), 26390);
    assert!(matches!(lease_service_port(&registry, "it"), Err(LeaseError::Bind { port: 26390, .. })));
    assert!(matches!(lease_service_port(&registry, "nope"), Err(LeaseError::UnknownService { .. })));
}

/// The embedded registry's 4441-4449, nine threads at once. Something else on the machine may
/// hold some of these ports, so this asserts what must hold whatever the machine runs: every
/// lease is a distinct port of 4441-4449, a thread that gets none gets `AllTaken` for the test
/// group, and once nine are held (by us or others) a tenth lease fails.
/// The tests that lease from the embedded test group (4441-4449) take turns: one holds all nine
/// while another's child process would find the group full.
fn embedded_group() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn nine_threads_lease_the_embedded_test_group() {
    let _turn = embedded_group();
    let results = lease_nine_from_threads(Registry::embedded());
    let mut held = Vec::new();
    for result in results {
        match result {
            Ok(listener) => held.push(listener),
            Err(LeaseError::AllTaken { group, start, end }) => {
                assert_eq!((group.as_str(), start, end), ("test", 4440, 4449));
            }
            Err(other) => panic!("{other}"),
        }
    }
    let ports: BTreeSet<u16> = held.iter().map(|l| l.local_addr().unwrap().port()).collect();
    assert_eq!(ports.len(), held.len(), "two threads got the same port");
    assert!(ports.iter().all(|p| (4441..=4449).contains(p)), "{ports:?}");
    assert!(!ports.contains(&4440), "the registered 4440 is never handed out");
    if held.len() == 9 {
        assert!(matches!(lease_test_port(), Err(LeaseError::AllTaken { .. })));
    }
}

/// Two processes leasing at once never share a port: each child leases four ports, prints
/// them and holds them until its stdin closes, so both sets are held at the same time.
#[test]
fn two_processes_never_share_a_port() {
    let spawn = || {
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_leases_four", "--nocapture"])
            .env("PORTS_LEASE_CHILD", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut children = [spawn(), spawn()];
    let mut all = Vec::new();
    let mut readers = Vec::new();
    for child in &mut children {
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ports: Vec<u16> = lines
            .by_ref()
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("LEASED ").map(|p| p.parse().unwrap()))
            .take(4)
            .collect();
        assert_eq!(ports.len(), 4);
        all.extend(ports);
        readers.push(lines);
    }
    for (child, rest) in children.iter_mut().zip(readers) {
        child.stdin.take().unwrap().write_all(b"done\n").unwrap();
        let _rest: Vec<String> = rest.map_while(Result::ok).collect();
        assert!(child.wait().unwrap().success());
    }
    let distinct: BTreeSet<u16> = all.iter().copied().collect();
    assert_eq!(distinct.len(), 8, "shared a port: {all:?}");
}

#[test]
fn child_leases_four() {
    if std::env::var_os("PORTS_LEASE_CHILD").is_none() {
        return;
    }
    let registry = registry(26410);
    let held: Vec<_> = (0..4).map(|_| lease_test_port_in(&registry, "test").unwrap()).collect();
    for lease in &held {
        println!("LEASED {}", lease.local_addr().unwrap().port());
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
}

/// A listener on [::1] (or on a wildcard address of either family) holds the port for every
/// address: the lease skips it even though 127.0.0.1 could be bound.
#[test]
fn a_port_held_on_another_local_address_is_skipped() {
    for (i, addr) in ["[::1]", "[::]", "0.0.0.0"].into_iter().enumerate() {
        let start = 26500 + 20 * u16::try_from(i).unwrap();
        let registry = registry(start);
        let Ok(_other) = std::net::TcpListener::bind(format!("{addr}:{}", start + 1)) else {
            continue; // no IPv6 on this machine
        };
        let lease = lease_test_port_in(&registry, "test").unwrap();
        assert_eq!(lease.local_addr().unwrap().port(), start + 2, "{addr}:{} was handed out", start + 1);
    }
}

/// The no-argument lease uses the registry in force: a `ports.json` (found from
/// `CARGO_MANIFEST_DIR`, as cargo sets it) that registers 4441 keeps 4441 from being handed out.
#[test]
fn the_no_argument_lease_uses_the_registry_in_force() {
    let _turn = embedded_group();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let mut registry = Registry::embedded().clone();
    registry.services.push(ports_core::ServiceEntry::new(4441, "zero-e2e-test", "Zero E2E Test", "test"));
    std::fs::write(dir.path().join("ports.json"), registry.to_json_pretty().unwrap()).unwrap();
    let output = lease_in_child(dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let leased: Vec<u16> = stdout.lines().filter_map(|l| l.strip_prefix("LEASED ")?.parse().ok()).collect();
    assert!(!leased.is_empty(), "{stdout}");
    assert!(leased.iter().all(|p| (4442..=4449).contains(p)), "4441 is registered there: {leased:?}");

    // A registry in force that cannot be read is a LeaseError naming the file.
    std::fs::write(dir.path().join("ports.json"), "{ not json").unwrap();
    let output = lease_in_child(dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("LEASE ERROR cannot lease a test port: ports.json:1:3:"), "{stdout}");
}

/// This test binary, run as a child with `CARGO_MANIFEST_DIR` at `dir`, leasing once.
fn lease_in_child(dir: &std::path::Path) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_leases_from_the_registry_in_force", "--nocapture"])
        .env("PORTS_LEASE_CHILD", "1")
        .env("CARGO_MANIFEST_DIR", dir)
        .env_remove("PORTS_REGISTRY")
        .output()
        .unwrap()
}

#[test]
fn child_leases_from_the_registry_in_force() {
    if std::env::var_os("PORTS_LEASE_CHILD").is_none() {
        return;
    }
    match lease_test_port() {
        Ok(lease) => println!("LEASED {}", lease.local_addr().unwrap().port()),
        Err(LeaseError::AllTaken { .. }) => println!("ALL TAKEN"),
        Err(error) => println!("LEASE ERROR {error}"),
    }
}

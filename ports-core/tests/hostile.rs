//! Hostile inputs (issue 12): files that are not regular files, huge files, BOMs, bytes that
//! are not UTF-8, control characters, registries of every port. Never a hang, never a panic.

#[cfg(unix)]
use std::time::{Duration, Instant};

use ports_core::{Problem, Registry, RegistryError, Resolver};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Runs `f` on a thread and fails the test if it does not return within 10 s (a hang).
#[cfg(unix)]
fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("hung")
}

#[cfg(unix)]
#[test]
fn a_fifo_as_registry_or_config_is_refused_not_read() {
    let dir = tempdir();
    let fifo = dir.path().join("ports.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let path = fifo.clone();
    let err = within_10s(move || Registry::load(&path).unwrap_err());
    assert!(matches!(err, RegistryError::Io { .. }), "{err}");
    assert!(err.to_string().contains("it is a FIFO, not a regular file"), "{err}");

    let path = fifo.clone();
    let err = within_10s(move || {
        Resolver::new().env("CODECODER_CONFIG", path).resolve_id(Registry::embedded(), "zero-gateway").unwrap_err()
    });
    assert!(err.to_string().contains("it is a FIFO, not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn devices_are_refused() {
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        let started = Instant::now();
        let err = Registry::load(device).unwrap_err();
        assert!(err.to_string().contains("it is a device, not a regular file"), "{device}: {err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn a_file_over_the_limit_is_refused_by_size() {
    let dir = tempdir();
    let big = dir.path().join("config.json");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(ports_core::CONFIG_LIMIT + 1).unwrap();
    let err = Resolver::new().config_file(&big).resolve_id(Registry::embedded(), "zero-gateway").unwrap_err();
    assert!(err.to_string().contains("larger than 4 MiB"), "{err}");
}

#[test]
fn a_bom_is_accepted_and_bad_utf8_is_named_by_offset() {
    let dir = tempdir();
    let path = dir.path().join("ports.json");
    std::fs::write(&path, format!("\u{feff}{}", Registry::EMBEDDED_JSON)).unwrap();
    assert_eq!(Registry::load(&path).unwrap(), *Registry::embedded());
    assert_eq!(Registry::parse(&format!("\u{feff}{}", Registry::EMBEDDED_JSON)).unwrap(), *Registry::embedded());

    let mut bytes = Registry::EMBEDDED_JSON.as_bytes().to_vec();
    bytes[30] = 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let err = Registry::load(&path).unwrap_err();
    assert!(matches!(err, RegistryError::Encoding { offset: 30, .. }), "{err}");
    assert!(err.to_string().ends_with("ports.json: not UTF-8 text: invalid byte at offset 30"), "{err}");
}

#[test]
fn control_characters_are_problems_and_never_printed_raw() {
    let mut registry = Registry::embedded().clone();
    registry.services[0].name = "API\x1b[2J".into();
    registry.services[1].description = Some("line\nbreak".into());
    registry.groups[0].title = "nul\0".into();
    let problems = registry.problems();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().all(|p| matches!(p, Problem::ControlChar { .. })));
    let err = registry.validate().unwrap_err().to_string();
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert!(err.contains("service `codecoder-api`: `name` holds a control character"), "{err}");

    // Unknown fields with control characters in their names are escaped in the message.
    let err = Registry::parse("{ \"na\u{1b}me\": 1 }").unwrap_err().to_string();
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

/// 65,535 services, every port of 1-65535: parse and validate in linear time (this was minutes
/// when lookups were linear scans). Not a timed test: it only has to finish.
#[test]
fn a_registry_of_every_port_parses() {
    let mut services = Vec::new();
    for port in 1..=65535u32 {
        services.push(format!(
            r#"{{ "port": {port}, "id": "svc-{port}", "name": "S{port}", "group": "all", "env": "SVC_{port}_PORT", "config": "svc.s{port}" }}"#
        ));
    }
    let text = format!(
        r#"{{ "name": "all", "block": {{ "start": 1, "end": 65535 }}, "groups": [{{ "id": "all", "start": 1, "end": 65535, "title": "all" }}], "services": [{}] }}"#,
        services.join(",")
    );
    let registry = Registry::parse(&text).unwrap();
    assert_eq!(registry.services.len(), 65535);
    assert_eq!(registry.next_free("all"), Ok(None));
    let all = Resolver::new().resolve_all(&registry);
    assert!(all.iter().all(|r| r.result.is_ok()));
}

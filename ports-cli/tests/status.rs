//! `ports status` that never reports what it did not see, moved services, and `ports resolve`
//! collisions (issue 10). The socket table is made unreadable, or replaced by fixture tables,
//! through `PORTS_STATUS_PROCFS=<dir>` (the `/proc` root the Linux fallback reads).

#[cfg(target_os = "linux")]
use std::path::Path;
#[cfg(unix)]
use std::process::Command;

use serde_json::Value;

mod support;

use support::{json, project, run_with as ports};

#[cfg(target_os = "linux")]
fn port(v: &Value, p: u16) -> &Value {
    v["ports"].as_array().unwrap().iter().find(|e| e["port"] == p).unwrap()
}

#[cfg(target_os = "linux")]
/// A fake `/proc`: `net/tcp` with LISTEN sockets (port, inode), `net/tcp6` empty, and a process
/// 4242 (`redis-server`) holding the first socket.
fn fake_proc(dir: &Path, listeners: &[(u16, u64)]) -> std::path::PathBuf {
    let root = dir.join("proc");
    std::fs::create_dir_all(root.join("net")).unwrap();
    let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    let mut tcp = header.to_owned();
    for (i, (p, inode)) in listeners.iter().enumerate() {
        tcp.push_str(&format!(
            "   {i}: 0100007F:{p:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
        ));
    }
    std::fs::write(root.join("net/tcp"), tcp).unwrap();
    std::fs::write(root.join("net/tcp6"), header).unwrap();
    if let Some((_, inode)) = listeners.first() {
        let pid = root.join("4242");
        std::fs::create_dir_all(pid.join("fd")).unwrap();
        std::fs::write(pid.join("comm"), "redis-server\n").unwrap();
        std::os::unix::fs::symlink(format!("socket:[{inode}]"), pid.join("fd/7")).unwrap();
    }
    root
}

#[test]
fn an_unreadable_socket_table_is_unknown_never_free() {
    let dir = project();
    let missing = dir.path().join("no-proc-here");
    let missing = missing.to_str().unwrap();
    let o = ports(dir.path(), &["status", "--json"], &[("PORTS_STATUS_PROCFS", missing)]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["source"], Value::Null);
    assert!(v["error"].as_str().unwrap().contains("cannot read"), "{v}");
    let states: Vec<&str> = v["ports"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states.len(), 50);
    assert!(states.iter().all(|s| *s == "unknown"), "{states:?}");

    let o = ports(dir.path(), &["status"], &[("PORTS_STATUS_PROCFS", missing)]);
    assert_eq!(o.status.code(), Some(2));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.lines().any(|l| l.contains("  free  ")), "{text}");
    assert!(text.contains("4401  unknown  web-frontend"), "{text}");
    assert!(
        text.contains("every port is unknown, not free") && text.contains("lsof -nP -iTCP:4400-4449 -sTCP:LISTEN"),
        "{text}"
    );
}

#[test]
fn an_empty_proc_is_unknown_too() {
    let dir = project();
    let root = dir.path().join("empty-proc");
    std::fs::create_dir(&root).unwrap();
    let o = ports(dir.path(), &["status", "--json"], &[("PORTS_STATUS_PROCFS", root.to_str().unwrap())]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["source"], Value::Null);
}

#[cfg(target_os = "linux")]
#[test]
fn fixture_tables_name_the_owner_and_flag_unregistered_ports() {
    let dir = project();
    let root = fake_proc(dir.path(), &[(4410, 9001), (4437, 9002)]);
    let o = ports(dir.path(), &["status", "--json"], &[("PORTS_STATUS_PROCFS", root.to_str().unwrap())]);
    assert_eq!(o.status.code(), Some(1), "4437 is unregistered");
    let v = json(&o);
    assert_eq!(v["source"], "/proc/net/tcp");
    let gateway = port(&v, 4410);
    assert_eq!(gateway["state"], "listening");
    assert_eq!(gateway["processes"], serde_json::json!([{ "pid": 4242, "name": "redis-server" }]));
    let stray = port(&v, 4437);
    assert_eq!((stray["unregistered"].as_bool(), stray["owner_known"].as_bool()), (Some(true), Some(false)));
    assert_eq!(port(&v, 4411)["state"], "free");
}

#[cfg(target_os = "linux")]
#[test]
fn a_moved_service_shows_at_its_effective_port() {
    let dir = project();
    let root = fake_proc(dir.path(), &[(4413, 9003)]);
    let env = [("PORTS_STATUS_PROCFS", root.to_str().unwrap()), ("WORKFLOW_PORT", "4413")];
    let o = ports(dir.path(), &["status"], &env);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("4413  listening  zero-workflow (moved by WORKFLOW_PORT=4413)"), "{text}");
    assert!(text.contains("4412  free       zero-workflow (moved to 4413 by WORKFLOW_PORT=4413)"), "{text}");
    let v = json(&ports(dir.path(), &["status", "--json"], &env));
    assert_eq!(port(&v, 4413)["service"], "zero-workflow");
    assert_eq!(port(&v, 4413)["unregistered"], false);
    assert_eq!(
        port(&v, 4413)["moved"],
        serde_json::json!({ "service": "zero-workflow", "from": 4412, "to": 4413, "by": "WORKFLOW_PORT=4413" })
    );
    // Moved outside the block: a row of its own.
    let v = json(&ports(
        dir.path(),
        &["status", "--json"],
        &[("PORTS_STATUS_PROCFS", root.to_str().unwrap()), ("GATEWAY_PORT", "5410")],
    ));
    assert_eq!(port(&v, 5410)["service"], "zero-gateway");
}

#[test]
fn only_a_truthy_procfs_setting_forces_proc() {
    let dir = project();
    for (value, backend) in
        [("0", "netlink sock_diag"), ("false", "netlink sock_diag"), ("1", "/proc/net/tcp"), ("yes", "/proc/net/tcp")]
    {
        let o = ports(dir.path(), &["status", "--json"], &[("PORTS_STATUS_PROCFS", value)]);
        let v = json(&o);
        if cfg!(target_os = "linux") {
            assert_eq!(v["source"], backend, "PORTS_STATUS_PROCFS={value}");
        }
    }
}

#[test]
fn resolve_exits_1_when_two_services_resolve_to_one_endpoint() {
    let dir = project();
    let env = [("GATEWAY_PORT", "5000"), ("CHANNELS_PORT", "5000")];
    let o = ports(dir.path(), &["resolve"], &env);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("collision: `zero-gateway` and `zero-channels` both resolve to port 5000: `zero-gateway` = 127.0.0.1:5000 from GATEWAY_PORT=5000 (env), `zero-channels` = 127.0.0.1:5000 from CHANNELS_PORT=5000 (env)"),
        "{text}"
    );
    let v = json(&ports(dir.path(), &["resolve", "--json"], &env));
    assert_eq!(v["collisions"][0]["first"], "zero-gateway");
    assert_eq!(v["collisions"][0]["second"], "zero-channels");
    // One of them alone: its collision still shows.
    assert_eq!(ports(dir.path(), &["resolve", "zero-gateway"], &env).status.code(), Some(1));
    // Different hosts on one port do not collide.
    let config = dir.path().join("cc.json");
    std::fs::write(&config, r#"{ "gateway": { "host": "127.0.0.2" } }"#).unwrap();
    let o = ports(dir.path(), &["resolve"], &[env[0], env[1], ("CODECODER_CONFIG", config.to_str().unwrap())]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains(&format!("GATEWAY_PORT=5000 (env); host from {}: gateway.host", config.display())));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_home_is_used_as_is() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project();
    let home = dir.path().join(std::ffi::OsStr::from_bytes(b"h\xffome"));
    std::fs::create_dir_all(home.join(".codecoder")).unwrap();
    std::fs::write(home.join(".codecoder/config.json"), r#"{ "gateway": { "port": 4417 } }"#).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ports"))
        .args(["resolve", "zero-gateway", "--json"])
        .current_dir(dir.path())
        .env_remove("PORTS_REGISTRY")
        .env_remove("CODECODER_CONFIG")
        .env_remove("GATEWAY_PORT")
        .env("HOME", &home)
        .output()
        .unwrap();
    let v = json(&o);
    assert_eq!(v["services"][0]["port"], 4417, "{v}");
}

#[test]
fn add_takes_repeated_env_and_config_as_aliases() {
    let dir = project();
    assert!(ports(dir.path(), &["init"], &[]).status.success());
    let o = ports(
        dir.path(),
        &[
            "add",
            "zero-scheduler",
            "--group",
            "rust",
            "--name",
            "Zero Scheduler",
            "--env",
            "SCHEDULER_PORT",
            "--env",
            "ZERO_SCHEDULER_PORT",
            "--config",
            "scheduler",
            "--config",
            "zero.scheduler",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("ports.json")).unwrap();
    assert!(
        text.contains(r#""env": ["SCHEDULER_PORT", "ZERO_SCHEDULER_PORT"], "config": ["scheduler", "zero.scheduler"]"#),
        "{text}"
    );
    let v = json(&ports(dir.path(), &["list", "--json"], &[]));
    let entry = v["services"].as_array().unwrap().iter().find(|s| s["id"] == "zero-scheduler").unwrap();
    assert_eq!(entry["env"], serde_json::json!(["SCHEDULER_PORT", "ZERO_SCHEDULER_PORT"]));
    // The alias resolves; `export env` writes the canonical name only.
    let v = json(&ports(dir.path(), &["resolve", "zero-scheduler", "--json"], &[("ZERO_SCHEDULER_PORT", "4418")]));
    assert_eq!(v["services"][0]["source"]["var"], "ZERO_SCHEDULER_PORT");
    let env = String::from_utf8_lossy(&ports(dir.path(), &["export", "env"], &[]).stdout).into_owned();
    assert!(env.contains("SCHEDULER_PORT=4413\n") && !env.contains("ZERO_SCHEDULER_PORT"), "{env}");
    // An alias taken by another service is refused.
    let o = ports(
        dir.path(),
        &["add", "x", "--group", "rust", "--name", "X", "--env", "X_PORT", "--env", "GATEWAY_PORT"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("duplicate env var `GATEWAY_PORT`"));
}

#[cfg(target_os = "linux")]
#[test]
fn status_reports_two_services_moved_onto_one_endpoint() {
    let dir = project();
    let root = fake_proc(dir.path(), &[]);
    let env = [("PORTS_STATUS_PROCFS", root.to_str().unwrap()), ("GATEWAY_PORT", "5000"), ("CHANNELS_PORT", "5000")];
    let o = ports(dir.path(), &["status"], &env);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("collision: `zero-gateway` and `zero-channels` both resolve to port 5000"), "{text}");
    let v = json(&ports(dir.path(), &["status", "--json"], &env));
    assert_eq!(v["collisions"].as_array().unwrap().len(), 1);
}

/// `ports status` on a hostile table (issue 20, item 3): a FIFO or `/dev/zero` as `net/tcp` is
/// an error naming it (no hang, no endless read), and a listening line that cannot be parsed is
/// a warning naming the table, exit 2, with the ports not seen held `unknown`, never `free`.
#[cfg(target_os = "linux")]
#[test]
fn a_hostile_socket_table_is_never_read_as_free() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let run = |root: &Path| {
        let dir = root.parent().unwrap();
        let mut child = support::cmd(dir, &["status", "--json"])
            .env("PORTS_STATUS_PROCFS", root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("status hung on {}", root.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    };
    let dir = project();
    // A FIFO and /dev/zero as net/tcp.
    for (name, make) in [("fifo", 0), ("zero", 1)] {
        let root = dir.path().join(name).join("proc");
        std::fs::create_dir_all(root.join("net")).unwrap();
        if make == 0 {
            assert!(Command::new("mkfifo").arg(root.join("net/tcp")).status().unwrap().success());
        } else {
            std::os::unix::fs::symlink("/dev/zero", root.join("net/tcp")).unwrap();
        }
        std::fs::write(root.join("net/tcp6"), "").unwrap();
        let o = run(&root);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let v = json(&o);
        assert!(v["ports"].as_array().unwrap().iter().all(|p| p["state"] != "free"), "{name}: {v}");
    }
    // A malformed listening line.
    let root = fake_proc(&dir.path().join("bad"), &[(4410, 9001)]);
    let tcp = std::fs::read_to_string(root.join("net/tcp")).unwrap();
    std::fs::write(root.join("net/tcp"), format!("{tcp}   9: 0100007F:zzzz 00000000:0000 0A garbage\n")).unwrap();
    let o = run(&root);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning:") && err.contains("net/tcp"), "{err}");
    let v = json(&o);
    assert_eq!(port(&v, 4410)["state"], "listening");
    assert_eq!(port(&v, 4411)["state"], "unknown", "{v}");
}

//! The `ports` binary against hostile conditions (issue 12): closed pipes and full disks,
//! symlinks and devices as targets, CRLF and permissions kept, stale temp files, a held lock,
//! FIFOs and devices as inputs, control characters in paths, non-UTF-8 registries.

use std::io::Read;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{cmd, project, run, text};

fn init(dir: &Path) -> PathBuf {
    assert!(run(dir, &["init"]).status.success());
    dir.join("ports.json")
}

/// Waits for a child with a deadline: a hang fails the test instead of blocking the suite.
fn wait_with_deadline(mut child: std::process::Child, seconds: u64) -> Output {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the command hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- output ----

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_2_with_one_line_not_a_panic() {
    let dir = project();
    for args in [&["list"][..], &["status", "--json"], &["doc"], &["export", "ts"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = cmd(dir.path(), args).stdout(full).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("cannot write to standard output") && !err.contains("panicked"), "{err}");
    }
    // Standard error full too: still no panic (exit 2, nothing to say it with).
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = cmd(dir.path(), &["list"]).stdout(full()).stderr(full()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = project();
    for args in [&["list"][..], &["status", "--json"], &["export", "ts"]] {
        let mut child = cmd(dir.path(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // Read one byte, then close the pipe, as `| head -c1` does.
        let mut stdout = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        let _ = stdout.read(&mut byte);
        drop(stdout);
        let o = wait_with_deadline(child, 20);
        let err = text(&o.stderr);
        assert!(!err.contains("panicked") && !err.contains("failed printing"), "{args:?}: {err}");
        assert!(matches!(o.status.code(), Some(0) | None), "{args:?}: {:?} {err}", o.status);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn add_reports_a_failed_confirmation_without_claiming_the_write_failed() {
    let dir = project();
    let path = init(dir.path());
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = cmd(dir.path(), &["add", "zero-scheduler", "--group", "rust", "--name", "Zero Scheduler"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("note: ports.json was written"), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(path).unwrap().contains("zero-scheduler"));
}

// ---- writes ----

#[cfg(unix)]
#[test]
fn add_through_a_symlink_writes_the_target_and_keeps_the_link() {
    let dir = project();
    let real_dir = dir.path().join("config");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("registry.json");
    std::fs::write(&real, ports_core::Registry::EMBEDDED_JSON).unwrap();
    let link = dir.path().join("ports.json");
    std::os::unix::fs::symlink("config/registry.json", &link).unwrap();
    let o = run(dir.path(), &["add", "zero-scheduler", "--group", "rust", "--name", "Zero Scheduler"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&real).unwrap().contains("\"zero-scheduler\""));
    // Through the link and through the real path at once: distinct ports, both recorded.
    let a = cmd(dir.path(), &["add", "svc-a", "--group", "rust", "--name", "A"]).spawn().unwrap();
    let b = cmd(dir.path(), &["--registry", "config/registry.json", "add", "svc-b", "--group", "rust", "--name", "B"])
        .spawn()
        .unwrap();
    assert!(wait_with_deadline(a, 30).status.success());
    assert!(wait_with_deadline(b, 30).status.success());
    let registry = ports_core::Registry::load(&real).unwrap();
    let port = |id: &str| registry.service(id).unwrap().port;
    assert_ne!(port("svc-a"), port("svc-b"));
}

#[cfg(unix)]
#[test]
fn writing_over_a_device_or_a_directory_is_refused() {
    let dir = project();
    let o = run(dir.path(), &["--registry", "/dev/null", "add", "x", "--group", "rust", "--name", "X"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not a regular file (a device)"), "{}", text(&o.stderr));
    let o = run(dir.path(), &["export", "env", "--out", "/dev/null"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("/dev/null is not a regular file (a device); not writing over it"),
        "{}",
        text(&o.stderr)
    );
    std::fs::create_dir(dir.path().join("out.env")).unwrap();
    let o = run(dir.path(), &["export", "env", "--out", "out.env"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("out.env is not a regular file (a directory)"), "{}", text(&o.stderr));
}

#[cfg(unix)]
#[test]
fn add_keeps_crlf_bom_and_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let path = dir.path().join("ports.json");
    let crlf = format!("\u{feff}{}", ports_core::Registry::EMBEDDED_JSON.replace('\n', "\r\n"));
    std::fs::write(&path, &crlf).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = run(dir.path(), &["add", "zero-scheduler", "--group", "rust", "--name", "Zero Scheduler"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with('\u{feff}'));
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count(), "every line ends in CRLF");
    let before_lines: Vec<&str> = crlf.split("\r\n").collect();
    let after_lines: Vec<&str> = after.split("\r\n").collect();
    assert_eq!(after_lines.len(), before_lines.len() + 1, "a one-line diff");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn stale_temp_files_of_killed_runs_are_removed_and_errors_name_the_users_file() {
    let dir = project();
    init(dir.path());
    let stale = dir.path().join(".ports.json.ports-tmp-AbC123");
    std::fs::write(&stale, "a whole registry copy").unwrap();
    let o = run(dir.path(), &["add", "zero-scheduler", "--group", "rust", "--name", "Zero Scheduler"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!stale.exists(), "the stale temp file is still there");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_held_lock_is_announced_and_given_up_after_the_timeout() {
    use fs4::FileExt;
    let dir = project();
    init(dir.path());
    let lock = std::fs::File::create(dir.path().join(".ports.json.lock")).unwrap();
    FileExt::lock(&lock).unwrap();
    let started = Instant::now();
    let child = cmd(dir.path(), &["add", "x", "--group", "rust", "--name", "X"])
        .env("PORTS_LOCK_TIMEOUT", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_with_deadline(child, 30);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("waiting for the lock on ports.json (held by another `ports` command?)"), "{err}");
    assert!(err.contains("gave up waiting for the lock on ports.json after 2 s"), "{err}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(!std::fs::read_to_string(dir.path().join("ports.json")).unwrap().contains("\"x\""));
    FileExt::unlock(&lock).unwrap();
    assert!(run(dir.path(), &["add", "x", "--group", "rust", "--name", "X"]).status.success());
}

/// The names in `dir` that start with a dot and end in `.lock`, or hold `ports-tmp`: what a
/// user would see in `git status` after a command.
fn leftovers_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lock") || n.contains("ports-tmp"))
        .collect()
}

#[test]
fn writing_commands_leave_no_lock_file_behind() {
    let dir = project();
    init(dir.path());
    assert!(run(dir.path(), &["add", "x-y", "--group", "rust", "--name", "X"]).status.success());
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    assert!(run(dir.path(), &["export", "env", "--out", "deploy/ports.env"]).status.success());
    assert_eq!(leftovers_in(dir.path()), Vec::<String>::new());
    assert_eq!(leftovers_in(&dir.path().join("deploy")), Vec::<String>::new());
    // A lock file left by a killed run does not block the next one, which removes it.
    std::fs::write(dir.path().join(".ports.json.lock"), "").unwrap();
    assert!(run(dir.path(), &["add", "x-z", "--group", "rust", "--name", "Z"]).status.success());
    assert_eq!(leftovers_in(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_is_named_as_the_registrys() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    init(dir.path());
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(dir.path(), &["add", "x-y", "--group", "rust", "--name", "X"]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if o.status.success() {
        return; // root ignores the mode: nothing to see here
    }
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: cannot write ports.json"), "{err}");
    assert!(!err.contains(".ports.json.lock"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_one_line_naming_it() {
    let dir = project();
    std::os::unix::fs::symlink("l", dir.path().join("l")).unwrap();
    for args in
        [&["--registry", "l", "add", "x-y", "--group", "rust", "--name", "X"][..], &["export", "env", "--out", "l"]]
    {
        let child = cmd(dir.path(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let o = wait_with_deadline(child, 30);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("l") && err.contains("symbolic links"), "{err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn help_into_a_full_disk_fails() {
    let dir = project();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = cmd(dir.path(), &["--help"]).stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("No space left on device"), "{}", text(&o.stderr));
}

#[cfg(unix)]
#[test]
fn an_absolute_registry_needs_no_working_directory() {
    let dir = project();
    let registry = init(dir.path());
    let gone = dir.path().join("gone");
    std::fs::create_dir(&gone).unwrap();
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    // The shell enters the directory, removes it, then runs `ports` there.
    let script = format!(
        "cd {gone} && rmdir {gone} && exec {ports} --registry {registry} list",
        gone = quote(&gone),
        ports = quote(Path::new(env!("CARGO_BIN_EXE_ports"))),
        registry = quote(&registry)
    );
    let o = Command::new("sh").arg("-c").arg(script).env("NO_COLOR", "1").output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("zero-gateway"), "{}", text(&o.stdout));
}

#[test]
fn init_honours_the_registry_flag() {
    let dir = project();
    let o = run(dir.path(), &["--registry", "custom.json", "init"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(dir.path().join("custom.json").exists() && !dir.path().join("ports.json").exists());
    let o = run(dir.path(), &["--registry", "custom.json", "check"]);
    assert!(text(&o.stdout).contains("custom.json: valid"), "{}", text(&o.stdout));
}

// ---- inputs ----

#[cfg(unix)]
#[test]
fn fifos_and_devices_as_inputs_fail_fast() {
    let dir = project();
    let fifo = dir.path().join("fifo.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    // (arguments, an env var to set, what the error must say)
    type Case<'a> = (Vec<&'a str>, Option<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (vec!["--registry", fifo, "list"], None, "it is a FIFO, not a regular file"),
        (vec!["list"], Some(("PORTS_REGISTRY", fifo)), "it is a FIFO, not a regular file"),
        (vec!["--registry", "/dev/zero", "check"], None, "it is a device, not a regular file"),
        (vec!["doc", "--check", fifo], None, "it is a FIFO, not a regular file"),
        (vec!["export", "env", "--check", "/dev/urandom"], None, "it is a device, not a regular file"),
        (vec!["resolve"], Some(("CODECODER_CONFIG", fifo)), "it is a FIFO, not a regular file"),
    ];
    for (args, env, message) in cases {
        let mut c = cmd(dir.path(), &args);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let o = wait_with_deadline(c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap(), 20);
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert!(matches!(o.status.code(), Some(1 | 2)), "{args:?}: {all}");
        assert!(all.contains(message), "{args:?}: {all}");
    }
}

#[test]
fn a_bom_is_fine_and_non_utf8_is_exit_1_with_the_offset_even_in_json() {
    let dir = project();
    let path = dir.path().join("ports.json");
    std::fs::write(&path, format!("\u{feff}{}", ports_core::Registry::EMBEDDED_JSON)).unwrap();
    assert!(run(dir.path(), &["check"]).status.success());
    let mut bytes = ports_core::Registry::EMBEDDED_JSON.as_bytes().to_vec();
    bytes[40] = 0xC3;
    bytes[41] = b'(';
    std::fs::write(&path, bytes).unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("not UTF-8 text: invalid byte at offset 40"), "{}", text(&o.stdout));
    let o = run(dir.path(), &["check", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"][0]["offset"], 40);
    let o = run(dir.path(), &["list"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[cfg(unix)]
#[test]
fn a_newline_in_the_registry_path_cannot_inject_into_an_export() {
    let dir = project();
    let evil = "x\ntouch INJECTED\n.json";
    std::fs::write(dir.path().join(evil), ports_core::Registry::EMBEDDED_JSON).unwrap();
    let o = run(dir.path(), &["--registry", evil, "export", "env", "--out", "ports.env"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let env = std::fs::read_to_string(dir.path().join("ports.env")).unwrap();
    assert!(env.lines().all(|l| l.starts_with('#') || l.contains('=')), "{env}");
    let status = Command::new("sh").arg("-c").arg(". ./ports.env").current_dir(dir.path()).status().unwrap();
    assert!(status.success());
    assert!(!dir.path().join("INJECTED").exists(), "sourcing the export ran a command");
}

#[test]
fn control_characters_in_the_registry_are_problems_and_never_printed_raw() {
    let dir = project();
    let text_with_esc = ports_core::Registry::EMBEDDED_JSON.replace("Web Frontend", "Web\\u001b[2JFrontend");
    std::fs::write(dir.path().join("ports.json"), text_with_esc).unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!o.stdout.contains(&0x1b), "raw ESC printed");
    assert!(
        text(&o.stdout).contains("service `web-frontend`: `name` holds a control character"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn overlapping_groups_by_the_thousand_stay_small() {
    let dir = project();
    let groups: Vec<String> =
        (0..2000).map(|i| format!(r#"{{ "id": "g{i}", "start": 4400, "end": 4449, "title": "g" }}"#)).collect();
    let registry = format!(
        r#"{{ "name": "n", "block": {{ "start": 4400, "end": 4449 }}, "groups": [{}], "services": [] }}"#,
        groups.join(",")
    );
    std::fs::write(dir.path().join("ports.json"), registry).unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.len() < 10_000, "{} bytes", o.stdout.len());
    assert!(text(&o.stdout).contains("... and 1979 more"), "{}", text(&o.stdout));
    let o = run(dir.path(), &["check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["problems"].as_array().unwrap().len(), 1999);
}

/// `ports init` touches the repository's `Cargo.lock` files (their bytes kept), the files that
/// crates built on the embedded registry read, so that cargo re-checks them against the new
/// registry (issue 20, item 10).
#[test]
fn init_touches_every_cargo_lock_of_the_repository() {
    let dir = project();
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let mut locks = Vec::new();
    for at in ["Cargo.lock", "services/Cargo.lock", "target/Cargo.lock"] {
        let path = dir.path().join(at);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("# {at}\n")).unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        locks.push(path);
    }
    let o = run(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("so that cargo re-checks the crates built on the embedded registry"));
    let modified = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    assert!(modified(&locks[0]) > old && modified(&locks[1]) > old, "the repository's locks are touched");
    assert_eq!(modified(&locks[2]), old, "target/ is not the repository's");
    assert_eq!(std::fs::read_to_string(&locks[1]).unwrap(), "# services/Cargo.lock\n");
}

//! `ports scan` on a fixture repository, git-initialised at test time: each finding kind, each
//! thing that is not a port literal, ignored, binary and generated files, `ports:ignore`, text
//! and JSON output, exit codes, `--strict`, `--exclude`, paths, and a run from a subdirectory.

use std::process::{Command, Output};

use serde_json::Value;

mod support;

use support::{run as ports, text, write};

fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// A repository with one case per line, as CodeCoder's own drift looked.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = Command::new("git").args(["init", "-q"]).current_dir(root).status();
    if !git.is_ok_and(|s| s.success()) {
        std::fs::create_dir(root.join(".git")).unwrap();
    }
    write(
        root,
        "ops.sh",
        b"#!/bin/sh\nREDIS_PORT=\"${REDIS_PORT:-4410}\"\nexport GATEWAY_PORT=4410\necho \"zero-gateway (4437)\"\ncurl localhost:4420 # ports:ignore\n",
    );
    write(root, "docs/RUNBOOK.md", b"| 4411 | Zero Channels |\nmoved to 4433 during the migration\n");
    write(
        root,
        "docs/not-ports.md",
        b"44100 14410 1.4410.2 v1.4410 0x4410 4410ms v4410 _4410 ranges 4404-4409 and :4400-4449 and 4410.5\n",
    );
    write(root, ".env", b"WEB_PORT=4401\n");
    write(root, ".github/workflows/ci.yml", b"ports: [\"4402:4402\"]\n");
    write(root, "web/src/api.ts", b"export const api = \"http://localhost:4400\";\n");
    write(root, "src/main.rs", b"const PORT: u16 = 4412;\n");
    write(root, "image.bin", b"\x00\x01binary 4410\x00");
    write(root, "latin1.txt", b"caf\xe9 4438\n");
    write(root, ".gitignore", b"build/\n");
    write(root, "build/out.sh", b"PORT=4439\n");
    let export = Command::new(env!("CARGO_BIN_EXE_ports")).args(["export", "env"]).current_dir(root).output().unwrap();
    write(root, "generated/ports.env", &export.stdout);
    dir
}

/// (path, line, kind, port) of each finding: the column is asserted where it matters.
fn findings(v: &Value) -> Vec<(String, u64, String, u64)> {
    support::findings(v).into_iter().map(|(path, line, _, kind, port)| (path, line, kind, port)).collect()
}

#[test]
fn every_kind_every_non_literal_and_every_skip() {
    let dir = fixture();
    let o = ports(dir.path(), &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, u64, String, u64)> = findings(&v);
    let expected: Vec<(&str, u64, &str, u64)> = vec![
        (".env", 1, "hard-coded", 4401),
        (".github/workflows/ci.yml", 1, "hard-coded", 4402),
        (".github/workflows/ci.yml", 1, "hard-coded", 4402),
        // `| 4411 | Zero Channels |` names the port's owner: it documents it, not reported.
        ("docs/RUNBOOK.md", 2, "unregistered", 4433),
        // Text in another encoding is text: scanned.
        ("latin1.txt", 1, "unregistered", 4438),
        ("ops.sh", 2, "mismatch", 4410),
        ("ops.sh", 3, "hard-coded", 4410),
        ("ops.sh", 4, "mismatch", 4437),
        ("src/main.rs", 1, "hard-coded", 4412),
        ("web/src/api.ts", 1, "hard-coded", 4400),
    ];
    let expected: Vec<(String, u64, String, u64)> =
        expected.into_iter().map(|(p, l, k, n)| (p.to_owned(), l, k.to_owned(), n)).collect();
    assert_eq!(found, expected);
    // Scanned: ops.sh, the two docs, .env, ci.yml, api.ts, main.rs, latin1.txt, .gitignore (not
    // the binary, the ignored build/ or the generated export).
    assert_eq!(v["files_scanned"], 9);

    let by = |path: &str, line: u64| {
        v["findings"].as_array().unwrap().iter().find(|f| f["path"] == path && f["line"] == line).unwrap().clone()
    };
    let redis = by("ops.sh", 2);
    assert_eq!(redis["service"], "zero-gateway");
    assert_eq!(redis["column"], 27);
    assert_eq!(
        redis["message"],
        "`REDIS_PORT` is set to 4410, but port 4410 belongs to `zero-gateway` (Zero Gateway), whose variable is `GATEWAY_PORT`"
    );
    assert_eq!(
        by("ops.sh", 4)["message"],
        "`zero-gateway` is registered on port 4410, not 4437; port 4437 is not registered (it lies in group `integration` (4430-4439), unallocated)"
    );
    assert_eq!(by("ops.sh", 3)["suggestion"], "`${GATEWAY_PORT}` from `ports export env`");
    assert_eq!(by("web/src/api.ts", 1)["suggestion"], "`services[\"codecoder-api\"].port` from `ports export ts`");
    assert_eq!(by("src/main.rs", 1)["suggestion"], "`ZeroWorkflow::PORT` from a #[service] type");
    assert!(by("docs/RUNBOOK.md", 2).get("suggestion").is_none());
}

#[test]
fn text_output_is_path_line_column_kind_message_then_a_summary() {
    let dir = fixture();
    let o = ports(dir.path(), &["scan"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 12, "{text}");
    assert_eq!(lines[11], "registry: the embedded registry");
    assert!(lines.contains(&"ops.sh:2:27: mismatch: `REDIS_PORT` is set to 4410, but port 4410 belongs to `zero-gateway` (Zero Gateway), whose variable is `GATEWAY_PORT`"), "{text}");
    assert!(lines.contains(&"ops.sh:3:21: hard-coded: port 4410 of `zero-gateway` is hard-coded (use `${GATEWAY_PORT}` from `ports export env`)"), "{text}");
    assert_eq!(lines[10], "9 files scanned: 2 unregistered, 2 mismatch, 6 hard-coded; 1 skipped (binary or too large)");
    // Deterministic whatever the walk's parallelism.
    assert_eq!(stdout(&ports(dir.path(), &["scan"])), text);
}

#[test]
fn exit_codes_strict_exclude_paths_and_subdirectories() {
    let dir = fixture();
    let root = dir.path();
    // Only hard-coded findings: exit 0, or 1 with --strict.
    let o = ports(root, &["scan", "src", "web", ".env"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .ends_with("3 files scanned: 0 unregistered, 0 mismatch, 3 hard-coded\nregistry: the embedded registry\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(ports(root, &["scan", "--strict", "src"]).status.code(), Some(1));
    // --exclude removes the problems.
    let o = ports(root, &["scan", "--exclude", "ops.sh", "--exclude", "docs/**", "--exclude", "*.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // From a subdirectory: the whole repository, paths relative to its root.
    let o = ports(&root.join("docs"), &["scan", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(findings(&v).len(), 10);
    assert_eq!(v["findings"][0]["path"], ".env");
    // A missing path: exit 2 naming it.
    let o = ports(root, &["scan", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file or directory: nope"));
}

#[test]
fn the_registry_in_force_is_not_scanned_but_a_changed_one_changes_the_findings() {
    let dir = fixture();
    let root = dir.path();
    assert!(ports(root, &["init"]).status.success());
    let o = ports(root, &["scan", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(findings(&v).iter().all(|f| f.0 != "ports.json"), "the registry itself is skipped");
    // Register 4433: the runbook's line is no longer unregistered.
    let o =
        ports(root, &["add", "zero-migration", "--group", "integration", "--name", "Zero Migration", "--port", "4433"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&ports(root, &["scan", "--json"]).stdout).unwrap();
    assert!(findings(&v).contains(&("docs/RUNBOOK.md".to_owned(), 2, "hard-coded".to_owned(), 4433)));
}

#[test]
fn a_port_variable_naming_someone_else_is_a_mismatch_even_when_the_owner_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(
        root,
        "ops/env.sh",
        b"REDIS_PORT=4400\nAPI_PORT=4400\nCODECODER_API_PORT=4400\nHTTP_PORT=4400\nWHISPER_PORT=4403\nDAEMON_PORT=4401\nWEB_PORT=4401\n",
    );
    let o = ports(root, &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: Vec<(u64, String)> = findings(&v).into_iter().map(|(_, line, kind, _)| (line, kind)).collect();
    let expected = [
        (1, "mismatch"),   // Redis on the API server's port
        (2, "hard-coded"), // API names `codecoder-api`
        (3, "hard-coded"),
        (4, "hard-coded"), // HTTP names nobody
        (5, "hard-coded"), // WHISPER names `whisper-stt`
        (6, "mismatch"),   // DAEMON names `zero-daemon`, 4401 is the web frontend's
        (7, "hard-coded"),
    ];
    assert_eq!(kinds, expected.map(|(l, k)| (l, k.to_owned())));
    assert_eq!(
        v["findings"][0]["message"],
        "`REDIS_PORT` is set to 4400, but port 4400 belongs to `codecoder-api` (CodeCoder API Server), which has no port variable"
    );
    assert_eq!(v["findings"][0]["service"], "codecoder-api");
}

/// A FIFO given by name is not opened, and the scan says so (exit 2), instead of a silent
/// "0 files scanned".
#[cfg(unix)]
#[test]
fn a_fifo_given_by_name_is_a_warning() {
    let dir = fixture();
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let o = ports(dir.path(), &["scan", "pipe"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("not scanned:") && text(&o.stderr).contains("a FIFO"), "{}", text(&o.stderr));
}

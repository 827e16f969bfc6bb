//! `ports move`, `remove`, `set` and `scan --fix` on a polyglot repository: what follows the
//! registry, what is left and listed, bytes kept but for the digits, nothing written on a bad
//! request, `--dry-run` writing nothing, two moves at once, and a move there and back giving
//! back every byte.

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;

mod support;

use support::{json, project, run, text, write};

fn read(root: &Path, path: &str) -> Vec<u8> {
    std::fs::read(root.join(path)).unwrap()
}

/// The monorepo's shape: scripts and docs at the root, TypeScript in packages/, the Cargo
/// workspace in services/ (its own Cargo.lock), one ports.json at the root.
fn monorepo() -> tempfile::TempDir {
    let dir = project();
    let root = dir.path();
    assert!(run(root, &["init"]).status.success());
    write(
        root,
        "ops.sh",
        b"#!/bin/sh\nREDIS_PORT=\"${REDIS_PORT:-4410}\"\nexport GATEWAY_PORT=4410\ncurl localhost:4410 # ports:ignore\necho \"zero-gateway (4437)\"\nX=44100 Y=4410ms Z=1.4410.2\n",
    );
    write(root, ".env", b"\xef\xbb\xbfGATEWAY_PORT=4410\r\nCHANNELS_PORT=4411\r\n");
    write(root, "packages/web/src/config.ts", b"export const gateway = { port: 4410 };\n");
    write(root, "deploy/compose.yaml", b"services:\n  gateway:\n    ports: [\"4410:4410\"]\n");
    write(root, "deploy/settings.toml", b"[gateway]\nport = 4410\n");
    write(root, "deploy/settings.json", b"{ \"gateway\": { \"port\": 4410 } }\n");
    write(root, "docs/RUNBOOK.md", b"| 4410 | Zero Gateway |\nZero Channels listens on 4417\n");
    write(root, "services/Cargo.lock", b"");
    write(
        root,
        "services/gateway/src/lib.rs",
        b"#[ports_macros::service(\n    port = 4410,\n    group = \"rust\",\n)]\npub struct ZeroGateway;\n",
    );
    write(root, "image.bin", b"\x00PORT=4410\x00");
    write(root, ".gitignore", b"build/\n");
    write(root, "build/out.sh", b"PORT=4410\n");
    dir
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn move_rewrites_what_belongs_to_the_service_and_lists_what_it_left() {
    let dir = monorepo();
    let root = dir.path();
    let o = run(root, &["move", "zero-gateway", "4433", "--json"]);
    ok(&o);
    let v = json(&o);
    assert_eq!((v["from"].as_u64(), v["to"].as_u64()), (Some(4410), Some(4433)));
    assert_eq!((v["from_group"].as_str(), v["group"].as_str()), (Some("rust"), Some("integration")));
    let rewritten: Vec<String> =
        v["rewritten"].as_array().unwrap().iter().map(|l| l["path"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        rewritten,
        [
            ".env",
            "deploy/compose.yaml",
            "deploy/compose.yaml",
            "deploy/settings.json",
            "deploy/settings.toml",
            "docs/RUNBOOK.md",
            "ops.sh",
            "packages/web/src/config.ts",
            "services/gateway/src/lib.rs",
        ]
    );
    let left: Vec<(String, u64)> = v["left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["path"].as_str().unwrap().to_owned(), l["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(left, [("ops.sh".to_owned(), 2), ("ops.sh".to_owned(), 4)]);
    assert!(v["left"][0]["reason"].as_str().unwrap().contains("REDIS_PORT"), "{}", v["left"][0]);

    // Bytes kept but for the digits: BOM, CRLF, non-ports, the foreign and ignored lines.
    assert_eq!(read(root, ".env"), b"\xef\xbb\xbfGATEWAY_PORT=4433\r\nCHANNELS_PORT=4411\r\n");
    assert_eq!(
        text(&read(root, "ops.sh")),
        "#!/bin/sh\nREDIS_PORT=\"${REDIS_PORT:-4410}\"\nexport GATEWAY_PORT=4433\ncurl localhost:4410 # ports:ignore\necho \"zero-gateway (4437)\"\nX=44100 Y=4410ms Z=1.4410.2\n"
    );
    assert_eq!(
        text(&read(root, "services/gateway/src/lib.rs")),
        "#[ports_macros::service(\n    port = 4433,\n    group = \"integration\",\n)]\npub struct ZeroGateway;\n"
    );
    assert_eq!(read(root, "build/out.sh"), b"PORT=4410\n", "an ignored file stays");
    assert_eq!(read(root, "image.bin"), b"\x00PORT=4410\x00", "a binary file stays");
    // The registry follows, and the crate in services/ sees it (the root is the .git's).
    let listed = json(&run(&root.join("services/gateway"), &["list", "--json"]));
    assert_eq!(listed["registry"], "ports.json", "named from the root");
    let gateway = listed["services"].as_array().unwrap().iter().find(|s| s["id"] == "zero-gateway").unwrap().clone();
    assert_eq!((gateway["port"].as_u64(), gateway["group"].as_str()), (Some(4433), Some("integration")));
    // Nothing left behind in the work tree.
    let strays: Vec<String> =
        walk(root).into_iter().filter(|p| p.ends_with(".json.lock") || p.contains("ports-tmp")).collect();
    assert_eq!(strays, Vec::<String>::new());
}

fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != ".git" {
                    stack.push(path);
                }
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    walk(root).into_iter().map(|p| (p.clone(), read(root, &p))).collect()
}

#[test]
fn dry_run_prints_one_diff_registry_first_and_writes_nothing() {
    let dir = monorepo();
    let root = dir.path();
    let before = snapshot(root);
    let o = run(root, &["move", "zero-gateway", "4433", "--dry-run"]);
    ok(&o);
    let out = text(&o.stdout);
    assert!(out.starts_with("--- a/ports.json\n+++ b/ports.json\n"), "{out}");
    assert!(out.contains("--- a/ops.sh\n+++ b/ops.sh\n"), "{out}");
    assert!(out.contains("-export GATEWAY_PORT=4410\n+export GATEWAY_PORT=4433\n"), "{out}");
    assert!(
        out.contains("-    port = 4410,\n-    group = \"rust\",\n+    port = 4433,\n+    group = \"integration\",\n"),
        "{out}"
    );
    assert!(out.contains("would rewrite 9 occurrence(s) of 4410 in 8 file(s)"), "{out}");
    assert!(out.contains("left 2 occurrence(s) of 4410 as they are:"), "{out}");
    assert_eq!(snapshot(root), before, "--dry-run wrote something");
}

#[test]
fn a_bad_move_is_exit_2_and_writes_nothing() {
    let dir = monorepo();
    let root = dir.path();
    let before = snapshot(root);
    for (args, says) in [
        (&["move", "zero-gateway", "4411"][..], "port 4411 belongs to `zero-channels` (Zero Channels)"),
        (&["move", "zero-gateway", "4450"], "port 4450 lies outside the block 4400-4449"),
        (&["move", "zero-gatewya", "4433"], "zero-gatewya"),
        (&["move", "zero-gateway", "4433", "nope"], "no such file or directory: nope"),
        (&["move", "zero-gateway", "99999"], "99999"),
    ] {
        let o = run(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(says), "{args:?}: {}", text(&o.stderr));
        assert_eq!(snapshot(root), before, "{args:?} wrote something");
    }
    // The embedded registry cannot be moved in.
    let bare = project();
    let o = run(bare.path(), &["move", "zero-gateway", "4433"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("run `ports init`"), "{}", text(&o.stderr));
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_written_leaves_everything_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = monorepo();
    let root = dir.path();
    let before = snapshot(root);
    let locked = root.join("packages/web/src");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(root, &["move", "zero-gateway", "4433"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if o.status.success() {
        return; // root writes anywhere: nothing to see
    }
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("packages/web/src/config.ts") && err.contains("no file was changed"), "{err}");
    assert_eq!(snapshot(root), before);
}

#[test]
fn two_moves_at_once_lose_nothing() {
    let dir = monorepo();
    let root = dir.path();
    let a = support::cmd(root, &["move", "zero-gateway", "4433"]).spawn().unwrap();
    let b = support::cmd(root, &["move", "zero-channels", "4434"]).spawn().unwrap();
    for mut child in [a, b] {
        assert!(child.wait().unwrap().success());
    }
    let v = json(&run(root, &["list", "--json"]));
    let port = |id: &str| v["services"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()["port"].as_u64();
    assert_eq!((port("zero-gateway"), port("zero-channels")), (Some(4433), Some(4434)));
    assert_eq!(read(root, ".env"), b"\xef\xbb\xbfGATEWAY_PORT=4433\r\nCHANNELS_PORT=4434\r\n");
}

#[test]
fn remove_lists_what_is_left_and_frees_the_port() {
    let dir = monorepo();
    let root = dir.path();
    let o = run(root, &["remove", "zero-gateway"]);
    ok(&o);
    let out = text(&o.stdout);
    assert!(out.starts_with("removed `zero-gateway`; port 4410 is free\n"), "{out}");
    assert!(out.contains("  ops.sh:3:21\n"), "{out}");
    assert!(out.contains("  services/gateway/src/lib.rs:2:12\n"), "{out}");
    assert!(!out.contains("ops.sh:2:"), "REDIS_PORT's line names someone else: {out}");
    assert_eq!(text(&run(root, &["next", "rust"]).stdout), "4410\n");
    assert_eq!(run(root, &["remove", "zero-gateway"]).status.code(), Some(2));
}

#[test]
fn set_edits_a_service_and_adds_aliases_validated_like_add() {
    let dir = monorepo();
    let root = dir.path();
    ok(&run(
        root,
        &[
            "set",
            "zero-gateway",
            "--name",
            "Zero Edge",
            "--add-env",
            "ZERO_GATEWAY_PORT",
            "--add-config",
            "zero.gateway",
        ],
    ));
    let v = json(&run(root, &["list", "--json"]));
    let gw = v["services"].as_array().unwrap().iter().find(|s| s["id"] == "zero-gateway").unwrap().clone();
    assert_eq!(gw["name"], "Zero Edge");
    assert_eq!(gw["env"], serde_json::json!(["GATEWAY_PORT", "ZERO_GATEWAY_PORT"]));
    assert_eq!(gw["config"], serde_json::json!(["gateway", "zero.gateway"]));
    let before = snapshot(root);
    let o = run(root, &["set", "zero-gateway", "--add-env", "CHANNELS_PORT"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("CHANNELS_PORT"), "{}", text(&o.stderr));
    assert_eq!(run(root, &["set", "nope", "--name", "X"]).status.code(), Some(2));
    assert_eq!(snapshot(root), before);
}

#[test]
fn scan_fix_rewrites_contradictions_and_reports_the_rest() {
    let dir = monorepo();
    let root = dir.path();
    let before = snapshot(root);
    let o = run(root, &["scan", "--fix", "--dry-run"]);
    let out = text(&o.stdout);
    assert!(out.contains("-echo \"zero-gateway (4437)\"\n+echo \"zero-gateway (4410)\"\n"), "{out}");
    assert!(out.contains("-Zero Channels listens on 4417\n+Zero Channels listens on 4411\n"), "{out}");
    assert!(out.contains("would fix 2 number(s) in 2 file(s)"), "{out}");
    assert_eq!(o.status.code(), Some(1), "REDIS_PORT is still a problem: {out}");
    assert_eq!(snapshot(root), before);
    let o = run(root, &["scan", "--fix"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&read(root, "ops.sh")).contains("echo \"zero-gateway (4410)\""));
    assert!(text(&read(root, "docs/RUNBOOK.md")).contains("Zero Channels listens on 4411"));
    // What is left is the foreign name: one mismatch.
    let v = json(&run(root, &["scan", "--json"]));
    let kinds: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .filter(|k| *k != "hard-coded")
        .collect();
    assert_eq!(kinds, ["mismatch"]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// When the new port occurs nowhere before, moving there and back gives back every byte.
    #[test]
    fn a_move_there_and_back_is_the_identity(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("GATEWAY_PORT=4410".to_owned()),
                Just("REDIS_PORT=4410".to_owned()),
                Just("zero-gateway on 4410, channels on 4411".to_owned()),
                Just("x 44100 4410ms 1.4410.2 y".to_owned()),
                Just("curl :4410 # ports:ignore".to_owned()),
                "[a-z :=]{0,20}",
            ],
            0..12,
        ),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let dir = project();
        let root = dir.path();
        prop_assert!(run(root, &["init"]).status.success());
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(lines.join(eol).as_bytes());
        write(root, "a.sh", &bytes);
        write(root, "docs/b.md", &bytes);
        let before = snapshot(root);
        prop_assert!(run(root, &["move", "zero-gateway", "4436"]).status.success());
        prop_assert!(run(root, &["move", "zero-gateway", "4410"]).status.success());
        prop_assert_eq!(snapshot(root), before);
    }
}

/// The workspace of this repository (for path dependencies on its crates).
fn workspace() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cargo_check(dir: &Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target/tests/replan"))
        .env_remove("PORTS_REGISTRY")
        .output()
        .unwrap();
    (out.status.success(), text(&out.stderr))
}

#[test]
fn a_crate_in_services_still_compiles_after_a_move() {
    let dir = project();
    let root = dir.path();
    assert!(run(root, &["init"]).status.success());
    let ws = workspace();
    let crate_dir = root.join("services/gateway");
    write(
        root,
        "services/gateway/Cargo.toml",
        format!(
            "[package]\nname = \"gateway\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nports-core = {{ path = {:?} }}\nports-macros = {{ path = {:?} }}\n\n[workspace]\n",
            ws.join("ports-core"),
            ws.join("ports-macros")
        )
        .as_bytes(),
    );
    std::fs::copy(ws.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    write(
        root,
        "services/gateway/src/main.rs",
        b"use ports_core::Service;\n\n#[ports_macros::service(\n    port = 4410,\n    group = \"rust\",\n)]\npub struct ZeroGateway;\n\nfn main() {\n    println!(\"{}\", ZeroGateway::PORT);\n}\n",
    );
    let (ok, err) = cargo_check(&crate_dir);
    assert!(ok, "before the move: {err}");
    let o = run(root, &["move", "zero-gateway", "4433"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    let main = text(&read(root, "services/gateway/src/main.rs"));
    assert!(main.contains("port = 4433,\n    group = \"integration\","), "{main}");
    let (ok, err) = cargo_check(&crate_dir);
    assert!(ok, "after the move: {err}");
    // The registry alone moved (a hand edit half-way) does not compile: the claim is checked.
    std::fs::write(crate_dir.join("src/main.rs"), main.replace("port = 4433", "port = 4410")).unwrap();
    let (ok, err) = cargo_check(&crate_dir);
    assert!(!ok && err.contains("4410"), "a stale claim must fail: {err}");
}

/// A file's mode survives its rewrite, and a symlink given as PATH stays a link: the file it
/// names is rewritten.
#[cfg(unix)]
#[test]
fn a_move_keeps_modes_and_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = monorepo();
    let root = dir.path();
    std::fs::set_permissions(root.join("ops.sh"), std::fs::Permissions::from_mode(0o754)).unwrap();
    std::os::unix::fs::symlink("ops.sh", root.join("ops-link.sh")).unwrap();
    let o = run(root, &["move", "zero-gateway", "4433", "ops-link.sh"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(std::fs::symlink_metadata(root.join("ops-link.sh")).unwrap().file_type().is_symlink());
    assert!(text(&read(root, "ops.sh")).contains("export GATEWAY_PORT=4433"));
    let mode = std::fs::metadata(root.join("ops.sh")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o754);
    // Only the PATH given was rewritten.
    assert!(text(&read(root, "packages/web/src/config.ts")).contains("4410"));
}

#[test]
fn a_fix_and_a_move_at_once_lose_nothing() {
    // Each round: `.env` has a number to fix (the gateway's) and one to move (the channels').
    for _ in 0..4 {
        let dir = monorepo();
        let root = dir.path();
        write(root, ".env", b"GATEWAY_PORT=4415\nCHANNELS_PORT=4411\n");
        let fix = support::cmd(root, &["scan", "--fix"]).spawn().unwrap();
        let mv = support::cmd(root, &["move", "zero-channels", "4434"]).spawn().unwrap();
        let (fix, mv) = (fix.wait_with_output().unwrap(), mv.wait_with_output().unwrap());
        assert!(mv.status.success(), "{}", text(&mv.stderr));
        assert_ne!(fix.status.code(), Some(2), "{}", text(&fix.stderr));
        // Whichever ran first, both changes are there, and the registry agrees with the file.
        assert_eq!(read(root, ".env"), b"GATEWAY_PORT=4410\nCHANNELS_PORT=4434\n");
        let v = json(&run(root, &["list", "--json"]));
        let channels = v["services"].as_array().unwrap().iter().find(|s| s["id"] == "zero-channels").unwrap();
        assert_eq!(channels["port"], 4434);
        // And nothing is left behind: no lock, no temp file.
        let names: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("lock") || n.contains("ports-tmp"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}

#[test]
fn text_in_another_encoding_is_scanned_and_moved_keeping_its_bytes() {
    let dir = monorepo();
    let root = dir.path();
    write(root, "config/latin1.env", b"# caf\xe9\nGATEWAY_PORT=4410 # d\xe9faut\n");
    let v = json(&run(root, &["scan", "--json", "config"]));
    assert_eq!(v["files_scanned"], 1);
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["findings"][0]["column"], 14);
    ok(&run(root, &["move", "zero-gateway", "4433"]));
    assert_eq!(read(root, "config/latin1.env"), b"# caf\xe9\nGATEWAY_PORT=4433 # d\xe9faut\n");
}

#[test]
fn claims_in_every_shape_the_macro_accepts_follow_a_move() {
    let dir = monorepo();
    let root = dir.path();
    let source = "#[cfg_attr(feature = \"alt\", service(\n    // the Zero group\n    group = r\"rust\",\n    port = 4410u16, /* registered */\n))]\npub struct ZeroGateway;\n\n#[service(port = 4410_u16 /* x */, group = r#\"rust\"#, id = \"zero-gateway\")]\npub struct Gateway2;\n";
    write(root, "services/gateway/src/alt.rs", source.as_bytes());
    // Claims that agree with the registry: not reported.
    let v = json(&run(root, &["scan", "--json", "services"]));
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    ok(&run(root, &["move", "zero-gateway", "4433"]));
    assert_eq!(
        text(&read(root, "services/gateway/src/alt.rs")),
        source
            .replace("4410", "4433")
            .replace("r\"rust\"", "r\"integration\"")
            .replace("r#\"rust\"#", "r#\"integration\"#")
    );
    // `#4410` is an issue number, not a port: never moved.
    write(root, "NOTES.md", b"Zero Gateway: fixed in PR #4410.\n");
    ok(&run(root, &["move", "zero-gateway", "4434"]));
    assert_eq!(read(root, "NOTES.md"), b"Zero Gateway: fixed in PR #4410.\n");
}

#[test]
fn every_command_that_writes_the_registry_keeps_its_layout() {
    // The registry as `jq .` or serde_json's pretty printer writes it: one key per line.
    let dir = project();
    let root = dir.path();
    let value: serde_json::Value = serde_json::from_str(ports_core::Registry::EMBEDDED_JSON).unwrap();
    let original = serde_json::to_string_pretty(&value).unwrap() + "\n";
    write(root, "ports.json", original.as_bytes());
    let file = || text(&read(root, "ports.json"));

    ok(&run(root, &["add", "zero-scheduler", "--group", "rust", "--name", "Zero Scheduler"]));
    let block = "    {\n      \"port\": 4413,\n      \"id\": \"zero-scheduler\",\n      \"name\": \"Zero Scheduler\",\n      \"group\": \"rust\"\n    },\n";
    assert!(file().contains(block), "{}", file());
    assert_eq!(file().replace(block, ""), original, "only the new entry was written");

    ok(&run(root, &["set", "zero-scheduler", "--description", "cron"]));
    assert!(file().contains("      \"group\": \"rust\",\n      \"description\": \"cron\"\n    },\n"), "{}", file());

    ok(&run(root, &["move", "zero-scheduler", "4414"]));
    assert!(file().contains("      \"port\": 4414,\n      \"id\": \"zero-scheduler\",\n"), "{}", file());

    ok(&run(root, &["remove", "zero-scheduler"]));
    assert_eq!(file(), original, "add, set, move, remove: back to the same bytes");
}

#[test]
fn numbers_that_are_no_ports_stay_where_a_move_passes() {
    let dir = monorepo();
    let root = dir.path();
    let notes = "Zero Gateway: fixed in PR #4410.\n";
    let script = "GATEWAY_PORT=4410 # issue #4410\nGATEWAY_TIMEOUT=4410\nGATEWAY_OFFSET=-4410\n";
    let yaml = "zero-gateway: {port: 4410, retries: 4410, maxDelay: 4410}\n";
    write(root, "NOTES.md", notes.as_bytes());
    write(root, "gw.sh", script.as_bytes());
    write(root, "gw.yml", yaml.as_bytes());
    ok(&run(root, &["move", "zero-gateway", "4433"]));
    assert_eq!(text(&read(root, "NOTES.md")), notes);
    assert_eq!(text(&read(root, "gw.sh")), script.replacen("=4410 #", "=4433 #", 1));
    assert_eq!(text(&read(root, "gw.yml")), yaml.replacen("port: 4410", "port: 4433", 1));
}

#[cfg(unix)]
#[test]
fn a_move_that_cannot_read_everything_writes_nothing() {
    let dir = monorepo();
    let root = dir.path();
    // A FIFO named as a PATH (outside the snapshot, which would block reading it).
    let elsewhere = tempfile::tempdir().unwrap();
    let pipe = elsewhere.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let before = snapshot(root);
    let o = run(root, &["move", "zero-gateway", "4433", ".env", pipe.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("cannot move `zero-gateway`")
            && err.contains("pipe: it is a FIFO")
            && err.contains("nothing written"),
        "{err}"
    );
    assert_eq!(snapshot(root), before);
    // What can be read, alone: moved.
    ok(&run(root, &["move", "zero-gateway", "4433", ".env"]));
}

#[test]
fn the_files_ports_writes_beside_others_are_not_walked() {
    let dir = monorepo();
    let root = dir.path();
    // A lock and a temp file of a concurrent (or killed) command: there for a moment only.
    write(root, "deploy/.settings.toml.lock", b"PORT=4410\n");
    write(root, "deploy/.settings.toml.ports-tmp-AbC123", b"[gateway]\nport = 4410\n");
    let v = json(&run(root, &["scan", "--json", "deploy"]));
    let paths: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.iter().all(|p| !p.contains(".lock") && !p.contains("ports-tmp")), "{paths:?}");
    assert_eq!(v["files_scanned"], 3);
}

//! Editing the registry file, or changing `PORTS_REGISTRY`, makes cargo re-check the crates that
//! use it: a scratch crate is built with cargo, the registry edited, and built again.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cargo_check(dir: &Path, registry_env: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.arg("check").arg("--quiet").current_dir(dir);
    // Shared between runs (kept under the workspace's target dir) so that a rerun is quick.
    cmd.env("CARGO_TARGET_DIR", workspace().join("target/tests/rebuild"));
    cmd.env_remove("PORTS_REGISTRY");
    if let Some(value) = registry_env {
        cmd.env("PORTS_REGISTRY", value);
    }
    let out = cmd.output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A scratch crate in `dir`: its own workspace, the repository's Cargo.lock, these
/// dependencies (names of this workspace's crates, by path) and this `main.rs`.
fn scratch(dir: &Path, dependencies: &[&str], main: &str) {
    let ws = workspace();
    let deps: Vec<String> =
        dependencies.iter().map(|name| format!("{name} = {{ path = {:?} }}", ws.join(name))).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}\n\n[workspace]\n",
            deps.join("\n")
        ),
    )
    .unwrap();
    std::fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
}

fn registry(port: u16) -> String {
    format!(
        r#"{{ "name": "scratch", "block": {{ "start": 7000, "end": 7009 }},
             "groups": [{{ "id": "web", "start": 7000, "end": 7009, "title": "Web" }}],
             "services": [{{ "port": {port}, "id": "shop", "name": "Shop", "group": "web" }}] }}"#
    )
}

#[test]
fn editing_the_registry_or_ports_registry_rechecks_the_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    scratch(
        dir,
        &["ports-core", "ports-macros"],
        "#[ports_macros::service(port = 7000, group = \"web\")]\nstruct Shop;\n\nfn main() {}\n",
    );
    std::fs::write(dir.join("ports.json"), registry(7000)).unwrap();

    let (ok, stderr) = cargo_check(dir, None);
    assert!(ok, "first build failed:\n{stderr}");

    // Move `shop` to 7001: the unchanged source must now fail.
    std::fs::write(dir.join("ports.json"), registry(7001)).unwrap();
    let (ok, stderr) = cargo_check(dir, None);
    assert!(!ok, "the edit of ports.json did not re-check the crate");
    assert!(stderr.contains("`shop` is registered as port 7001 in group `web`: write port = 7001"), "{stderr}");

    // PORTS_REGISTRY names another file, where shop is on 7000 again: passes.
    std::fs::write(dir.join("other.json"), registry(7000)).unwrap();
    let (ok, stderr) = cargo_check(dir, Some("other.json"));
    assert!(ok, "PORTS_REGISTRY change did not re-check the crate:\n{stderr}");

    // And unset again: back to ports.json, failing.
    let (ok, _) = cargo_check(dir, None);
    assert!(!ok, "unsetting PORTS_REGISTRY did not re-check the crate");
}

/// A crate that depends on ports-macros but not on ports-core: besides rustc's E0433 on
/// `::ports_core`, one error says what is missing and how to point at a re-export.
#[test]
fn a_crate_without_ports_core_is_told_what_to_add() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    scratch(
        dir,
        &["ports-macros"],
        "#[ports_macros::service(port = 4410, group = \"rust\")]\nstruct ZeroGateway;\n\nfn main() {}\n",
    );
    let (ok, stderr) = cargo_check(dir, None);
    assert!(!ok);
    assert!(
        stderr.contains("this crate does not depend on ports-core, which the generated code names as `::ports_core`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("does not depend on ports-core").count(), 1, "{stderr}");
}

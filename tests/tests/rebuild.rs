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

/// A scratch crate `name` in `dir`: its own workspace, the repository's Cargo.lock, these
/// dependencies (names of this workspace's crates, by path) and this `main.rs`. Each test names
/// its crate apart: the tests share a target directory, where cargo keys a crate's build state
/// by its name, not its directory.
fn scratch(dir: &Path, name: &str, dependencies: &[&str], main: &str) {
    let ws = workspace();
    let deps: Vec<String> = dependencies.iter().map(|dep| format!("{dep} = {{ path = {:?} }}", ws.join(dep))).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}\n\n[workspace]\n",
            deps.join("\n"),
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
        "scratch-edit",
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
        "scratch-no-core",
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

/// Sets the modification time of `file` to now, its content untouched (what `touch` does).
fn touch(file: &Path) {
    std::fs::File::options().write(true).open(file).unwrap().set_modified(std::time::SystemTime::now()).unwrap();
}

/// The stale build after `ports init`: a crate checked against the embedded registry cannot make
/// cargo watch a `ports.json` that does not exist yet. While on the embedded registry the
/// generated code reads the nearest `Cargo.lock` at or above the crate instead, and `ports init`,
/// after writing the registry, sets that file's modification time to now: the next `cargo check`
/// re-runs the macros against the new file.
#[test]
fn a_registry_that_appears_is_seen_once_init_touches_the_cargo_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    scratch(
        dir,
        "scratch-init",
        &["ports-core", "ports-macros"],
        "#[ports_macros::service(port = 4410, group = \"rust\")]\nstruct ZeroGateway;\n\nfn main() {}\n",
    );
    let (ok, stderr) = cargo_check(dir, None);
    assert!(ok, "first build, on the embedded registry, failed:\n{stderr}");

    // The new registry (no `zero-gateway`) alone: cargo has no reason to re-check the crate.
    // This is why `ports init` touches the Cargo.lock.
    std::fs::write(dir.join("ports.json"), registry(7000)).unwrap();
    let (ok, _) = cargo_check(dir, None);
    assert!(ok, "expected the build to be fresh until the Cargo.lock is touched");

    // What `ports init` does after writing the file: the crate is re-checked against it.
    touch(&dir.join("Cargo.lock"));
    let (ok, stderr) = cargo_check(dir, None);
    assert!(!ok, "touching the Cargo.lock did not re-check the crate");
    assert!(stderr.contains("unknown group `rust` (groups: web (7000-7009))"), "{stderr}");

    // And back: with the claim fixed for the new registry, it passes.
    std::fs::write(
        dir.join("src/main.rs"),
        "#[ports_macros::service(port = 7000, group = \"web\")]\nstruct Shop;\n\nfn main() {}\n",
    )
    .unwrap();
    let (ok, stderr) = cargo_check(dir, None);
    assert!(ok, "{stderr}");
}

/// A crate in a directory whose name is not UTF-8: the generated code names the registry in a
/// string literal (`include_bytes!`), which cannot hold that path. One error says so and what to
/// do — never a read of a lossily converted path. (Cargo itself then fails on such a crate's
/// dep-info, "path ... not utf-8", even for a crate without macros: what is asserted here is
/// only what rustc and the macros say.)
#[cfg(target_os = "linux")]
#[test]
fn a_registry_at_a_path_that_is_not_utf8_is_one_error_that_says_so() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(std::ffi::OsStr::from_bytes(b"mac-\xff"));
    std::fs::create_dir(&dir).unwrap();
    scratch(
        &dir,
"scratch-non-utf8",
        &["ports-core", "ports-macros"],
        "#[ports_macros::service(port = 7000, group = \"web\")]\npub struct Shop;\n\n#[ports_macros::service(port = 7001, group = \"web\", id = \"cart\")]\npub struct Cart;\n\nfn main() {}\n",
    );
    let with_cart = registry(7000).replace(
        "\"services\": [",
        "\"services\": [{ \"port\": 7001, \"id\": \"cart\", \"name\": \"Cart\", \"group\": \"web\" }, ",
    );
    std::fs::write(dir.join("ports.json"), &with_cart).unwrap();
    let (ok, stderr) = cargo_check(&dir, None);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("error: the ports registry `ports.json` lies at `") && stderr.contains("/mac-\\xff/ports.json`, a path that is not UTF-8 (`mac-\\xff`): the code this macro generates names the registry in a string (`include_bytes!`), which cannot hold that path; rename that directory so that its name is UTF-8 (cargo cannot track the files of a crate under it either), or name a registry at a UTF-8 path with PORTS_REGISTRY (an absolute path)"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("is not UTF-8").count(), 1, "one error for the file, not one per attribute:\n{stderr}");
    assert!(!stderr.contains("couldn't read"), "{stderr}");
    assert!(stderr.contains("could not compile `scratch-non-utf8`"), "{stderr}");

    // PORTS_REGISTRY naming a copy at a UTF-8 path: rustc compiles the crate.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("ports.json");
    std::fs::write(&copy, &with_cart).unwrap();
    let (_, stderr) = cargo_check(&dir, copy.to_str());
    assert!(!stderr.contains("could not compile") && !stderr.contains("not UTF-8 ("), "{stderr}");

    // On the embedded registry no file is named (the Cargo.lock that would be watched is under
    // the same directory, and is left out): rustc compiles the crate.
    std::fs::remove_file(dir.join("ports.json")).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "#[ports_macros::service(port = 4410, group = \"rust\")]\npub struct ZeroGateway;\n\nfn main() {}\n",
    )
    .unwrap();
    let (_, stderr) = cargo_check(&dir, None);
    assert!(!stderr.contains("could not compile") && !stderr.contains("couldn't read"), "{stderr}");
}

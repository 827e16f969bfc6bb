//! Which registry applies: PORTS_REGISTRY > nearest ports.json up to the root > embedded.

use std::ffi::OsStr;
use std::fs;

use ports_core::{discover, find_root, Origin};

#[test]
fn walks_up_to_the_root_and_never_above() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = tmp.path();
    fs::write(outer.join("ports.json"), "{}").unwrap(); // above the root: never used
    let root = outer.join("ws");
    let krate = root.join("crates/app");
    fs::create_dir_all(&krate).unwrap();
    fs::write(root.join("Cargo.lock"), "").unwrap();

    assert_eq!(find_root(&krate).as_deref(), Some(root.as_path()));
    let d = discover(&krate, None, false);
    assert_eq!((d.path, d.origin), (None, Origin::Embedded));

    fs::write(root.join("ports.json"), "{}").unwrap();
    let d = discover(&krate, None, false);
    assert_eq!(d.path.as_deref(), Some(root.join("ports.json").as_path()));
    assert_eq!(d.origin, Origin::Found);
    assert_eq!(d.to_string(), "ports.json");

    fs::write(root.join("crates/ports.json"), "{}").unwrap();
    let d = discover(&krate, None, false);
    assert_eq!(d.path.as_deref(), Some(root.join("crates/ports.json").as_path()));
    assert_eq!(d.to_string(), "crates/ports.json");
}

#[test]
fn ports_registry_is_relative_to_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    let krate = root.join("app");
    fs::create_dir_all(&krate).unwrap();
    fs::write(krate.join("ports.json"), "{}").unwrap();
    let d = discover(&krate, Some(OsStr::new("reg/custom.json")), false);
    assert_eq!(d.path.as_deref(), Some(root.join("reg/custom.json").as_path()));
    assert_eq!(d.origin, Origin::Env("reg/custom.json".into()));
    assert_eq!(d.to_string(), "reg/custom.json (PORTS_REGISTRY)");
    // Empty counts as unset.
    assert_eq!(discover(&krate, Some(OsStr::new("")), false).origin, Origin::Found);
}

#[test]
fn without_a_root() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("loose");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("ports.json"), "{}").unwrap();
    if find_root(&dir).is_some() {
        return; // the temp dir sits inside a repository on this machine: nothing to test
    }
    // The macros skip the walk; the CLI counts the directory's own file.
    assert_eq!(discover(&dir, None, false).origin, Origin::Embedded);
    assert_eq!(discover(&dir, None, true).path.as_deref(), Some(dir.join("ports.json").as_path()));
    // A relative PORTS_REGISTRY is taken from the start directory.
    let d = discover(&dir, Some(OsStr::new("x.json")), false);
    assert_eq!(d.path.as_deref(), Some(dir.join("x.json").as_path()));
}

#[test]
fn a_registry_given_with_the_flag_says_so() {
    let d = ports_core::Discovery {
        path: Some("/srv/ports.json".into()),
        origin: Origin::Flag("/srv/ports.json".into()),
        root: None,
    };
    assert_eq!(d.to_string(), "/srv/ports.json (--registry)");
    let embedded = ports_core::Discovery { path: None, ..d };
    assert_eq!(embedded.to_string(), "the embedded registry");
}

//! What the CLI tests share: the real binary run in a directory with a clean environment (no
//! registry, config file or port override from the machine running the tests).
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::{Command, Output};

/// The environment variables a test must not inherit.
const CLEARED: &[&str] = &[
    "PORTS_REGISTRY",
    "CODECODER_CONFIG",
    "PORTS_LOCK_TIMEOUT",
    "PORTS_STATUS_PROCFS",
    "GATEWAY_PORT",
    "CHANNELS_PORT",
    "WORKFLOW_PORT",
];

/// `ports ARGS` in `dir`, with `HOME` at `dir` and no colour.
pub fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ports"));
    cmd.args(args).current_dir(dir).env("HOME", dir).env("NO_COLOR", "1");
    for var in CLEARED {
        cmd.env_remove(var);
    }
    cmd
}

/// `ports ARGS` in `dir` with these env vars set, run to completion.
pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = cmd(dir, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `ports ARGS` in `dir`, run to completion.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(dir, args, &[])
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Standard output parsed as JSON.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o.stdout)))
}

/// A directory that is its own root (it holds `.git`), so discovery never looks above it.
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// Writes `bytes` at `root/path`, its directories created.
pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// (path, line, column, kind, port) of each finding of a `ports scan --json` report.
pub fn findings(v: &serde_json::Value) -> Vec<(String, u64, u64, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["kind"].as_str().unwrap().to_owned(),
                f["port"].as_u64().unwrap(),
            )
        })
        .collect()
}

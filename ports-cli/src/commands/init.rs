//! `ports init [PATH]`: the embedded standard written as a registry file, never overwriting.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ports_core::{escape_control, find_root, Registry, REGISTRY_FILE};

use crate::failure::Failure;
use crate::out;

/// Where: PATH (a file, or a directory to hold ports.json), else `--registry`, else ports.json
/// at the root (or the current directory).
pub(crate) fn init(path: Option<&Path>, flag: Option<&Path>) -> Result<ExitCode, Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::usage(format!("cannot read the current directory: {e}")))?;
    let target: PathBuf = match path.or(flag) {
        Some(p) if p.is_dir() => p.join(REGISTRY_FILE),
        Some(p) => p.to_path_buf(),
        None => find_root(&cwd).unwrap_or(cwd).join(REGISTRY_FILE),
    };
    let shown = escape_control(&target.display().to_string()).into_owned();
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            return Err(Failure::usage(format!("{shown} already exists; not overwriting it")));
        }
        Err(e) => return Err(Failure::usage(format!("cannot create {shown}: {e}"))),
    };
    if let Err(e) = file.write_all(Registry::EMBEDDED_JSON.as_bytes()).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(&target);
        return Err(Failure::usage(format!("cannot write {shown}: {e}")));
    }
    let r = Registry::embedded();
    out::confirm(
        format!(
            "wrote {shown} (the standard: {} services in {} groups); register a service with `ports add <id> --group <group> --name <name>`",
            r.services.len(),
            r.groups.len()
        ),
        &shown,
    )?;
    Ok(ExitCode::SUCCESS)
}

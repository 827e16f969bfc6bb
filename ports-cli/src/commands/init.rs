//! `ports init [PATH]`: the embedded standard written as a registry file, never overwriting.

use std::path::{Path, PathBuf};

use ports_core::{escape_control, find_root, Registry, REGISTRY_FILE};
use serde::Serialize;

use crate::failure::Failure;
use crate::fsx;
use crate::report::Report;

/// The registry file written.
#[derive(Debug, Serialize)]
pub struct InitReport {
    /// The file written.
    pub path: String,
    /// How many services it holds.
    pub services: usize,
    /// How many groups.
    pub groups: usize,
}

/// Where: PATH (a file, or a directory to hold ports.json), else `--registry`, else ports.json
/// at the root (or the current directory).
///
/// # Errors
///
/// The file exists (never overwritten) or cannot be written (exit 2).
pub fn init(path: Option<&Path>, flag: Option<&Path>) -> Result<InitReport, Failure> {
    let target: PathBuf = match path.or(flag) {
        Some(p) if p.is_dir() => p.join(REGISTRY_FILE),
        Some(p) => p.to_path_buf(),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| Failure::usage(format!("cannot read the current directory: {e}")))?;
            find_root(&cwd).unwrap_or(cwd).join(REGISTRY_FILE)
        }
    };
    let shown = escape_control(&target.display().to_string()).into_owned();
    fsx::create_new(&target, &shown, Registry::EMBEDDED_JSON.as_bytes())?;
    let r = Registry::embedded();
    Ok(InitReport { path: shown, services: r.services.len(), groups: r.groups.len() })
}

impl Report for InitReport {
    fn text(&self) -> String {
        format!(
            "wrote {} (the standard: {} services in {} groups); register a service with `ports add <id> --group <group> --name <name>`\n",
            self.path, self.services, self.groups
        )
    }

    fn written(&self) -> Option<String> {
        Some(self.path.clone())
    }
}

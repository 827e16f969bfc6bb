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
    /// The `Cargo.lock` files touched, so that cargo re-checks the crates built on the
    /// embedded registry (`ports_core::rebuild_stamp`).
    pub touched: Vec<String>,
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
    let touched = touch_stamps(&target).iter().map(|p| escape_control(&p.display().to_string()).into_owned()).collect();
    Ok(InitReport { path: shown, services: r.services.len(), groups: r.groups.len(), touched })
}

/// Every crate built on the embedded registry read its `Cargo.lock` (its rebuild stamp) and
/// will find the new file: each `Cargo.lock` of the repository (ignored directories and
/// `target/` left out), and the nearest one at or above the file's directory, get their
/// modification time set to now — their bytes untouched. A stamp that cannot be touched is
/// left: the registry is written, and those crates see it at their next change.
fn touch_stamps(registry: &Path) -> Vec<PathBuf> {
    let dir = registry.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let root = find_root(&dir).unwrap_or_else(|| dir.clone());
    let mut stamps: Vec<PathBuf> = ports_core::rebuild_stamp(&dir).into_iter().collect();
    let walk = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .require_git(false)
        .max_depth(Some(8))
        .filter_entry(|e| e.file_name() != "target" && e.file_name() != ".git" && e.file_name() != "node_modules")
        .build();
    stamps.extend(
        walk.flatten()
            .filter(|e| e.file_name() == "Cargo.lock" && e.file_type().is_some_and(|t| t.is_file()))
            .map(ignore::DirEntry::into_path),
    );
    stamps.sort();
    stamps.dedup();
    stamps.retain(|lock| {
        std::fs::File::options()
            .write(true)
            .open(lock)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .is_ok()
    });
    stamps
}

impl Report for InitReport {
    fn text(&self) -> String {
        let mut text = format!(
            "wrote {} (the standard: {} services in {} groups); register a service with `ports add <id> --group <group> --name <name>`\n",
            self.path, self.services, self.groups
        );
        if !self.touched.is_empty() {
            text.push_str(&format!(
                "touched {} so that cargo re-checks the crates built on the embedded registry\n",
                self.touched.join(", ")
            ));
        }
        text
    }

    fn written(&self) -> Option<String> {
        Some(self.path.clone())
    }
}

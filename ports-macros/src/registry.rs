//! The registry a crate is checked against, found and parsed once per compiler process.
//!
//! Discovery is ports-core's (`ports_core::discover`); this module only caches it: by
//! (`CARGO_MANIFEST_DIR`, `PORTS_REGISTRY`) for the walk, by (path, modification time, length)
//! for the parse. A registry that cannot be used is reported by the first macro call of the
//! process only, so the user sees one error about the file and not one per attribute.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

use ports_core::{discover, Discovery, Registry, RegistryError};

/// A registry ready for checks, with what the generated code needs to name it.
pub(crate) struct Loaded {
    pub(crate) registry: &'static Registry,
    /// The file, absolute, for `include_str!`; `None` for the embedded registry.
    pub(crate) file: Option<PathBuf>,
    /// How to name it in messages (`the embedded registry`, `ports.json`, ...): never an
    /// absolute path that differs from machine to machine when the file is inside the root.
    pub(crate) label: String,
}

pub(crate) enum Failure {
    /// Report this message (the first call of the process to meet this registry).
    Report(String),
    /// Already reported by an earlier call: stay quiet, emit stubs.
    Reported,
}

type FileKey = (PathBuf, Option<SystemTime>, u64);

struct Cache {
    discoveries: HashMap<(Option<OsString>, Option<OsString>), Discovery>,
    files: HashMap<FileKey, Result<&'static Loaded, String>>,
    reported: Vec<FileKey>,
}

fn cache() -> std::sync::MutexGuard<'static, Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE
        .get_or_init(|| Mutex::new(Cache { discoveries: HashMap::new(), files: HashMap::new(), reported: Vec::new() }))
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The registry for the crate being compiled.
pub(crate) fn current() -> Result<&'static Loaded, Failure> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let env = std::env::var_os("PORTS_REGISTRY");
    let mut cache = cache();
    let discovery = cache
        .discoveries
        .entry((manifest_dir.clone(), env.clone()))
        .or_insert_with(|| {
            let start = manifest_dir.map_or_else(|| PathBuf::from("."), PathBuf::from);
            discover(&start, env.as_deref(), false)
        })
        .clone();
    let Some(path) = discovery.path.clone() else {
        static EMBEDDED: OnceLock<Loaded> = OnceLock::new();
        return Ok(EMBEDDED.get_or_init(|| Loaded {
            registry: Registry::embedded(),
            file: None,
            label: discovery.to_string(),
        }));
    };
    let shown = discovery.display_path().unwrap_or_else(|| path.display().to_string());
    let meta = std::fs::metadata(&path).ok();
    let key: FileKey =
        (path.clone(), meta.as_ref().and_then(|m| m.modified().ok()), meta.as_ref().map_or(0, std::fs::Metadata::len));
    let result = cache.files.entry(key.clone()).or_insert_with(|| load(&path, &shown, &discovery)).clone();
    match result {
        Ok(loaded) => Ok(loaded),
        Err(_) if cache.reported.contains(&key) => Err(Failure::Reported),
        Err(message) => {
            cache.reported.push(key);
            Err(Failure::Report(message))
        }
    }
}

fn load(path: &Path, shown: &str, discovery: &Discovery) -> Result<&'static Loaded, String> {
    let from_env = matches!(discovery.origin, ports_core::Origin::Env(_));
    let whence = if from_env { " (named by PORTS_REGISTRY)" } else { "" };
    // ports-core's one read path: a FIFO or a device is refused, the size is capped.
    let registry = Registry::load(path).map_err(|e| match e {
        RegistryError::Io { source, .. } => format!("cannot read the ports registry `{shown}`{whence}: {source}"),
        other => format!("the ports registry{whence} cannot be used: {}", other.with_path(shown)),
    })?;
    let file = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    Ok(Box::leak(Box::new(Loaded {
        registry: Box::leak(Box::new(registry)),
        file: Some(file),
        label: discovery.to_string(),
    })))
}

/// When the crate being compiled does not list `ports-core` in its Cargo.toml, the message that
/// says so (the generated code names `::ports_core`, so E0433 "failed to resolve" would be the
/// only clue). Reported once per compiler process; `None` when the dependency is there, or when
/// the manifest cannot be read (no guess is made then).
pub(crate) fn missing_ports_core() -> Option<String> {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let manifest = Path::new(&dir).join("Cargo.toml");
    let text = ports_core::read_text(&manifest, 1 << 20).ok()?;
    if text.contains("ports-core") || text.contains("ports_core") {
        return None;
    }
    if REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    Some(
        "this crate does not depend on ports-core, which the generated code names as `::ports_core`: add `ports-core` to its [dependencies], or, where a crate re-exports it, say where: #[service(crate = \"that_crate::ports_core\", ...)] / ports! { crate = that_crate::ports_core; ... }".to_owned(),
    )
}

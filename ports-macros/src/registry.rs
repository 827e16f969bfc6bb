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
    /// The file, absolute and UTF-8, for `include_bytes!`; `None` for the embedded registry.
    pub(crate) file: Option<String>,
    /// On the embedded registry, the file whose modification makes cargo re-check the crate
    /// once a `ports.json` appears (see `ports_core::rebuild_stamp`); `None` when there is none to name.
    pub(crate) stamp: Option<String>,
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

/// (`CARGO_MANIFEST_DIR`, `PORTS_REGISTRY`): what a crate's discovery depends on.
type CrateKey = (Option<OsString>, Option<OsString>);

struct Cache {
    /// The discovery and the rebuild stamp, by (`CARGO_MANIFEST_DIR`, `PORTS_REGISTRY`).
    discoveries: HashMap<CrateKey, (Discovery, Option<String>)>,
    files: HashMap<FileKey, Result<&'static Loaded, String>>,
    /// The embedded registry, by the crate's rebuild stamp.
    embedded: HashMap<Option<String>, &'static Loaded>,
    reported: Vec<FileKey>,
}

fn cache() -> std::sync::MutexGuard<'static, Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            Mutex::new(Cache {
                discoveries: HashMap::new(),
                files: HashMap::new(),
                embedded: HashMap::new(),
                reported: Vec::new(),
            })
        })
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The registry for the crate being compiled.
pub(crate) fn current() -> Result<&'static Loaded, Failure> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let env = std::env::var_os("PORTS_REGISTRY");
    let mut cache = cache();
    let (discovery, stamp) = cache
        .discoveries
        .entry((manifest_dir.clone(), env.clone()))
        .or_insert_with(|| {
            let start = manifest_dir.as_ref().map_or_else(|| PathBuf::from("."), PathBuf::from);
            // A stamp at a path that is not UTF-8 cannot be named by `include_bytes!`: the crate
            // then builds without it (no error: the embedded registry needs no file).
            let stamp = manifest_dir.as_ref().and_then(|dir| ports_core::rebuild_stamp(Path::new(dir)));
            (discover(&start, env.as_deref(), false), stamp.and_then(|p| p.to_str().map(str::to_owned)))
        })
        .clone();
    let Some(path) = discovery.path.clone() else {
        let loaded = cache.embedded.entry(stamp.clone()).or_insert_with(|| {
            Box::leak(Box::new(Loaded {
                registry: Registry::embedded(),
                file: None,
                stamp,
                label: discovery.to_string(),
            }))
        });
        return Ok(*loaded);
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
    // The generated code names the file in a string literal (`include_bytes!`): a path that is
    // not UTF-8 cannot be written there without changing it, so it is an error, not a guess.
    let Some(utf8) = file.to_str() else { return Err(not_utf8(shown, whence, &file)) };
    Ok(Box::leak(Box::new(Loaded {
        registry: Box::leak(Box::new(registry)),
        file: Some(utf8.to_owned()),
        stamp: None,
        label: discovery.to_string(),
    })))
}

/// The message for a registry whose absolute path is not UTF-8, naming the component at fault
/// with its bytes escaped (`mac-\xff`).
fn not_utf8(shown: &str, whence: &str, file: &Path) -> String {
    let culprit = file.components().map(|c| c.as_os_str()).find(|c| c.to_str().is_none()).unwrap_or(file.as_os_str());
    format!(
        "the ports registry `{shown}`{whence} lies at `{}`, a path that is not UTF-8 (`{}`): the code this macro generates names the registry in a string (`include_bytes!`), which cannot hold that path; rename that directory so that its name is UTF-8 (cargo cannot track the files of a crate under it either), or name a registry at a UTF-8 path with PORTS_REGISTRY (an absolute path)",
        escape_os(file.as_os_str()),
        escape_os(culprit),
    )
}

/// `text` for a message: UTF-8 runs as they are (control characters escaped), every other byte
/// as `\xNN`.
fn escape_os(text: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for chunk in text.as_encoded_bytes().utf8_chunks() {
        out.push_str(&ports_core::escape_control(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

//! Which registry applies: `PORTS_REGISTRY`, else the nearest `ports.json` up to the root, else
//! the embedded standard. The macros start from `CARGO_MANIFEST_DIR`, the CLI from the current
//! directory.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::RegistryError;
use crate::model::Registry;

/// The name of a registry file found by walking up.
pub const REGISTRY_FILE: &str = "ports.json";

/// Where the registry in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The path in the `PORTS_REGISTRY` env var, as written there.
    Env(String),
    /// A path given on the command line (`ports --registry PATH`), as written there.
    Flag(String),
    /// A `ports.json` found walking up from the start directory.
    Found,
    /// No file: the embedded standard.
    Embedded,
}

/// The outcome of [`discover`]: the file to read (none for the embedded registry), how it was
/// chosen, and the root that bounded the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The registry file, or `None` for the embedded registry.
    pub path: Option<PathBuf>,
    /// How it was chosen.
    pub origin: Origin,
    /// The repository root of the start ([`find_root`]).
    pub root: Option<PathBuf>,
}

impl Discovery {
    /// The path to show a user: relative to the root when inside it (stable from machine to
    /// machine), else as found.
    #[must_use]
    pub fn display_path(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        if let Origin::Env(value) | Origin::Flag(value) = &self.origin {
            return Some(value.clone());
        }
        let shown = self.root.as_ref().and_then(|root| path.strip_prefix(root).ok()).unwrap_or(path);
        Some(shown.display().to_string())
    }

    /// How the registry in force is named to a user, the one wording for the macros and the CLI:
    /// the [`display_path`](Self::display_path), or `the embedded registry`.
    ///
    /// ```
    /// let found = ports_core::discover(&std::env::temp_dir().join("nowhere"), None, false);
    /// assert_eq!(found.name(), "the embedded registry");
    /// ```
    #[must_use]
    pub fn name(&self) -> String {
        self.display_path().unwrap_or_else(|| "the embedded registry".to_owned())
    }
}

impl fmt::Display for Discovery {
    /// The [`name`](Self::name), and where a given path came from: `the embedded registry`,
    /// `ports.json`, or `custom.json (PORTS_REGISTRY)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        match (&self.origin, &self.path) {
            (Origin::Env(_), Some(_)) => f.write_str(" (PORTS_REGISTRY)"),
            (Origin::Flag(_), Some(_)) => f.write_str(" (--registry)"),
            _ => Ok(()),
        }
    }
}

/// The repository root of `start`: the nearest directory at or above it that holds `.git`;
/// with no `.git` above, the nearest that holds `Cargo.lock`. A monorepo whose Cargo workspace
/// is a subdirectory (`services/`) thus shares one root, and one `ports.json`, with its
/// TypeScript and scripts.
///
/// ```
/// let repo = tempfile::tempdir()?;
/// let services = repo.path().join("services");
/// std::fs::create_dir_all(services.join("gateway"))?;
/// std::fs::write(services.join("Cargo.lock"), "")?;
/// assert_eq!(ports_core::find_root(&services.join("gateway")), Some(services.clone()));
/// std::fs::create_dir(repo.path().join(".git"))?;
/// assert_eq!(ports_core::find_root(&services.join("gateway")).as_deref(), Some(repo.path()));
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let holding = |marker: &str| start.ancestors().find(|dir| dir.join(marker).exists()).map(Path::to_path_buf);
    holding(".git").or_else(|| holding("Cargo.lock"))
}

/// The file that makes cargo re-check a crate built on the embedded registry once a registry
/// file appears: the nearest `Cargo.lock` at or above the crate's directory (its workspace's,
/// which cargo writes before it compiles anything). Cargo re-checks a crate when a file it read
/// changed, but cannot watch a `ports.json` that does not exist yet; so, while on the embedded
/// registry, the macros' generated code reads this file (`include_bytes!`), and `ports init`,
/// after writing a registry file, sets the modification time of every `Cargo.lock` of the
/// repository (and of this one for the file's own directory) to now.
///
/// ```
/// let repo = tempfile::tempdir()?;
/// let krate = repo.path().join("services/gateway");
/// std::fs::create_dir_all(&krate)?;
/// assert_eq!(ports_core::rebuild_stamp(&krate), None);
/// std::fs::write(repo.path().join("services/Cargo.lock"), "")?;
/// assert_eq!(ports_core::rebuild_stamp(&krate), Some(repo.path().join("services/Cargo.lock")));
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn rebuild_stamp(crate_dir: &Path) -> Option<PathBuf> {
    crate_dir.ancestors().map(|dir| dir.join("Cargo.lock")).find(|lock| lock.is_file())
}

/// Finds the registry for a crate or a directory.
///
/// 1. `ports_registry` (the value of `PORTS_REGISTRY`), taken from the root when relative, else
///    from `start`;
/// 2. else the first `ports.json` walking up from `start` to the root, inclusive — never above
///    it; with no root above `start`, only `start`'s own `ports.json` when `own_dir` is set (the
///    CLI), none otherwise (the macros, for a crate outside any workspace);
/// 3. else the embedded registry.
///
/// An empty `PORTS_REGISTRY` counts as unset.
///
/// ```
/// let dir = std::env::temp_dir().join("ports-core-doc-discover");
/// let found = ports_core::discover(&dir, None, false);
/// assert_eq!(found.path, None);
/// assert_eq!(found.to_string(), "the embedded registry");
/// ```
#[must_use]
pub fn discover(start: &Path, ports_registry: Option<&OsStr>, own_dir: bool) -> Discovery {
    let root = find_root(start);
    if let Some(value) = ports_registry.filter(|v| !v.is_empty()) {
        let given = Path::new(value);
        let path = if given.is_absolute() { given.to_path_buf() } else { root.as_deref().unwrap_or(start).join(given) };
        return Discovery { path: Some(path), origin: Origin::Env(value.to_string_lossy().into_owned()), root };
    }
    let found = match &root {
        Some(root) => start
            .ancestors()
            .take_while(|dir| dir.starts_with(root))
            .map(|dir| dir.join(REGISTRY_FILE))
            .find(|candidate| candidate.is_file()),
        None if own_dir => Some(start.join(REGISTRY_FILE)).filter(|candidate| candidate.is_file()),
        None => None,
    };
    match found {
        Some(path) => Discovery { path: Some(path), origin: Origin::Found, root },
        None => Discovery { path: None, origin: Origin::Embedded, root },
    }
}

/// The registry in force for a directory, found by [`discover`] (with the `PORTS_REGISTRY` of
/// the process environment) and loaded: the file's registry, or the embedded one.
///
/// ```
/// let dir = std::env::temp_dir();
/// let (registry, found) = ports_core::registry_in_force(&dir)?;
/// # if std::env::var_os("PORTS_REGISTRY").is_none() {
/// assert_eq!(registry.name, "CodeCoder");
/// # }
/// # Ok::<(), ports_core::RegistryError>(())
/// ```
///
/// # Errors
///
/// The file's [`RegistryError`] (it names the file).
pub fn registry_in_force(start: &Path) -> Result<(Cow<'static, Registry>, Discovery), RegistryError> {
    let found = discover(start, std::env::var_os("PORTS_REGISTRY").as_deref(), false);
    match &found.path {
        None => Ok((Cow::Borrowed(Registry::embedded()), found)),
        Some(path) => {
            let shown = found.to_string();
            let registry = Registry::load(path).map_err(|e| match e {
                RegistryError::Io { source, .. } => RegistryError::Io { path: PathBuf::from(&shown), source },
                other => other.with_path(&shown),
            })?;
            Ok((Cow::Owned(registry), found))
        }
    }
}

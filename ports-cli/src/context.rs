//! What every command starts from: where the registry in force is (`--registry`, else the
//! spec's discovery from the current directory), read once through ports-core's one read path.

use std::path::{Path, PathBuf};

use ports_core::{discover, escape_control, find_root, Discovery, Origin, Registry, RegistryError};

use crate::failure::Failure;

/// The located registry, before it is read.
#[derive(Debug, Clone)]
pub struct Located {
    /// Where the registry is, and the root.
    pub discovery: Discovery,
    /// The current directory (the start of discovery; with `--registry` an absolute path and
    /// the working directory deleted, the registry's directory).
    pub cwd: PathBuf,
}

impl Located {
    /// `--registry`, else `PORTS_REGISTRY`, else the nearest `ports.json` from the current
    /// directory up to the root (its own `ports.json` counts when no root is above it), else the
    /// embedded standard.
    ///
    /// # Errors
    ///
    /// The current directory cannot be read (deleted) and the registry is not given by an
    /// absolute path.
    pub fn find(flag: Option<&Path>) -> Result<Located, Failure> {
        let cwd = match (std::env::current_dir(), flag) {
            (Ok(cwd), _) => cwd,
            // An absolute --registry needs no working directory.
            (Err(_), Some(path)) if path.is_absolute() => {
                path.parent().map_or_else(|| path.to_path_buf(), Path::to_path_buf)
            }
            (Err(e), _) => return Err(Failure::usage(format!("cannot read the current directory: {e}"))),
        };
        let discovery = match flag {
            Some(path) => Discovery {
                path: Some(if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) }),
                origin: Origin::Flag(path.display().to_string()),
                root: find_root(&cwd),
            },
            None => discover(&cwd, std::env::var_os("PORTS_REGISTRY").as_deref(), true),
        };
        Ok(Located { discovery, cwd })
    }

    /// The embedded registry, with the current directory (or `.`) as the start: what a command
    /// sees with no registry file anywhere.
    #[must_use]
    pub fn embedded() -> Located {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Located { discovery: Discovery { path: None, origin: Origin::Embedded, root: find_root(&cwd) }, cwd }
    }

    /// How to name the registry to a user: as given, relative to the root, or "the embedded
    /// registry"; control characters escaped.
    #[must_use]
    pub fn label(&self) -> String {
        escape_control(&self.discovery.name()).into_owned()
    }

    /// The registry's text: the file's, or the embedded one. A missing file is a usage error
    /// that says to run `ports init`; a file that is not UTF-8 is a problem (exit 1).
    ///
    /// # Errors
    ///
    /// The file cannot be read (exit 2) or is not UTF-8 (exit 1).
    pub fn text(&self) -> Result<String, Failure> {
        let Some(path) = &self.discovery.path else { return Ok(Registry::EMBEDDED_JSON.to_owned()) };
        Registry::read_text(path).map_err(|e| self.read_failure(e))
    }

    /// A registry read error as the command's failure: a missing file says to run `ports init`.
    #[must_use]
    pub fn read_failure(&self, error: RegistryError) -> Failure {
        match error {
            RegistryError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Failure::usage(format!("no registry at {}; run `ports init` to create one", self.label()))
            }
            RegistryError::Io { source, .. } => Failure::usage(format!("cannot read {}: {source}", self.label())),
            other => Failure::problem(other.with_path(self.label())),
        }
    }

    /// The registry, valid: a malformed or invalid one is a problem (exit 1).
    ///
    /// # Errors
    ///
    /// As [`Located::text`], and a malformed or invalid registry (exit 1).
    pub fn load(&self) -> Result<Registry, Failure> {
        let text = self.text()?;
        Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(self.label())))
    }
}

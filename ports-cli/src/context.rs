//! What every command starts from: where the registry in force is (`--registry`, else the
//! spec's discovery from the current directory), read once through ports-core's one read path.

use std::path::{Path, PathBuf};

use ports_core::{discover, escape_control, find_root, Discovery, Origin, Registry, RegistryError};

use crate::failure::Failure;

/// The located registry, before it is read.
pub(crate) struct Located {
    pub(crate) discovery: Discovery,
    /// The current directory (the start of discovery).
    pub(crate) cwd: PathBuf,
}

impl Located {
    /// `--registry`, else `PORTS_REGISTRY`, else the nearest `ports.json` from the current
    /// directory up to the root (its own `ports.json` counts when no root is above it), else the
    /// embedded standard.
    pub(crate) fn find(flag: Option<&Path>) -> Result<Located, Failure> {
        let cwd =
            std::env::current_dir().map_err(|e| Failure::usage(format!("cannot read the current directory: {e}")))?;
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

    /// How to name the registry to a user: as given, relative to the root, or "the embedded
    /// registry"; control characters escaped.
    pub(crate) fn label(&self) -> String {
        let d = &self.discovery;
        let shown = match (&d.path, &d.origin) {
            (None, _) => "the embedded registry".to_owned(),
            (Some(_), Origin::Env(given) | Origin::Flag(given)) => given.clone(),
            (Some(path), _) => d.display_path().unwrap_or_else(|| path.display().to_string()),
        };
        escape_control(&shown).into_owned()
    }

    /// The registry's text: the file's, or the embedded one. A missing file is a usage error
    /// that says to run `ports init`; a file that is not UTF-8 is a problem (exit 1).
    pub(crate) fn text(&self) -> Result<String, Failure> {
        let Some(path) = &self.discovery.path else { return Ok(Registry::EMBEDDED_JSON.to_owned()) };
        Registry::read_text(path).map_err(|e| self.read_failure(e))
    }

    pub(crate) fn read_failure(&self, error: RegistryError) -> Failure {
        match error {
            RegistryError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Failure::usage(format!("no registry at {}; run `ports init` to create one", self.label()))
            }
            RegistryError::Io { source, .. } => Failure::usage(format!("cannot read {}: {source}", self.label())),
            other => Failure::problem(other.with_path(self.label())),
        }
    }

    /// The registry, valid: a malformed or invalid one is a problem (exit 1).
    pub(crate) fn load(&self) -> Result<Registry, Failure> {
        let text = self.text()?;
        Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(self.label())))
    }
}

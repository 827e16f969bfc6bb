//! Where a scan runs ([`Scope`]: the root, the starts, the registry file, the excludes), every
//! text of it read through ports-core's reader, and the rewrite that `move`, `remove` and
//! `scan --fix` share ([`Scope::rewrite`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use ignore::overrides::OverrideBuilder;
use ports_core::{escape_control, ReadError};
use serde::Serialize;

use super::classify::Style;
use super::names::Index;
use super::{text, walk, FILE_LIMIT};
use crate::commands::export::HEADER_MARK;
use crate::context::Located;
use crate::failure::Failure;
use crate::fsx::Lock;

/// `path` relative to the root when inside it, with `/` separators.
#[must_use]
pub fn relative(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let mut text = String::new();
    for part in shown.components() {
        // A path outside the root is absolute: one `/` after its root, not `//` (which a URI
        // reads as a host).
        if part == std::path::Component::RootDir {
            text.push('/');
            continue;
        }
        if !text.is_empty() && !text.ends_with('/') {
            text.push('/');
        }
        text.push_str(&part.as_os_str().to_string_lossy());
    }
    text
}

/// Where a scan runs: the root, the starts (absolute, each once, none inside another), the
/// registry file to skip, the `--exclude` globs.
#[derive(Debug)]
pub struct Scope {
    /// The root paths are shown relative to.
    pub root: PathBuf,
    /// The starts.
    pub starts: Vec<PathBuf>,
    /// The registry file in force, canonical (skipped: its ports are the truth).
    pub registry_file: Option<PathBuf>,
    excludes: ignore::overrides::Override,
}

impl Scope {
    /// The scope of `paths` (the root when empty) under the registry in force.
    ///
    /// # Errors
    ///
    /// A PATH that does not exist, a bad `--exclude` glob (exit 2).
    pub fn new(located: &Located, paths: &[PathBuf], exclude: &[String]) -> Result<Scope, Failure> {
        let root = located.discovery.root.clone().unwrap_or_else(|| located.cwd.clone());
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let mut starts = Vec::new();
        for path in paths {
            let full = if path.is_absolute() { path.clone() } else { located.cwd.join(path) };
            let full = std::fs::canonicalize(&full).map_err(|e| {
                let shown = escape_control(&path.display().to_string()).into_owned();
                if e.kind() == io::ErrorKind::NotFound {
                    Failure::usage(format!("no such file or directory: {shown}"))
                } else {
                    Failure::usage(format!("{shown}: {}", plain(&e)))
                }
            })?;
            starts.push(full);
        }
        if starts.is_empty() {
            starts.push(root.clone());
        }
        starts.sort();
        starts.dedup();
        // A start inside another is already walked.
        let mut kept: Vec<PathBuf> = Vec::new();
        for start in starts {
            if !kept.iter().any(|k| start.starts_with(k)) {
                kept.push(start);
            }
        }
        let mut overrides = OverrideBuilder::new(&root);
        for glob in exclude {
            overrides
                .add(&format!("!{glob}"))
                .map_err(|e| Failure::usage(format!("--exclude {}: {e}", escape_control(glob))))?;
        }
        let excludes = overrides.build().map_err(|e| Failure::usage(format!("--exclude: {e}")))?;
        let registry_file = located.discovery.path.as_ref().and_then(|p| std::fs::canonicalize(p).ok());
        Ok(Scope { root, starts: kept, registry_file, excludes })
    }

    /// The lock that every command rewriting files of the repository (`move`, `scan --fix`)
    /// holds from before it reads the registry until its last write: two of them run one after
    /// the other, so that neither rewrites a file from a text, or against a registry, that the
    /// other has changed meanwhile. A file `.ports-edit.lock`, there only while held: in `.git/`
    /// when the root has one (so that even a killed command leaves nothing `git status` shows),
    /// else at the root.
    ///
    /// # Errors
    ///
    /// The directory cannot hold the lock file (read-only), or the wait timed out (exit 2).
    pub fn lock_edits(&self) -> Result<Lock, Failure> {
        let git = self.root.join(".git");
        let dir = if git.is_dir() { git } else { self.root.clone() };
        Lock::acquire(&dir.join("ports-edit"), "the repository's files")
    }

    /// Reads every file of the scope through ports-core's reader and hands each text to
    /// `visit` (path, text), from several threads. Returns (files scanned, files skipped,
    /// warnings, whether something could not be read).
    pub fn for_each_text(&self, visit: &(dyn Fn(&Path, &[u8]) + Sync)) -> Walked {
        let scanned = AtomicUsize::new(0);
        let skipped = AtomicUsize::new(0);
        let errors = Mutex::new(Vec::new());
        let walk = walk::Walk::new(self.starts.clone(), self.root.clone(), self.excludes.clone());
        let unreadable = std::sync::atomic::AtomicBool::new(false);
        let mut warnings = walk.run(&|path: &Path| {
            if self.is_registry(path) || is_ours(path) {
                return;
            }
            let shown = || escape_control(&relative(path, &self.root)).into_owned();
            match ports_core::read_bytes(path, FILE_LIMIT) {
                Ok(bytes) => {
                    // Binary: a NUL byte. Text in another encoding (Latin-1...) is scanned: port
                    // literals and the names they answer to are ASCII, and a rewrite changes
                    // digits only.
                    if memchr::memchr(0, &bytes).is_some() {
                        skipped.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
                    if memchr::memmem::find(first_line, HEADER_MARK.as_bytes()).is_some() {
                        return;
                    }
                    scanned.fetch_add(1, Ordering::Relaxed);
                    visit(path, &bytes);
                }
                Err(ReadError::TooLarge { .. }) => {
                    skipped.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    let vanished = matches!(&e, ReadError::Io(io) if io.kind() == io::ErrorKind::NotFound);
                    if !vanished {
                        unreadable.store(true, Ordering::Relaxed);
                    }
                    let why = match &e {
                        _ if vanished => "it vanished during the scan".to_owned(),
                        ReadError::Io(io) => plain(io).to_string(),
                        other => format!("{other} (it changed during the scan)"),
                    };
                    errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(format!("warning: not scanned: {}: {why}", shown()));
                }
            }
        });
        let errors = errors.into_inner().unwrap_or_else(PoisonError::into_inner);
        let walk_unread = warnings.iter().any(|w| w.starts_with("warning: not scanned"));
        let incomplete = !errors.is_empty() || walk_unread;
        let unreadable = unreadable.into_inner() || walk_unread;
        warnings.extend(errors);
        warnings.sort();
        Walked { scanned: scanned.into_inner(), skipped: skipped.into_inner(), warnings, incomplete, unreadable }
    }

    fn is_registry(&self, path: &Path) -> bool {
        let Some(registry_file) = &self.registry_file else { return false };
        path.file_name() == registry_file.file_name() && std::fs::canonicalize(path).is_ok_and(|p| &p == registry_file)
    }
}

/// What a walk read.
#[derive(Debug)]
pub struct Walked {
    /// Files scanned.
    pub scanned: usize,
    /// Files skipped: binary (a NUL byte) or too large.
    pub skipped: usize,
    /// Warnings, sorted.
    pub warnings: Vec<String>,
    /// Whether a file or directory could not be read, or vanished during the walk.
    pub incomplete: bool,
    /// Whether a file or directory that exists could not be read (a vanished file holds no port).
    pub unreadable: bool,
}

/// The files `ports` itself creates beside others while it writes (`.ports.json.lock`,
/// `.ports-edit.lock`, `.config.ts.ports-tmp-XXXXXX`): never a source of ports, and there only
/// for a moment, so not walked (a concurrent command's would vanish under the walk).
fn is_ours(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && (n.ends_with(".lock") || n.contains(".ports-tmp-")))
}

/// An I/O error without the path some messages carry.
fn plain(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.to_string()),
    }
}

/// What a rewrite does with one literal.
#[derive(Debug)]
pub enum Decision {
    /// Nothing: not a literal this rewrite is about.
    Skip,
    /// Replace these byte ranges (absolute in the file) with these texts.
    Rewrite(Vec<(std::ops::Range<usize>, String)>),
    /// A literal this rewrite is about but leaves alone, and why (for the report).
    Leave(String),
}

/// A literal a rewrite left, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Left {
    /// Where.
    #[serde(flatten)]
    pub at: crate::edit::Location,
    /// Why it was left.
    pub reason: String,
}

/// What a rewrite over the scope found to do.
#[derive(Debug, Default)]
pub struct Rewrite {
    /// Each file's edits, files in path order.
    pub edits: Vec<crate::edit::FileEdit>,
    /// Where each rewritten literal is, in order.
    pub rewritten: Vec<crate::edit::Location>,
    /// The literals left, in order.
    pub left: Vec<Left>,
    /// Files skipped (binary or too large).
    pub skipped: usize,
    /// Warnings of the walk.
    pub warnings: Vec<String>,
    /// Whether something could not be read, or vanished.
    pub incomplete: bool,
    /// Whether something that exists could not be read.
    pub unreadable: bool,
}

impl Scope {
    /// Runs the scan pipeline over the scope and asks `decide` about every literal: the edits
    /// of every file, and what was left. The basis of `move`, `remove` and `scan --fix`.
    pub fn rewrite(&self, index: &Index<'_>, decide: &(dyn Fn(&text::Occurrence<'_>) -> Decision + Sync)) -> Rewrite {
        type PerFile = (crate::edit::FileEdit, Vec<crate::edit::Location>, Vec<Left>);
        let files: Mutex<Vec<PerFile>> = Mutex::new(Vec::new());
        let walked = self.for_each_text(&|path, bytes| {
            let shown = relative(path, &self.root);
            let at = |o: &text::Occurrence<'_>| crate::edit::Location {
                path: shown.clone(),
                line: o.line,
                column: o.column,
            };
            let mut replacements = Vec::new();
            let mut rewritten = Vec::new();
            let mut left = Vec::new();
            text::scan_text(index, bytes, Style::of(path), |o| match decide(&o) {
                Decision::Skip => {}
                Decision::Rewrite(ranges) => {
                    rewritten.push(at(&o));
                    replacements.extend(ranges);
                }
                Decision::Leave(reason) => left.push(Left { at: at(&o), reason }),
            });
            if replacements.is_empty() && left.is_empty() {
                return;
            }
            replacements.sort_by_key(|(range, _)| range.start);
            replacements.dedup_by_key(|(range, _)| range.start);
            let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            let edit = crate::edit::FileEdit { real, path: shown.clone(), original: bytes.to_vec(), replacements };
            files.lock().unwrap_or_else(PoisonError::into_inner).push((edit, rewritten, left));
        });
        let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        let mut rewrite = Rewrite {
            skipped: walked.skipped,
            warnings: walked.warnings,
            incomplete: walked.incomplete,
            unreadable: walked.unreadable,
            ..Rewrite::default()
        };
        for (edit, rewritten, left) in files {
            rewrite.rewritten.extend(rewritten);
            rewrite.left.extend(left);
            if !edit.replacements.is_empty() {
                rewrite.edits.push(edit);
            }
        }
        rewrite
    }
}

//! Writing the user's files: under a lock, atomically, through symlinks, keeping what the file
//! was (line endings, byte-order mark, permissions, owner). Every command that writes a file
//! (`add`, `init`, `export --out`, `move`, `scan --fix`...) goes through here.
//!
//! - The lock is a sidecar file beside the real target (`.ports.json.lock`) that lives only
//!   while it is held, so that nothing is left in `git status`. On Unix: the file is created,
//!   locked (`flock`), checked to be still the file at that path (a holder removes it before
//!   unlocking, so a waiter that locked a removed file starts again), and removed on release.
//!   On Windows: opened exclusively (no sharing) and deleted on close, so the open is the lock.
//!   Either way a killed holder's lock is released by the OS. Waiting is announced after a
//!   second and bounded (`PORTS_LOCK_TIMEOUT` seconds, 30 by default).
//! - A symlink is followed (a loop is an error naming the path): the temp file is written beside
//!   the link's target and renamed over the target, so the link stays a link and both paths see
//!   the change.
//! - Anything that exists and is not a regular file (a device, a FIFO, a directory) is refused.
//! - Temp files are named `.<name>.ports-tmp-XXXXXX`; one left by a killed run is removed by the
//!   next writer (who holds the lock, so no live writer owns it).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ports_core::{escape_control, Registry};

use crate::context::Located;
use crate::failure::Failure;
use crate::out;

/// How many symlinks are followed before a path is taken for a loop (Linux's own limit).
const MAX_LINKS: usize = 40;

/// The file a path finally names: symlinks followed. A path that does not exist yet keeps its
/// name, in its directory resolved.
///
/// # Errors
///
/// A symlink loop, or a chain of more than 40 links, naming `path`.
pub fn real_path(path: &Path) -> Result<PathBuf, Failure> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if let Ok(real) = std::fs::canonicalize(&current) {
            return Ok(real);
        }
        // A dangling symlink: follow it by hand to the file it will create.
        if let Ok(target) = std::fs::read_link(&current) {
            let base = current.parent().unwrap_or(Path::new("."));
            current = base.join(target);
            continue;
        }
        return Ok(match (current.parent(), current.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
                std::fs::canonicalize(dir).map_or_else(|_| current.clone(), |dir| dir.join(name))
            }
            (_, Some(name)) => std::env::current_dir().map_or_else(|_| current.clone(), |dir| dir.join(name)),
            _ => current,
        });
    }
    Err(Failure::usage(format!(
        "{}: too many levels of symbolic links (a symlink loop?)",
        escape_control(&path.display().to_string())
    )))
}

fn file_name(real: &Path) -> String {
    real.file_name().map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// An exclusive lock on a file, through a sidecar lock file that exists only while it is held.
#[derive(Debug)]
pub struct Lock {
    file: Option<File>,
    /// The lock file, removed on release on Unix (Windows deletes it when its handle closes).
    #[cfg_attr(not(unix), allow(dead_code))]
    path: PathBuf,
}

impl Lock {
    /// Locks `real` (a path from [`real_path`]); `label` names it in messages.
    ///
    /// # Errors
    ///
    /// The directory cannot hold the lock (read-only: named as `label`'s directory), or the wait
    /// timed out (exit 2).
    pub fn acquire(real: &Path, label: &str) -> Result<Lock, Failure> {
        let dir = real.parent().unwrap_or(Path::new("."));
        let path = dir.join(format!(".{}.lock", file_name(real)));
        let timeout = lock_timeout()?;
        let start = Instant::now();
        let mut announced = false;
        loop {
            match try_lock(&path) {
                Ok(Some(file)) => return Ok(Lock { file: Some(file), path }),
                Ok(None) => {}
                Err(e) => {
                    return Err(Failure::usage(format!("cannot write {label}: cannot lock it in its directory: {e}")));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                return Err(Failure::usage(format!(
                    "gave up waiting for the lock on {label} after {} s (held by another `ports` command?); PORTS_LOCK_TIMEOUT sets the wait in seconds",
                    timeout.as_secs()
                )));
            }
            if !announced && waited >= Duration::from_secs(1) {
                out::warn(format!("waiting for the lock on {label} (held by another `ports` command?)"));
                announced = true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unix: removed while still locked, so that a waiter who locks the removed file sees it
        // is no longer the lock and starts again. Windows: deleted when the handle closes.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// One attempt: `Some(file)` holding the lock, `None` when someone else holds it.
#[cfg(unix)]
fn try_lock(path: &Path) -> io::Result<Option<File>> {
    use std::os::unix::fs::MetadataExt;
    let file = File::options().read(true).write(true).create(true).truncate(false).open(path)?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => return Ok(None),
        Err(fs4::TryLockError::Error(e)) => return Err(e),
    }
    // Still the lock file at `path`? Its last holder may have removed it meanwhile.
    let held = file.metadata()?;
    match std::fs::symlink_metadata(path) {
        Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => Ok(Some(file)),
        _ => Ok(None),
    }
}

/// One attempt: `Some(file)` holding the lock, `None` when someone else holds it.
#[cfg(windows)]
fn try_lock(path: &Path) -> io::Result<Option<File>> {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_FLAG_DELETE_ON_CLOSE: u32 = 0x0400_0000;
    const DELETE: u32 = 0x0001_0000;
    const GENERIC_READ: u32 = 0x8000_0000;
    const GENERIC_WRITE: u32 = 0x4000_0000;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_ACCESS_DENIED: i32 = 5;
    match File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .access_mode(GENERIC_READ | GENERIC_WRITE | DELETE)
        .share_mode(0)
        .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
        .open(path)
    {
        Ok(file) => Ok(Some(file)),
        // Open by its holder, or deleted and not yet gone.
        Err(e) if matches!(e.raw_os_error(), Some(ERROR_SHARING_VIOLATION | ERROR_ACCESS_DENIED)) && path.exists() => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[cfg(not(any(unix, windows)))]
fn try_lock(path: &Path) -> io::Result<Option<File>> {
    match File::options().write(true).create_new(true).open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e),
    }
}

fn lock_timeout() -> Result<Duration, Failure> {
    match std::env::var("PORTS_LOCK_TIMEOUT") {
        Err(_) => Ok(Duration::from_secs(30)),
        Ok(value) => value.trim().parse::<u64>().map(Duration::from_secs).map_err(|_| {
            Failure::usage(format!(
                "PORTS_LOCK_TIMEOUT={:?} is not a number of seconds",
                ports_core::escape_control(&value)
            ))
        }),
    }
}

/// Refuses a target that exists and is not a regular file.
pub fn check_writable(real: &Path, label: &str) -> Result<(), Failure> {
    match std::fs::symlink_metadata(real) {
        Ok(meta) if !meta.is_file() => Err(Failure::usage(format!(
            "{label} is not a regular file ({}); not writing over it",
            ports_core::file_kind(meta.file_type())
        ))),
        _ => Ok(()),
    }
}

/// Replaces the regular file `real` (from [`real_path`], under a [`Lock`]) with `bytes`:
/// a temp file beside it, synced, given the old file's permissions and owner, renamed over it,
/// and the directory synced. Errors name `label`, never the temp file.
///
/// # Errors
///
/// `real` is not a regular file, or the write fails (exit 2).
pub fn replace(real: &Path, label: &str, bytes: &[u8]) -> Result<(), Failure> {
    prepare(real, label, bytes)?.persist()
}

/// A file's new content written beside it, not yet renamed over it: the first half of an
/// atomic replacement, so that a command that rewrites many files (`move`, `scan --fix`) can
/// prepare them all before it changes any. Dropped, the temp file is removed.
#[derive(Debug)]
pub struct Prepared {
    temp: tempfile::NamedTempFile,
    real: PathBuf,
    label: String,
}

/// Writes `bytes` to a temp file beside `real`, with `real`'s permissions and owner.
///
/// # Errors
///
/// `real` is not a regular file, or the temp file cannot be written (a read-only directory, a
/// full disk), naming `label` (exit 2).
pub fn prepare(real: &Path, label: &str, bytes: &[u8]) -> Result<Prepared, Failure> {
    check_writable(real, label)?;
    let fail = |e: io::Error| Failure::usage(format!("cannot write {label}: {}", plain(&e)));
    let dir = real.parent().unwrap_or(Path::new("."));
    let prefix = format!(".{}.ports-tmp-", file_name(real));
    remove_stale(dir, &prefix);
    let mut temp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(real) {
        temp.as_file().set_permissions(meta.permissions()).map_err(fail)?;
        keep_owner(temp.as_file(), &meta);
    }
    temp.as_file().sync_all().map_err(fail)?;
    Ok(Prepared { temp, real: real.to_path_buf(), label: label.to_owned() })
}

impl Prepared {
    /// Renames the temp file over the target.
    ///
    /// # Errors
    ///
    /// The rename fails (exit 2), naming the target.
    pub fn persist(self) -> Result<(), Failure> {
        let dir = self.real.parent().unwrap_or(Path::new(".")).to_path_buf();
        let label = self.label;
        self.temp
            .persist(&self.real)
            .map_err(|e| Failure::usage(format!("cannot write {label}: {}", plain(&e.error))))?;
        sync_dir(&dir);
        Ok(())
    }

    /// The target, when it still holds `expected` (re-read just before the rename): renamed
    /// over it, `Ok(true)`; when it changed meanwhile, left alone, `Ok(false)`.
    ///
    /// # Errors
    ///
    /// The rename fails (exit 2).
    pub fn persist_if_unchanged(self, expected: &[u8]) -> Result<bool, Failure> {
        let limit = u64::try_from(expected.len()).unwrap_or(u64::MAX).saturating_add(1);
        match ports_core::read_bytes(&self.real, limit) {
            Ok(now) if now == expected => self.persist().map(|()| true),
            _ => Ok(false),
        }
    }
}

/// An I/O error without the path that tempfile adds to some of its messages.
fn plain(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.kind().to_string()),
    }
}

/// Temp files of earlier runs that were killed: whoever holds the lock owns none of them.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(|n| n.starts_with(prefix)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn keep_owner(file: &File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Only root can give a file away; for anyone else the new file is already theirs.
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata) {}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) {}

/// `text` (written with `\n`) in the conventions of `original`: CRLF line endings and a
/// leading byte-order mark when the original had them.
pub fn like_original(text: &str, original: &[u8]) -> Vec<u8> {
    let bom = original.starts_with("\u{feff}".as_bytes());
    let crlf = original.windows(2).any(|w| w == b"\r\n");
    let mut out = Vec::with_capacity(text.len() + 64);
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    if crlf {
        out.extend_from_slice(text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes());
    } else {
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// Creates `target` with `bytes`, never overwriting: an existing file is an error; a failed
/// write removes what it created.
///
/// # Errors
///
/// The file exists, or cannot be created or written (exit 2), naming `label`.
pub fn create_new(target: &Path, label: &str, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(target) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(Failure::usage(format!("{label} already exists; not overwriting it")));
        }
        Err(e) => return Err(Failure::usage(format!("cannot create {label}: {e}"))),
    };
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(target);
        return Err(Failure::usage(format!("cannot write {label}: {e}")));
    }
    Ok(())
}

/// The registry file open for an edit, under its lock: read, parsed, changed through
/// [`RegistryEdit::registry`], then validated and written back atomically in the file's own
/// conventions (line endings, BOM, mode, owner) by [`RegistryEdit::commit`]. The one write path
/// of `add`, `move`, `remove` and `set`. Dropped without a commit, nothing is written. The lock
/// is held until the edit is dropped, so a command can write other files first (as `move` does)
/// and the registry last.
#[derive(Debug)]
pub struct RegistryEdit {
    real: PathBuf,
    name: String,
    original: Vec<u8>,
    /// The registry being edited.
    pub registry: Registry,
    _lock: Lock,
}

impl RegistryEdit {
    /// Locks and reads the registry in force.
    ///
    /// # Errors
    ///
    /// No registry file (the embedded one cannot be edited: run `ports init`), an unreadable,
    /// malformed or invalid file, a lock not obtained.
    pub fn open(located: &Located) -> Result<RegistryEdit, Failure> {
        let name = located.label();
        let Some(path) = located.discovery.path.clone() else {
            return Err(Failure::usage(
                "no registry file: the embedded standard cannot be edited; run `ports init` to write it as ports.json, then edit that",
            ));
        };
        let real = real_path(&path)?;
        check_writable(&real, &name)?;
        if !real.exists() {
            return Err(Failure::usage(format!("no registry at {name}; run `ports init` to create one")));
        }
        let lock = Lock::acquire(&real, &name)?;
        let original = ports_core::read_bytes(&real, ports_core::REGISTRY_LIMIT).map_err(|e| {
            if e.is_not_found() {
                Failure::usage(format!("no registry at {name}; run `ports init` to create one"))
            } else {
                Failure::usage(format!("cannot read {name}: {e}"))
            }
        })?;
        let text = ports_core::decode(original.clone()).map_err(|e| Failure::problem(format!("{name}: {e}")))?;
        let registry = Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(&name)))?;
        Ok(RegistryEdit { real, name, original, registry, _lock: lock })
    }

    /// The registry as it will be written: validated, in the file's layout and conventions
    /// ([`Registry::to_json_keeping_layout`](ports_core::Registry::to_json_keeping_layout), then
    /// its line endings and byte-order mark).
    ///
    /// # Errors
    ///
    /// The edited registry is invalid ("the change would break the registry"), exit 1.
    pub fn bytes(&self) -> Result<Vec<u8>, Failure> {
        if let Err(e) = self.registry.validate() {
            return Err(Failure::problem(format!("the change would break the registry; nothing written: {e}")));
        }
        // The file's own layout kept (indentation, one-line or multi-line entries).
        let text = self
            .registry
            .to_json_keeping_layout(&String::from_utf8_lossy(&self.original))
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}; nothing written", self.name)))?;
        Ok(like_original(&text, &self.original))
    }

    /// The registry file, its symlinks followed.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        Some(&self.real)
    }

    /// The file's bytes as they were read.
    #[must_use]
    pub fn original(&self) -> &[u8] {
        &self.original
    }

    /// Validates and writes the registry, then releases the lock.
    ///
    /// # Errors
    ///
    /// As [`RegistryEdit::bytes`], or a failed write (exit 2).
    pub fn commit(self) -> Result<(), Failure> {
        let bytes = self.bytes()?;
        replace(&self.real, &self.name, &bytes)
    }
}

/// Reads a file for comparison (`--check`): a regular file, capped in size, UTF-8.
pub fn read_checked(path: &Path, limit: u64) -> Result<String, Failure> {
    ports_core::read_text(path, limit).map_err(|e| {
        let shown = ports_core::escape_control(&path.display().to_string()).into_owned();
        match e {
            ports_core::ReadError::NotUtf8 { .. } => Failure::problem(format!("cannot read {shown}: {e}")),
            _ => Failure::usage(format!("cannot read {shown}: {e}")),
        }
    })
}

//! Writing the user's files: under a lock, atomically, through symlinks, keeping what the file
//! was (line endings, byte-order mark, permissions, owner). Every command that writes a file
//! (`add`, `init`, `export --out`) goes through here.
//!
//! - The lock is on a sidecar file beside the real target (`.ports.json.lock`), never replaced,
//!   so that it holds on every OS while the target itself is replaced by rename. Waiting is
//!   announced after a second and bounded (`PORTS_LOCK_TIMEOUT` seconds, 30 by default).
//! - A symlink is followed: the temp file is written beside the link's target and renamed over
//!   the target, so the link stays a link and both paths see the change.
//! - Anything that exists and is not a regular file (a device, a FIFO, a directory) is refused.
//! - Temp files are named `.<name>.ports-tmp-XXXXXX`; one left by a killed run is removed by the
//!   next writer (who holds the lock, so no live writer owns it).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs4::FileExt;

use crate::failure::Failure;
use crate::out;

/// The file a path finally names: symlinks followed. A path that does not exist yet keeps its
/// name, in its directory resolved.
pub(crate) fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    // A dangling symlink: follow it by hand to the file it will create.
    if let Ok(target) = std::fs::read_link(path) {
        let base = path.parent().unwrap_or(Path::new("."));
        return real_path(&base.join(target));
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
            std::fs::canonicalize(dir).map_or_else(|_| path.to_path_buf(), |dir| dir.join(name))
        }
        (_, Some(name)) => std::env::current_dir().map_or_else(|_| path.to_path_buf(), |dir| dir.join(name)),
        _ => path.to_path_buf(),
    }
}

fn file_name(real: &Path) -> String {
    real.file_name().map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// An exclusive lock on a file's sidecar lock file, released when dropped.
pub(crate) struct Lock {
    _file: File,
}

impl Lock {
    /// Locks `real` (a path from [`real_path`]); `label` names it in messages.
    pub(crate) fn acquire(real: &Path, label: &str) -> Result<Lock, Failure> {
        let dir = real.parent().unwrap_or(Path::new("."));
        let lock_path = dir.join(format!(".{}.lock", file_name(real)));
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| Failure::usage(format!("cannot open the lock file {}: {e}", lock_path.display())))?;
        let timeout = lock_timeout()?;
        let start = Instant::now();
        let mut announced = false;
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(fs4::TryLockError::WouldBlock) => {}
                Err(fs4::TryLockError::Error(e)) => {
                    return Err(Failure::usage(format!("cannot lock {label}: {e}")));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                return Err(Failure::usage(format!(
                    "gave up waiting for the lock on {label} after {} s (held by another `ports add`?); PORTS_LOCK_TIMEOUT sets the wait in seconds",
                    timeout.as_secs()
                )));
            }
            if !announced && waited >= Duration::from_secs(1) {
                out::warn(format!("waiting for the lock on {label} (held by another `ports add`?)"));
                announced = true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
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
pub(crate) fn check_writable(real: &Path, label: &str) -> Result<(), Failure> {
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
pub(crate) fn replace(real: &Path, label: &str, bytes: &[u8]) -> Result<(), Failure> {
    check_writable(real, label)?;
    let fail = |e: io::Error| Failure::usage(format!("cannot write {label}: {}", plain(&e)));
    let dir = real.parent().unwrap_or(Path::new("."));
    let prefix = format!(".{}.ports-tmp-", file_name(real));
    remove_stale(dir, &prefix);
    let mut tmp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(real) {
        tmp.as_file().set_permissions(meta.permissions()).map_err(fail)?;
        keep_owner(tmp.as_file(), &meta);
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(real).map_err(|e| fail(e.error))?;
    sync_dir(dir);
    Ok(())
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
pub(crate) fn like_original(text: &str, original: &[u8]) -> Vec<u8> {
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

/// Reads a file for comparison (`--check`): a regular file, capped in size, UTF-8.
pub(crate) fn read_checked(path: &Path, limit: u64) -> Result<String, Failure> {
    ports_core::read_text(path, limit).map_err(|e| {
        let shown = ports_core::escape_control(&path.display().to_string()).into_owned();
        match e {
            ports_core::ReadError::NotUtf8 { .. } => Failure::problem(format!("cannot read {shown}: {e}")),
            _ => Failure::usage(format!("cannot read {shown}: {e}")),
        }
    })
}

//! Reading a user's file (a registry, a config file, a document to check): regular files only,
//! opened without blocking, read up to a stated limit, decoded as UTF-8 with a leading BOM
//! accepted. A FIFO, a device such as `/dev/zero` or a directory is refused before it is read,
//! so that nothing here can hang or exhaust memory.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// The largest registry file read: 64 MiB (a registry of every port, 1-65535, is about 8 MiB).
pub const REGISTRY_LIMIT: u64 = 64 << 20;

/// The largest config file (`~/.codecoder/config.json`) read: 4 MiB.
pub const CONFIG_LIMIT: u64 = 4 << 20;

/// Why a file could not be read as text.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Opening or reading failed (missing file, permission...).
    Io(io::Error),
    /// The path names something other than a regular file (a FIFO, a device, a directory).
    NotAFile {
        /// What it is.
        kind: &'static str,
    },
    /// The file is larger than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    NotUtf8 {
        /// The offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
}

impl ReadError {
    /// Whether the file does not exist.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotAFile { kind } => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { limit } => {
                write!(f, "it is larger than {} MiB, the limit for this file", limit >> 20)
            }
            ReadError::NotUtf8 { offset } => write!(f, "it is not UTF-8 text (invalid byte at offset {offset})"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// What a file that is not a regular file is, for messages: `"a FIFO"`, `"a device"`,
/// `"a socket"`, `"a directory"`, else `"not a regular file"`.
///
/// ```
/// let meta = std::fs::metadata(std::env::temp_dir())?;
/// assert_eq!(ports_core::file_kind(meta.file_type()), "a directory");
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn file_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

// O_NONBLOCK, so that a FIFO swapped in between the type check and the open cannot block the
// open. The type is checked again on the open file.
#[cfg(all(target_os = "linux", not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
const O_NONBLOCK: i32 = 0x4;
#[cfg(all(
    unix,
    not(any(
        all(target_os = "linux", not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))),
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    ))
))]
const O_NONBLOCK: i32 = 0;

/// The most read of a file that says it is empty: a pseudo-file of `/proc` or `/sys` reports
/// size 0 whatever it holds (`/proc/<pid>/pagemap` holds gigabytes), so it is read up to 1 MiB.
pub const PSEUDO_LIMIT: u64 = 1 << 20;

/// Reads the bytes of a regular file, at most `limit` of them ([`PSEUDO_LIMIT`] for a file
/// that reports size 0, such as a pseudo-file of `/proc`).
///
/// # Errors
///
/// [`ReadError`]: not a regular file (checked before opening, and again on the open file), too
/// large, or an I/O error.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile { kind: file_kind(meta.file_type()) });
    }
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile { kind: file_kind(meta.file_type()) });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let limit = if meta.len() == 0 { limit.min(PSEUDO_LIMIT) } else { limit };
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Bytes as text: UTF-8, a leading byte-order mark dropped (editors on Windows write one).
///
/// # Errors
///
/// [`ReadError::NotUtf8`] with the offset of the first bad byte.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    let mut text = String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 { offset: e.utf8_error().valid_up_to() })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Reads a regular file as UTF-8 text, at most `limit` bytes: [`read_bytes`] then [`decode`].
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("config.json");
/// std::fs::write(&path, "\u{feff}{}")?;
/// assert_eq!(ports_core::read_text(&path, ports_core::CONFIG_LIMIT)?, "{}");
/// let err = ports_core::read_text(dir.path(), ports_core::CONFIG_LIMIT).unwrap_err();
/// assert_eq!(err.to_string(), "it is a directory, not a regular file");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`read_bytes`] and [`decode`].
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    decode(read_bytes(path, limit)?)
}

//! Rewriting the numbers of a file in place: a file's edits (byte ranges and what replaces
//! them), its new bytes (everything but the replaced digits kept: line endings, BOM, the rest
//! of the line), a unified diff for `--dry-run`, and the two-phase write that `move` and
//! `scan --fix` share — every file prepared before any is renamed, each re-read and compared
//! just before its rename.

use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

use crate::failure::Failure;
use crate::fsx;

/// The edits of one file.
#[derive(Debug, Clone)]
pub struct FileEdit {
    /// The file, its symlinks followed (a link stays a link).
    pub real: PathBuf,
    /// The path shown: relative to the root, `/` separators.
    pub path: String,
    /// The bytes as read.
    pub original: Vec<u8>,
    /// Byte ranges and their replacements, in order, not overlapping.
    pub replacements: Vec<(Range<usize>, String)>,
}

/// Where an edit is: for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    /// The path, relative to the root.
    pub path: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, in characters, from 1.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", ports_core::escape_control(&self.path), self.line, self.column)
    }
}

impl FileEdit {
    /// The bytes after the edits.
    #[must_use]
    pub fn edited(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.original.len());
        let mut at = 0;
        for (range, text) in &self.replacements {
            out.extend_from_slice(&self.original[at..range.start]);
            out.extend_from_slice(text.as_bytes());
            at = range.end;
        }
        out.extend_from_slice(&self.original[at..]);
        out
    }
}

/// A unified diff of `path` from `old` to `new` (`a/path`, `b/path` headers, three lines of
/// context), empty when they are equal.
#[must_use]
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    if old == new {
        return String::new();
    }
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
    let path = ports_core::escape_control(path);
    diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string()
}

/// What the write of a set of edits did.
#[derive(Debug, Default, Serialize)]
pub struct Written {
    /// Files rewritten.
    pub files: Vec<String>,
    /// Files that changed between the scan and the write, left alone.
    pub changed: Vec<String>,
}

/// Writes every file's edits: all prepared (temp files beside them) before any is renamed, so
/// that a failure to prepare one (read-only, full disk) leaves every file as it was; then each
/// re-read and compared with what was scanned just before its rename.
///
/// # Errors
///
/// A file cannot be prepared (nothing is written) or renamed (exit 2, naming it).
pub fn write_all(edits: &[FileEdit]) -> Result<Written, Failure> {
    let mut prepared = Vec::with_capacity(edits.len());
    for edit in edits {
        let label = ports_core::escape_control(&edit.path).into_owned();
        prepared.push(
            fsx::prepare(&edit.real, &label, &edit.edited())
                .map_err(|f| Failure { message: format!("{}; no file was changed", f.message), ..f })?,
        );
    }
    let mut written = Written::default();
    for (edit, prepared) in edits.iter().zip(prepared) {
        if prepared.persist_if_unchanged(&edit.original)? {
            written.files.push(edit.path.clone());
        } else {
            written.changed.push(edit.path.clone());
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_replaced_bytes_change() {
        let edit = FileEdit {
            real: PathBuf::new(),
            path: "a.sh".into(),
            original: b"\xef\xbb\xbfA=4410\r\nB=4410 # x\r\n".to_vec(),
            replacements: vec![(5..9, "4433".into()), (13..17, "4433".into())],
        };
        assert_eq!(edit.edited(), b"\xef\xbb\xbfA=4433\r\nB=4433 # x\r\n");
    }

    #[test]
    fn a_file_changed_since_the_scan_is_left_alone_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, changed) = (dir.path().join("kept.sh"), dir.path().join("changed.sh"));
        std::fs::write(&kept, "A=4410\n").unwrap();
        std::fs::write(&changed, "B=4410 edited meanwhile\n").unwrap();
        let edit = |real: &std::path::Path, path: &str, original: &[u8]| FileEdit {
            real: real.to_path_buf(),
            path: path.into(),
            original: original.to_vec(),
            replacements: vec![(2..6, "4433".into())],
        };
        let written =
            write_all(&[edit(&kept, "kept.sh", b"A=4410\n"), edit(&changed, "changed.sh", b"B=4410\n")]).unwrap();
        assert_eq!((written.files, written.changed), (vec!["kept.sh".to_owned()], vec!["changed.sh".to_owned()]));
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "A=4433\n");
        assert_eq!(std::fs::read_to_string(&changed).unwrap(), "B=4410 edited meanwhile\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "no temp file left: {leftovers:?}");
    }

    #[test]
    fn a_diff_names_the_path_and_the_changed_lines() {
        let diff = unified_diff("ops.sh", b"a\nPORT=4410\nb\n", b"a\nPORT=4433\nb\n");
        assert!(diff.starts_with("--- a/ops.sh\n+++ b/ops.sh\n@@ -1,3 +1,3 @@\n"), "{diff}");
        assert!(diff.contains("\n-PORT=4410\n+PORT=4433\n"), "{diff}");
        assert_eq!(unified_diff("x", b"same", b"same"), "");
    }
}

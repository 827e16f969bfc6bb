//! What a scan found, kept compact, and how it is printed: text (streamed, one line a finding,
//! numbers and common messages written without formatting) and JSON (each finding rendered as
//! it is serialized); SARIF and GitHub are in [`super::format`].

use std::io::{self, Write};
use std::path::PathBuf;

use ports_core::{escape_control, Registry};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::classify::{Finding, Kind, Style};
use super::format;
use super::names::Index;
use crate::out::red;
use crate::report::{Format, Report};

/// The findings of one file, kept compact: names as indexes into `strings`.
#[derive(Debug)]
pub struct FileFindings {
    /// The path, relative to the root, with `/` separators.
    pub path: String,
    /// The file's style (for suggestions).
    pub style: Style,
    /// The names the findings refer to.
    pub strings: Vec<Box<str>>,
    /// The findings, in order.
    pub findings: Vec<Finding>,
}

impl FileFindings {
    /// The findings with their names as text.
    pub fn iter(&self) -> impl Iterator<Item = Finding<&str>> + '_ {
        self.findings.iter().map(|f| Finding {
            line: f.line,
            column: f.column,
            port: f.port,
            kind: f.kind,
            cause: f.cause.map(|i| self.strings.get(i as usize).map_or("", |s| &**s)),
        })
    }
}

/// Everything a scan found.
pub struct ScanReport {
    /// The registry used.
    pub registry_label: String,
    /// The registry, for messages.
    pub registry: Registry,
    /// The root paths are shown relative to.
    pub root: PathBuf,
    /// How many files were read and scanned.
    pub files_scanned: usize,
    /// Files not scanned: binary (a NUL byte) or too large.
    pub skipped: usize,
    /// The findings, by file, files in path order.
    pub files: Vec<FileFindings>,
    /// Files that could not be read (exit 2), ignore files not honoured, directories not read.
    pub warnings: Vec<String>,
    /// Whether an I/O error left something unscanned (exit 2).
    pub incomplete: bool,
    /// Whether `hard-coded` findings are problems.
    pub strict: bool,
    /// With `--fix`: what was rewritten (or, with `--dry-run`, would be).
    pub fix: Option<FixReport>,
}

/// What `scan --fix` rewrote.
#[derive(Debug, Default, Serialize)]
pub struct FixReport {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Each number rewritten.
    pub fixed: Vec<crate::edit::Location>,
    /// How many files.
    pub files: usize,
    /// Files that changed between the scan and the write: not rewritten (exit 2).
    pub changed: Vec<String>,
    /// The unified diff, with `--dry-run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl std::fmt::Debug for ScanReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanReport")
            .field("root", &self.root)
            .field("files_scanned", &self.files_scanned)
            .field("findings", &self.count(None))
            .finish_non_exhaustive()
    }
}

impl ScanReport {
    /// How many findings of `kind` (of every kind with `None`).
    #[must_use]
    pub fn count(&self, kind: Option<Kind>) -> usize {
        self.files.iter().flat_map(|f| &f.findings).filter(|f| kind.is_none_or(|k| f.kind == k)).count()
    }

    /// Whether a finding of `kind` fails the scan.
    #[must_use]
    pub fn is_problem(&self, kind: Kind) -> bool {
        kind.is_problem() || self.strict
    }

    /// Every finding with its file, in order.
    pub fn findings(&self) -> impl Iterator<Item = (&FileFindings, Finding<&str>)> + '_ {
        self.files.iter().flat_map(|file| file.iter().map(move |f| (file, f)))
    }

    fn write_text(&self, out: &mut dyn Write, index: &Index<'_>) -> io::Result<()> {
        if let Some(fix) = &self.fix {
            if let Some(diff) = &fix.diff {
                out.write_all(diff.as_bytes())?;
            }
            let verb = if fix.dry_run { "would fix" } else { "fixed" };
            writeln!(out, "{verb} {} number(s) in {} file(s)", fix.fixed.len(), fix.files)?;
            if !fix.dry_run {
                for at in &fix.fixed {
                    writeln!(out, "  {at}")?;
                }
            }
            for file in &fix.changed {
                writeln!(out, "not fixed: {} changed during the scan", escape_control(file))?;
            }
        }
        // One line at a time into a reused buffer: the path escaped once per file, the kind
        // painted once, numbers and the common messages written without formatting.
        let kinds: Vec<String> = Kind::ALL
            .iter()
            .map(|&k| if self.is_problem(k) { red(k.as_str()) } else { k.as_str().to_owned() })
            .collect();
        let mut number = itoa::Buffer::new();
        let mut line = Vec::with_capacity(256);
        for file in &self.files {
            let path = escape_control(&file.path);
            for f in file.iter() {
                line.clear();
                line.extend_from_slice(path.as_bytes());
                line.push(b':');
                line.extend_from_slice(number.format(f.line).as_bytes());
                line.push(b':');
                line.extend_from_slice(number.format(f.column).as_bytes());
                line.extend_from_slice(b": ");
                let kind = Kind::ALL.iter().position(|&k| k == f.kind).unwrap_or(0);
                line.extend_from_slice(kinds[kind].as_bytes());
                line.extend_from_slice(b": ");
                f.write_message(index, &mut line);
                if let Some(suggestion) = f.suggestion(index, file.style) {
                    line.extend_from_slice(b" (use ");
                    line.extend_from_slice(suggestion.as_bytes());
                    line.push(b')');
                }
                line.push(b'\n');
                out.write_all(&line)?;
            }
        }
        let skipped =
            if self.skipped > 0 { format!("; {} skipped (binary or too large)", self.skipped) } else { String::new() };
        writeln!(
            out,
            "{} files scanned: {} unregistered, {} mismatch, {} hard-coded{skipped}",
            self.files_scanned,
            self.count(Some(Kind::Unregistered)),
            self.count(Some(Kind::Mismatch)),
            self.count(Some(Kind::HardCoded)),
        )?;
        writeln!(out, "registry: {}", self.registry_label)
    }
}

/// One finding as JSON.
#[derive(Serialize)]
struct FindingJson<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    port: u16,
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
}

/// The findings, rendered one at a time as they are serialized.
struct FindingsJson<'a>(&'a ScanReport, &'a Index<'a>);

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, index) = (self.0, self.1);
        let mut seq = serializer.serialize_seq(Some(report.count(None)))?;
        for (file, f) in report.findings() {
            seq.serialize_element(&FindingJson {
                path: &file.path,
                line: f.line,
                column: f.column,
                port: f.port,
                kind: f.kind,
                service: f.service(index),
                message: f.message(index),
                suggestion: f.suggestion(index, file.style),
            })?;
        }
        seq.end()
    }
}

impl Serialize for ScanReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = Index::new(&self.registry);
        let mut s = serializer.serialize_struct("ScanReport", 6)?;
        s.serialize_field("registry", &self.registry_label)?;
        s.serialize_field("root", &self.root.display().to_string())?;
        s.serialize_field("files_scanned", &self.files_scanned)?;
        s.serialize_field("skipped", &self.skipped)?;
        s.serialize_field("warnings", &self.warnings)?;
        s.serialize_field("findings", &FindingsJson(self, &index))?;
        if let Some(fix) = &self.fix {
            s.serialize_field("fix", fix)?;
        }
        s.end()
    }
}

impl Report for ScanReport {
    fn text(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_text(&mut out, &Index::new(&self.registry));
        String::from_utf8_lossy(&out).into_owned()
    }

    fn code(&self) -> u8 {
        if self.incomplete || self.fix.as_ref().is_some_and(|f| !f.changed.is_empty()) {
            2
        } else {
            u8::from(self.findings().any(|(_, f)| self.is_problem(f.kind)))
        }
    }

    fn notes(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        let index = Index::new(&self.registry);
        match format {
            Format::Text => self.write_text(out, &index),
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::other)?;
                out.write_all(b"\n")
            }
            Format::Sarif => format::sarif(self, &index, out),
            Format::Github => format::github(self, &index, out),
        }
    }
}

//! `ports scan [PATH...] [--format F] [--strict] [--exclude GLOB]...`: every hard-coded port of
//! the block in the repository — shell, `.env`, TypeScript, YAML, Dockerfiles, Markdown, Rust —
//! checked against the registry. This is where drift hides: files the compiler never reads.
//!
//! In seams, each its own module: [`walk`] (which files) → [`lexer`] (the port literals of a
//! text) → [`names`] (which name on the line each answers to) → [`classify`] (kind and
//! message) → [`format`](mod@format) (SARIF and GitHub; text and JSON here). [`text`] runs the middle three
//! over one file; [`claim`] reads `#[service]` claims in Rust.

pub mod claim;
pub mod classify;
pub mod format;
pub mod lexer;
pub mod names;
pub mod text;
pub mod walk;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use ignore::overrides::OverrideBuilder;
use ports_core::{escape_control, ReadError, Registry};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use self::classify::{Finding, Kind, Style};
use self::names::Index;
use crate::cli::ScanArgs;
use crate::commands::export::HEADER_MARK;
use crate::context::Located;
use crate::failure::Failure;
use crate::out::red;
use crate::report::{Format, Report};

/// Files larger than this are not read (and counted as skipped).
pub const FILE_LIMIT: u64 = 256 << 20;

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
    /// Files not scanned: binary, not UTF-8 or too large.
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
        let skipped = if self.skipped > 0 {
            format!("; {} skipped (binary, not UTF-8 or too large)", self.skipped)
        } else {
            String::new()
        };
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

    /// Reads every file of the scope through ports-core's reader and hands each text to
    /// `visit` (path, text), from several threads. Returns (files scanned, files skipped,
    /// warnings, whether something could not be read).
    pub fn for_each_text(&self, visit: &(dyn Fn(&Path, &[u8]) + Sync)) -> Walked {
        let scanned = AtomicUsize::new(0);
        let skipped = AtomicUsize::new(0);
        let errors = Mutex::new(Vec::new());
        let walk = walk::Walk::new(self.starts.clone(), self.root.clone(), self.excludes.clone());
        let mut warnings = walk.run(&|path: &Path| {
            if self.is_registry(path) {
                return;
            }
            let shown = || escape_control(&relative(path, &self.root)).into_owned();
            match ports_core::read_bytes(path, FILE_LIMIT) {
                Ok(bytes) => {
                    if memchr::memchr(0, &bytes).is_some() || std::str::from_utf8(&bytes).is_err() {
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
                    let why = match &e {
                        ReadError::Io(io) if io.kind() == io::ErrorKind::NotFound => {
                            "it vanished during the scan".to_owned()
                        }
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
        let incomplete = !errors.is_empty() || warnings.iter().any(|w| w.starts_with("warning: not scanned"));
        warnings.extend(errors);
        warnings.sort();
        Walked { scanned: scanned.into_inner(), skipped: skipped.into_inner(), warnings, incomplete }
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
    /// Files skipped: binary, not UTF-8, too large.
    pub skipped: usize,
    /// Warnings, sorted.
    pub warnings: Vec<String>,
    /// Whether a file or directory could not be read.
    pub incomplete: bool,
}

/// An I/O error without the path some messages carry.
fn plain(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.to_string()),
    }
}

/// `ports scan`.
///
/// # Errors
///
/// The registry cannot be loaded; a PATH does not exist; a bad `--exclude` (exit 2).
pub fn scan(located: &Located, args: &ScanArgs) -> Result<ScanReport, Failure> {
    let registry = located.load()?;
    let scope = Scope::new(located, &args.paths, &args.exclude)?;
    let index = Index::new(&registry);
    let fix = args.fix.then(|| fix(&scope, &index, args.dry_run)).transpose()?;
    // With --dry-run nothing changed: what would be fixed is not reported as left.
    let fixed: std::collections::HashSet<(String, u32, u32)> = match &fix {
        Some(fix) if fix.dry_run => fix.fixed.iter().map(|l| (l.path.clone(), l.line, l.column)).collect(),
        _ => std::collections::HashSet::new(),
    };
    let files = Mutex::new(Vec::new());
    let walked = scope.for_each_text(&|path, bytes| {
        let shown = relative(path, &scope.root);
        let style = Style::of(path);
        let mut found = FileFindings { path: String::new(), style, strings: Vec::new(), findings: Vec::new() };
        let mut interned: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        text::scan_text(&index, bytes, style, |o| {
            if let (false, Some((kind, cause))) = (o.ignored, o.verdict.finding) {
                if !fixed.is_empty() && fixed.contains(&(shown.clone(), o.line, o.column)) {
                    return;
                }
                // Each name kept once per file, however many findings refer to it.
                let cause = cause.map(|s| {
                    if let Some(&at) = interned.get(s) {
                        return at;
                    }
                    let at = u32::try_from(found.strings.len()).unwrap_or(u32::MAX);
                    found.strings.push(s.into());
                    interned.insert(s.to_owned(), at);
                    at
                });
                found.findings.push(Finding { line: o.line, column: o.column, port: o.literal.port, kind, cause });
            }
        });
        if !found.findings.is_empty() {
            found.path = shown;
            found.findings.shrink_to_fit();
            files.lock().unwrap_or_else(PoisonError::into_inner).push(found);
        }
    });
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    drop(index);
    Ok(ScanReport {
        registry_label: located.label(),
        registry,
        root: scope.root,
        files_scanned: walked.scanned,
        skipped: walked.skipped,
        files,
        warnings: walked.warnings,
        incomplete: walked.incomplete,
        strict: args.strict,
        fix,
    })
}

/// `scan --fix`: each number that contradicts the registered service named on its line (or
/// the `#[service]` claim it is in) rewritten to that service's port — and a claim's group to
/// the port's group — written (every file prepared first) or, with `dry_run`, diffed.
fn fix(scope: &Scope, index: &Index<'_>, dry_run: bool) -> Result<FixReport, Failure> {
    let registry = index.registry;
    let rewrite = scope.rewrite(index, &|o| match (o.ignored, o.verdict.fix) {
        (false, Some(port)) if port != o.literal.port => {
            let mut ranges = vec![(o.literal.start..o.literal.end, port.to_string())];
            if let (Some((start, end)), Some(group)) = (o.claim.and_then(|c| c.group), registry.group_of(port)) {
                ranges.push((start..end, group.id.clone()));
            }
            Decision::Rewrite(ranges)
        }
        _ => Decision::Skip,
    });
    let mut report = FixReport { dry_run, files: rewrite.edits.len(), ..FixReport::default() };
    if dry_run {
        let mut diff = String::new();
        for file in &rewrite.edits {
            diff.push_str(&crate::edit::unified_diff(&file.path, &file.original, &file.edited()));
        }
        report.diff = Some(diff);
    } else {
        report.changed = crate::edit::write_all(&rewrite.edits)?.changed;
    }
    report.fixed = rewrite.rewritten;
    Ok(report)
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
    /// Files skipped (binary, not UTF-8, too large).
    pub skipped: usize,
    /// Warnings of the walk.
    pub warnings: Vec<String>,
    /// Whether something could not be read.
    pub incomplete: bool,
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

//! `ports scan [PATH...] [--format F] [--strict] [--exclude GLOB]...`: every hard-coded port of
//! the block in the repository — shell, `.env`, TypeScript, YAML, Dockerfiles, Markdown, Rust —
//! checked against the registry. This is where drift hides: files the compiler never reads.
//!
//! In seams, each its own module: [`walk`] (which files) → [`lexer`] (the port literals of a
//! text) → [`names`] (which name on the line each answers to) → [`classify`] (kind and
//! message) → [`report`] (text and JSON) and [`format`](mod@format) (SARIF and GitHub). [`text`]
//! runs the middle three over one file; [`claim`] reads `#[service]` claims in Rust; [`scope`]
//! is where a scan runs, and the rewrite `move` and `--fix` share.

pub mod claim;
pub mod classify;
pub mod format;
pub mod lexer;
pub mod names;
pub mod report;
pub mod scope;
pub mod text;
pub mod walk;

use std::sync::{Mutex, PoisonError};

pub use self::report::{FileFindings, FixReport, ScanReport};
pub use self::scope::{relative, Decision, Left, Rewrite, Scope, Walked};

use self::classify::{Finding, Style};
use self::names::Index;
use crate::cli::ScanArgs;
use crate::context::Located;
use crate::failure::Failure;

/// Files larger than this are not read (and counted as skipped).
pub const FILE_LIMIT: u64 = 256 << 20;

/// `ports scan`.
///
/// # Errors
///
/// The registry cannot be loaded; a PATH does not exist; a bad `--exclude` (exit 2).
pub fn scan(located: &Located, args: &ScanArgs) -> Result<ScanReport, Failure> {
    let scope = Scope::new(located, &args.paths, &args.exclude)?;
    // A fix that writes reads the registry under the lock, after any `move` in progress.
    let _lock = (args.fix && !args.dry_run).then(|| scope.lock_edits()).transpose()?;
    let registry = located.load()?;
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

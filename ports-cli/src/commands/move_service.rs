//! `ports move <id> <port> [PATH...]`: the re-plan in one command. The registry entry takes the
//! new port and the group it lies in (`Registry::relocate`: the rules of `add`), and every
//! occurrence of the old port that `scan` attributes to the service follows — the
//! `#[service(port, group)]` claim included — while lines that name someone else, `ports:ignore`
//! lines, ignored and binary files and non-ports stay, listed in the report.
//!
//! Under the repository's file lock ([`Scope::lock_edits`], which `scan --fix` takes too) and
//! the registry's lock from start to end, so that two moves, or a move and a fix, run one after
//! the other and each sees the other's files and registry. Every file is prepared before any is renamed, and the
//! registry is written last: a failure before that leaves everything as it was.

use std::path::PathBuf;

use serde::Serialize;

use crate::context::Located;
use crate::edit::{unified_diff, Location, Written};
use crate::failure::Failure;
use crate::fsx::RegistryEdit;
use crate::report::Report;
use crate::scan::classify::Finding;
use crate::scan::names::Index;
use crate::scan::{relative, Decision, Left, Scope};

/// `ports move`'s arguments.
#[derive(Debug, Clone)]
pub struct MoveRequest<'a> {
    /// The service.
    pub id: &'a str,
    /// Its new port.
    pub port: u16,
    /// What to rewrite (default: the repository, from its root).
    pub paths: &'a [PathBuf],
    /// Globs to leave out.
    pub exclude: &'a [String],
    /// Print the diff; write nothing.
    pub dry_run: bool,
}

/// What a move did (or, with `--dry-run`, would do).
#[derive(Debug, Serialize)]
pub struct MoveReport {
    /// The registry.
    pub registry: String,
    /// The service moved.
    pub service: String,
    /// Its old port.
    pub from: u16,
    /// Its new port.
    pub to: u16,
    /// Its old group.
    pub from_group: String,
    /// Its new group.
    pub group: String,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Each occurrence rewritten.
    pub rewritten: Vec<Location>,
    /// How many files they are in.
    pub files: usize,
    /// The occurrences of the old port left alone, and why.
    pub left: Vec<Left>,
    /// Files that changed between the scan and the write: not rewritten (exit 2).
    pub changed: Vec<String>,
    /// Files not read: binary (a NUL byte) or too large.
    pub skipped: usize,
    /// The unified diff (with `--dry-run`): the registry first, then every file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Warnings of the walk.
    #[serde(skip)]
    warnings: Vec<String>,
    /// Whether something could not be read (exit 2).
    #[serde(skip)]
    incomplete: bool,
}

/// `ports move`.
///
/// # Errors
///
/// No registry file, an unknown id, a port outside the block, in no group or taken, a PATH that
/// does not exist, a file or directory that cannot be read, a file that cannot be written (exit
/// 2, nothing written).
pub fn move_service(located: &Located, request: &MoveRequest<'_>) -> Result<MoveReport, Failure> {
    let scope = Scope::new(located, request.paths, request.exclude)?;
    // Files, then the registry: the order every writer takes them in (`scan --fix` takes only
    // the first).
    let _files = (!request.dry_run).then(|| scope.lock_edits()).transpose()?;
    let mut edit = RegistryEdit::open(located)?;
    let before = edit.registry.clone();
    let from = edit
        .registry
        .relocate(request.id, request.port)
        .map_err(|e| Failure::usage(format!("cannot move `{}`: {e}; nothing written", request.id)))?;
    let moved = edit.registry.service(request.id).cloned();
    let (from_group, group) = match (before.service(request.id), moved) {
        (Some(old), Some(new)) => (old.group.clone(), new.group),
        _ => return Err(Failure::usage(format!("unknown service `{}`", request.id))),
    };
    let registry_bytes = edit.bytes()?;
    let index = Index::new(&before);
    let service = index.by_id(request.id);
    let to = request.port.to_string();
    let group_changed = group != from_group;
    let rewrite = scope.rewrite(&index, &|o| {
        if o.literal.port != from || from == request.port {
            return Decision::Skip;
        }
        if o.ignored {
            return Decision::Leave("a `ports:ignore` line".to_owned());
        }
        if o.verdict.belongs_to.is_some() && o.verdict.belongs_to == service {
            let mut ranges = vec![(o.literal.start..o.literal.end, to.clone())];
            if let (true, Some((start, end))) = (group_changed, o.claim.and_then(|c| c.group)) {
                ranges.push((start..end, group.clone()));
            }
            return Decision::Rewrite(ranges);
        }
        Decision::Leave(match (o.verdict.finding, o.verdict.belongs_to) {
            (Some((kind, cause)), _) => {
                let finding = Finding { line: o.line, column: o.column, port: o.literal.port, kind, cause };
                format!("{kind}: {}", finding.message(&index))
            }
            (None, Some(other)) => format!("the line names `{}`", index.service(other).id),
            (None, None) => "the line names someone else".to_owned(),
        })
    });
    let rewrite_unreadable = rewrite.unreadable;
    let registry_path = edit.path().map_or_else(|| located.label(), |p| relative(p, &scope.root));
    let mut report = MoveReport {
        registry: located.label(),
        service: request.id.to_owned(),
        from,
        to: request.port,
        from_group,
        group,
        dry_run: request.dry_run,
        files: rewrite.edits.len(),
        rewritten: rewrite.rewritten,
        left: rewrite.left,
        changed: Vec::new(),
        skipped: rewrite.skipped,
        diff: None,
        warnings: rewrite.warnings,
        incomplete: rewrite.incomplete,
    };
    if request.dry_run {
        let mut diff = unified_diff(&registry_path, edit.original(), &registry_bytes);
        for file in &rewrite.edits {
            diff.push_str(&unified_diff(&file.path, &file.original, &file.edited()));
        }
        report.diff = Some(diff);
        return Ok(report);
    }
    // A file that could not be read may hold the old port: moving without it would leave the
    // repository and the registry out of step, silently. (One that vanished holds nothing.)
    if rewrite_unreadable {
        let unread: Vec<&str> = report.warnings.iter().map(|w| w.strip_prefix("warning: ").unwrap_or(w)).collect();
        return Err(Failure::usage(format!(
            "cannot move `{}`: what could not be read may hold port {from} ({}); nothing written; make it readable, or leave it out (--exclude, or PATHs that do not name it)",
            request.id,
            unread.join("; ")
        )));
    }
    // Every file prepared, then renamed; the registry last, still under its lock.
    let Written { changed, .. } = crate::edit::write_all(&rewrite.edits)?;
    report.changed = changed;
    edit.commit()?;
    Ok(report)
}

impl Report for MoveReport {
    fn text(&self) -> String {
        let mut text = String::new();
        if let Some(diff) = &self.diff {
            text.push_str(diff);
        }
        let (verb, rewrote) = if self.dry_run { ("would move", "would rewrite") } else { ("moved", "rewrote") };
        text.push_str(&format!(
            "{verb} `{}` from {} (group {}) to {} (group {}); {rewrote} {} occurrence(s) of {} in {} file(s)\n",
            self.service,
            self.from,
            self.from_group,
            self.to,
            self.group,
            self.rewritten.len(),
            self.from,
            self.files
        ));
        if !self.dry_run {
            for at in &self.rewritten {
                text.push_str(&format!("  {at}\n"));
            }
        }
        if !self.left.is_empty() {
            text.push_str(&format!("left {} occurrence(s) of {} as they are:\n", self.left.len(), self.from));
            for left in &self.left {
                text.push_str(&format!("  {}: {}\n", left.at, ports_core::escape_control(&left.reason)));
            }
        }
        for file in &self.changed {
            text.push_str(&format!("not rewritten: {} changed during the move\n", ports_core::escape_control(file)));
        }
        if self.skipped > 0 {
            text.push_str(&format!("{} file(s) not read (binary or too large)\n", self.skipped));
        }
        text.push_str(&super::registry_line(&self.registry));
        text
    }

    fn code(&self) -> u8 {
        if self.incomplete || !self.changed.is_empty() {
            2
        } else {
            0
        }
    }

    fn notes(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn written(&self) -> Option<String> {
        (!self.dry_run).then(|| self.registry.clone())
    }
}

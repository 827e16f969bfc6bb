//! `ports scan [PATH...] [--json] [--strict] [--exclude GLOB]...`: every hard-coded port of the
//! block in the repository — shell, `.env`, TypeScript, YAML, Dockerfiles, Markdown, Rust —
//! checked against the registry. This is where drift hides: files the compiler never reads.
//!
//! Walk: the `ignore` crate (ripgrep's walker), in parallel; `.gitignore`, `.ignore` and git's
//! exclude files honoured; hidden files scanned; `.git/`, binary files (a NUL byte), files that
//! are not UTF-8, the registry in force and `ports export` output skipped. Search: `memchr`'s
//! substring finder for the block's common decimal prefix, then a check of each hit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use heck::ToUpperCamelCase;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};
use ports_core::{escape_control, find_root, Registry, ServiceEntry};
use serde::Serialize;

use crate::commands::export::HEADER_MARK;
use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, red};

/// A line containing this is skipped.
const IGNORE_MARK: &str = "ports:ignore";

/// Files larger than this are not read (and counted as skipped).
const FILE_LIMIT: u64 = 256 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// No service owns the port. A problem.
    Unregistered,
    /// The line names something that contradicts the port's owner. A problem.
    Mismatch,
    /// A registered port, written as a number. A suggestion (a problem with `--strict`).
    HardCoded,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Unregistered => "unregistered",
            Kind::Mismatch => "mismatch",
            Kind::HardCoded => "hard-coded",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Finding {
    path: String,
    line: usize,
    column: usize,
    port: u16,
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
}

#[derive(Serialize)]
struct ScanJson<'a> {
    root: String,
    files_scanned: usize,
    findings: &'a [Finding],
}

/// What the classification needs of the registry, indexed once.
struct Index<'r> {
    registry: &'r Registry,
    by_port: HashMap<u16, &'r ServiceEntry>,
    by_id: HashMap<&'r str, &'r ServiceEntry>,
    by_env: HashMap<&'r str, &'r ServiceEntry>,
    /// The decimal prefix every port of the block shares, and the block's digit count.
    prefix: String,
    digits: Option<usize>,
}

impl<'r> Index<'r> {
    fn new(registry: &'r Registry) -> Self {
        let (start, end) = (registry.block.start.to_string(), registry.block.end.to_string());
        let digits = (start.len() == end.len()).then_some(start.len());
        let prefix: String = if digits.is_some() {
            start.chars().zip(end.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
        } else {
            String::new()
        };
        Index {
            registry,
            by_port: registry.by_port(),
            by_id: registry.services.iter().map(|s| (s.id.as_str(), s)).collect(),
            by_env: registry.services.iter().flat_map(|s| s.env_names().map(move |e| (e, s))).collect(),
            prefix,
            digits,
        }
    }
}

pub(crate) struct ScanArgs<'a> {
    pub(crate) paths: &'a [PathBuf],
    pub(crate) json: bool,
    pub(crate) strict: bool,
    pub(crate) exclude: &'a [String],
}

pub(crate) fn scan(located: &Located, args: &ScanArgs<'_>) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    let root =
        located.discovery.root.clone().or_else(|| find_root(&located.cwd)).unwrap_or_else(|| located.cwd.clone());
    let starts: Vec<PathBuf> = if args.paths.is_empty() {
        vec![root.clone()]
    } else {
        let mut starts = Vec::new();
        for path in args.paths {
            let full = if path.is_absolute() { path.clone() } else { located.cwd.join(path) };
            if std::fs::symlink_metadata(&full).is_err() {
                return Err(Failure::usage(format!(
                    "no such file or directory: {}",
                    escape_control(&path.display().to_string())
                )));
            }
            starts.push(full);
        }
        starts
    };
    let registry_file = located.discovery.path.as_ref().and_then(|p| std::fs::canonicalize(p).ok());
    let mut overrides = OverrideBuilder::new(&root);
    for glob in args.exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| Failure::usage(format!("--exclude {}: {e}", escape_control(glob))))?;
    }
    let overrides = overrides.build().map_err(|e| Failure::usage(format!("--exclude: {e}")))?;

    let mut walk = WalkBuilder::new(&starts[0]);
    for start in &starts[1..] {
        walk.add(start);
    }
    walk.hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .overrides(overrides)
        .filter_entry(|entry| entry.file_name() != ".git")
        .threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(12)));

    let index = Index::new(&registry);
    let scanned = AtomicUsize::new(0);
    let skipped = AtomicUsize::new(0);
    let findings = Mutex::new(Vec::new());
    let walk_errors = Mutex::new(Vec::new());
    walk.build_parallel().run(|| {
        let (index, scanned, skipped, findings, walk_errors) = (&index, &scanned, &skipped, &findings, &walk_errors);
        let (root, registry_file) = (&root, &registry_file);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    walk_errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(error.to_string());
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let path = entry.path();
            if is_registry(path, registry_file.as_deref()) {
                return WalkState::Continue;
            }
            match scan_file(path, index) {
                FileOutcome::Scanned(found) => {
                    scanned.fetch_add(1, Ordering::Relaxed);
                    if !found.is_empty() {
                        let shown = relative(path, root);
                        let mut all = findings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        all.extend(found.into_iter().map(|f| Finding { path: shown.clone(), ..f }));
                    }
                }
                FileOutcome::Generated => {}
                FileOutcome::Skipped => {
                    skipped.fetch_add(1, Ordering::Relaxed);
                }
            }
            WalkState::Continue
        })
    });
    let mut findings = findings.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    findings.sort_by(|a, b| (&a.path, a.line, a.column, a.port).cmp(&(&b.path, b.line, b.column, b.port)));
    let files_scanned = scanned.into_inner();
    let count = |kind: Kind| findings.iter().filter(|f| f.kind == kind).count();
    let (unregistered, mismatch, hard_coded) =
        (count(Kind::Unregistered), count(Kind::Mismatch), count(Kind::HardCoded));
    let problem = unregistered + mismatch > 0 || (args.strict && hard_coded > 0);
    if args.json {
        out::print_json(&ScanJson { root: root.display().to_string(), files_scanned, findings: &findings })?;
    } else {
        let mut text = String::new();
        for f in &findings {
            let kind = if f.kind == Kind::HardCoded && !args.strict {
                f.kind.as_str().to_owned()
            } else {
                red(f.kind.as_str())
            };
            text.push_str(&format!("{}:{}:{}: {kind}: {}", escape_control(&f.path), f.line, f.column, f.message));
            if let Some(suggestion) = &f.suggestion {
                text.push_str(&format!(" (use {suggestion})"));
            }
            text.push('\n');
        }
        let skipped = skipped.into_inner();
        let skipped =
            if skipped > 0 { format!("; {skipped} skipped (binary, not UTF-8 or too large)") } else { String::new() };
        text.push_str(&format!(
            "{files_scanned} files scanned: {unregistered} unregistered, {mismatch} mismatch, {hard_coded} hard-coded{skipped}\n"
        ));
        out::print(text)?;
    }
    for error in walk_errors.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        out::warn(format!("warning: not scanned: {}", escape_control(&error)));
    }
    Ok(if problem { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn is_registry(path: &Path, registry_file: Option<&Path>) -> bool {
    let Some(registry_file) = registry_file else { return false };
    path.file_name() == registry_file.file_name() && std::fs::canonicalize(path).is_ok_and(|p| p == registry_file)
}

/// `path` relative to the root when inside it, with `/` separators.
fn relative(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let mut text = String::new();
    for (i, part) in shown.components().enumerate() {
        if i > 0 {
            text.push('/');
        }
        text.push_str(&part.as_os_str().to_string_lossy());
    }
    text
}

enum FileOutcome {
    Scanned(Vec<Finding>),
    /// A file `ports export` wrote.
    Generated,
    /// Binary, not UTF-8, too large or unreadable.
    Skipped,
}

fn scan_file(path: &Path, index: &Index<'_>) -> FileOutcome {
    let too_large = std::fs::metadata(path).map_or(true, |m| m.len() > FILE_LIMIT);
    if too_large {
        return FileOutcome::Skipped;
    }
    let Ok(bytes) = std::fs::read(path) else { return FileOutcome::Skipped };
    if memchr::memchr(0, &bytes).is_some() {
        return FileOutcome::Skipped;
    }
    let Ok(text) = std::str::from_utf8(&bytes) else { return FileOutcome::Skipped };
    let first_line = text.lines().next().unwrap_or("");
    if first_line.contains(HEADER_MARK) {
        return FileOutcome::Generated;
    }
    let style = Style::of(path);
    let mut found = Vec::new();
    let mut line_no = 1;
    let mut line_start = 0;
    let mut counted_to = 0;
    for (start, end, port) in literals(text, index) {
        // Advance the line count to this hit.
        line_no += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
        counted_to = start;
        line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1).max(line_start);
        let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
        let line = &text[line_start..line_end];
        if line.contains(IGNORE_MARK) {
            continue;
        }
        let column = text[line_start..start].chars().count() + 1;
        found.push(classify(index, style, line, start - line_start, port, line_no, column));
    }
    FileOutcome::Scanned(found)
}

/// Every port literal of the block in `text`, as (start, end, port): a decimal integer standing
/// alone — not part of a longer number, a version (`1.4410.2`), a hex literal or a word
/// (`4410ms`, `v4410`) — and not an end of a range (`4404-4409`).
fn literals<'t>(text: &'t str, index: &'t Index<'_>) -> impl Iterator<Item = (usize, usize, u16)> + 't {
    let bytes = text.as_bytes();
    let block = index.registry.block;
    let prefix = index.prefix.as_bytes();
    let candidates: Box<dyn Iterator<Item = usize> + 't> = if prefix.is_empty() {
        Box::new((0..bytes.len()).filter(move |&i| bytes[i].is_ascii_digit()))
    } else {
        Box::new(memchr::memmem::find_iter(bytes, prefix))
    };
    candidates.filter_map(move |start| {
        if start > 0 && bytes[start - 1].is_ascii_digit() {
            return None; // inside a longer number (or found again inside one)
        }
        let end = start + bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if index.digits.is_some_and(|d| end - start != d) || end - start > 5 {
            return None;
        }
        let port: u16 = text[start..end].parse().ok()?;
        if !block.contains(port) {
            return None;
        }
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        if before.is_some_and(word) || after.is_some_and(word) {
            return None;
        }
        let digit_at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
        // A version or a decimal: `1.4410`, `4410.2`.
        if (before == Some(b'.') && digit_at(start.checked_sub(2))) || (after == Some(b'.') && digit_at(Some(end + 1)))
        {
            return None;
        }
        // A range: `A-B`, either end.
        if (after == Some(b'-') && digit_at(Some(end + 1))) || (before == Some(b'-') && digit_at(start.checked_sub(2)))
        {
            return None;
        }
        Some((start, end, port))
    })
}

/// What a file is, for the suggestion that fits it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Rust,
    Script,
    Env,
    Markdown,
    Other,
}

impl Style {
    fn of(path: &Path) -> Style {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let compose = (name.starts_with("docker-compose") || name.starts_with("compose"))
            && matches!(ext.as_str(), "yml" | "yaml");
        let docker = name == "dockerfile" || name.starts_with("dockerfile.") || ext == "dockerfile";
        match ext.as_str() {
            "rs" => Style::Rust,
            "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts" => Style::Script,
            "md" | "markdown" => Style::Markdown,
            "sh" | "bash" | "zsh" | "env" => Style::Env,
            _ if compose || docker || name.starts_with(".env") => Style::Env,
            _ => Style::Other,
        }
    }

    fn suggestion(self, service: &ServiceEntry) -> Option<String> {
        match self {
            Style::Rust => Some(format!("`{}::PORT` from a #[service] type", service.id.to_upper_camel_case())),
            Style::Script => Some(format!("`services[\"{}\"].port` from `ports export ts`", service.id)),
            Style::Env => service.env.as_ref().map(|env| format!("`${{{env}}}` from `ports export env`")),
            Style::Markdown => Some("`ports doc`, which renders the allocation tables from the registry".to_owned()),
            Style::Other => None,
        }
    }
}

/// A name on the line that says whose port a literal is: a service id or env var (registered),
/// or a `SOMETHING_PORT` variable (not).
struct Name<'l> {
    text: &'l str,
    at: usize,
    service: Option<&'l ServiceEntry>,
}

fn names<'l>(line: &'l str, index: &Index<'l>) -> Vec<Name<'l>> {
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    // Env-like words: [A-Za-z0-9_]+; id-like words: [a-z0-9-]+ (trimmed of '-').
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &line[start..i];
            if let Some(service) = index.by_env.get(word) {
                found.push(Name { text: word, at: start, service: Some(service) });
            } else if word.len() > 5
                && word.ends_with("_PORT")
                && word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                found.push(Name { text: word, at: start, service: None });
            }
        } else {
            i += 1;
        }
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit() || bytes[i] == b'-') {
                i += 1;
            }
            let preceded = start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
            let followed = i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_');
            let word = line[start..i].trim_end_matches('-');
            if !preceded && !followed {
                if let Some(service) = index.by_id.get(word) {
                    found.push(Name { text: word, at: start, service: Some(service) });
                }
            }
        } else {
            i += 1;
        }
    }
    found.sort_by_key(|n| n.at);
    found
}

/// The name a literal at `at` answers to: the nearest name before it with no other port literal
/// in between, else the nearest after it likewise.
fn name_for<'a, 'l>(names: &'a [Name<'l>], line: &str, at: usize, index: &Index<'_>) -> Option<&'a Name<'l>> {
    let ports: Vec<usize> = literals(line, index).map(|(s, _, _)| s).filter(|&s| s != at).collect();
    let between = |a: usize, b: usize| ports.iter().any(|&p| p > a.min(b) && p < a.max(b));
    let before = names.iter().rev().find(|n| n.at < at && !between(n.at, at));
    before.or_else(|| names.iter().find(|n| n.at > at && !between(at, n.at)))
}

fn classify(
    index: &Index<'_>,
    style: Style,
    line: &str,
    at: usize,
    port: u16,
    line_no: usize,
    column: usize,
) -> Finding {
    let owner = index.by_port.get(&port).copied();
    let names = names(line, index);
    let named = name_for(&names, line, at, index);
    let finding = |kind: Kind, service: Option<&ServiceEntry>, message: String, suggestion: Option<String>| Finding {
        path: String::new(),
        line: line_no,
        column,
        port,
        kind,
        service: service.map(|s| s.id.clone()),
        message,
        suggestion,
    };
    let group = || match index.registry.group_of(port) {
        Some(group) => format!("it lies in group `{}` ({}), unallocated", group.id, group.range()),
        None => "it lies in no group".to_owned(),
    };
    match (owner, named) {
        (Some(owner), Some(name)) if name.service.is_some_and(|s| s.id == owner.id) => finding(
            Kind::HardCoded,
            Some(owner),
            format!("port {port} of `{}` is hard-coded", owner.id),
            style.suggestion(owner),
        ),
        (_, Some(Name { text, service: Some(named), .. })) => {
            let owned = match owner {
                Some(owner) => format!("port {port} belongs to `{}` ({})", owner.id, owner.name),
                None => format!("port {port} is not registered ({})", group()),
            };
            let what = if *text == named.id {
                format!("`{text}` is registered on port {}, not {port}", named.port)
            } else {
                format!("`{text}` is the variable of `{}`, registered on port {}, not {port}", named.id, named.port)
            };
            finding(Kind::Mismatch, owner.or(Some(named)), format!("{what}; {owned}"), None)
        }
        // A `SOMETHING_PORT` that is not the owner's variable, when the owner has one.
        (Some(owner), Some(Name { text, service: None, .. })) if owner.env.is_some() => {
            let env = owner.env.as_deref().unwrap_or_default();
            finding(
                Kind::Mismatch,
                Some(owner),
                format!(
                    "`{text}` is set to {port}, but port {port} belongs to `{}` ({}), whose variable is `{env}`",
                    owner.id, owner.name
                ),
                None,
            )
        }
        // An owner without a variable: `REDIS_PORT=4400` names someone else, `API_PORT=4400`
        // names the owner, `HTTP_PORT=4400` names nobody.
        (Some(owner), Some(Name { text, service: None, .. })) if names_someone_else(text, owner) => finding(
            Kind::Mismatch,
            Some(owner),
            format!(
                "`{text}` is set to {port}, but port {port} belongs to `{}` ({}), which has no port variable",
                owner.id, owner.name
            ),
            None,
        ),
        (Some(owner), _) => finding(
            Kind::HardCoded,
            Some(owner),
            format!("port {port} of `{}` is hard-coded", owner.id),
            style.suggestion(owner),
        ),
        (None, _) => finding(
            Kind::Unregistered,
            None,
            format!(
                "port {port} is not registered: {}; register it with `ports add`, or use a registered port",
                group()
            ),
            None,
        ),
    }
}

/// Words of a `SOMETHING_PORT` variable that say nothing about whose port it is.
const GENERIC_WORDS: &[&str] = &[
    "APP", "BASE", "BIND", "DEFAULT", "DEV", "EXTERNAL", "HOST", "HTTP", "HTTPS", "INTERNAL", "LISTEN", "LOCAL",
    "MAIN", "PORT", "PUBLIC", "SERVER", "SERVICE", "TCP", "UDP", "WS",
];

/// Whether the variable `var` (`REDIS_PORT`) names a service other than `owner`: it has a
/// word that is not generic (`REDIS`), and none of its words is a word of the owner's id or
/// name (`API_PORT` and `CODECODER_PORT` name `codecoder-api`, "CodeCoder API Server").
fn names_someone_else(var: &str, owner: &ServiceEntry) -> bool {
    let owner_words: Vec<String> = owner
        .id
        .split('-')
        .chain(owner.name.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let mut specific = var
        .split('_')
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()) && !GENERIC_WORDS.contains(w))
        .peekable();
    specific.peek().is_some() && !specific.any(|w| owner_words.iter().any(|o| o == w))
}

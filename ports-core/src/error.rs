//! What goes wrong when a registry is read: I/O, JSON syntax or shape, and broken rules.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// What kind of entry a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// The registry itself (its name).
    Registry,
    /// A group.
    Group,
    /// A service.
    Service,
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryKind::Registry => "registry",
            EntryKind::Group => "group",
            EntryKind::Service => "service",
        })
    }
}

/// `text` with every control character (newline, ESC, NUL...), every invisible format character
/// (a bidi override or isolate, a zero-width space, a soft hyphen, a BOM...) and every line or
/// paragraph separator written as an escape (`\u{1b}`, `\u{202e}`), so that printing a string
/// from a file can never move the cursor, clear the screen, start a new line that looks like
/// output of its own, or show text in another order than it is stored (Trojan Source). These
/// are the characters that registry validation rejects.
///
/// ```
/// assert_eq!(ports_core::escape_control("a\x1b[2Jb"), "a\\u{1b}[2Jb");
/// assert_eq!(ports_core::escape_control("admin\u{202e}nimda"), "admin\\u{202e}nimda");
/// assert_eq!(ports_core::escape_control("Zero Gateway 网关"), "Zero Gateway 网关");
/// ```
#[must_use]
pub fn escape_control(text: &str) -> Cow<'_, str> {
    use crate::validate::is_hidden_char;
    if !text.chars().any(is_hidden_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How many problems an invalid registry's message lists before "and N more".
pub const PROBLEMS_SHOWN: usize = 20;

/// One broken rule of a registry, naming the entries at fault.
///
/// [`Registry::problems`](crate::Registry::problems) returns every one it finds, not just the
/// first. Services are named by id and port (`service \`zero-gateway\` (4410)`), groups by id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The block ends before it starts, or starts at port 0.
    BadBlock {
        /// First port.
        start: u16,
        /// Last port.
        end: u16,
    },
    /// A group ends before it starts.
    EmptyGroup {
        /// The group's id.
        group: String,
        /// First port.
        start: u16,
        /// Last port.
        end: u16,
    },
    /// A group reaches outside the block.
    GroupOutsideBlock {
        /// The group's id.
        group: String,
        /// The group's range.
        start: u16,
        /// The group's last port.
        end: u16,
        /// The block's first port.
        block_start: u16,
        /// The block's last port.
        block_end: u16,
    },
    /// Two groups share ports.
    GroupsOverlap {
        /// The first group (registry order).
        first: String,
        /// The second group.
        second: String,
        /// The first shared port.
        from: u16,
        /// The last shared port.
        to: u16,
    },
    /// An id (of a group or a service) is not kebab-case.
    BadId {
        /// A group or a service.
        kind: EntryKind,
        /// The id as written.
        id: String,
    },
    /// Two groups, or two services, have the same id.
    DuplicateId {
        /// A group or a service.
        kind: EntryKind,
        /// The id.
        id: String,
    },
    /// A service port is 0.
    PortZero {
        /// The service's id.
        service: String,
    },
    /// Two services own the same port.
    DuplicatePort {
        /// The port.
        port: u16,
        /// The first owner (registry order).
        first: String,
        /// The second owner.
        second: String,
    },
    /// A service names a group that does not exist.
    UnknownGroup {
        /// The service's id.
        service: String,
        /// The group it names.
        group: String,
        /// The closest existing group, if one is close.
        closest: Option<String>,
    },
    /// A service's port lies outside its group.
    PortOutsideGroup {
        /// The service's id.
        service: String,
        /// Its port.
        port: u16,
        /// The group it names.
        group: String,
        /// That group's first port.
        start: u16,
        /// That group's last port.
        end: u16,
    },
    /// An env var name is not `[A-Z][A-Z0-9_]*`.
    BadEnv {
        /// The service's id.
        service: String,
        /// The name as written.
        env: String,
    },
    /// Two services use the same env var.
    DuplicateEnv {
        /// The variable.
        env: String,
        /// The first service (registry order).
        first: String,
        /// The second service.
        second: String,
    },
    /// A config key is not a dotted path of `[A-Za-z0-9_-]+` segments.
    BadConfigKey {
        /// The service's id.
        service: String,
        /// The key as written.
        key: String,
    },
    /// Two services use the same config key.
    DuplicateConfigKey {
        /// The key.
        key: String,
        /// The first service (registry order).
        first: String,
        /// The second service.
        second: String,
    },
    /// A name or title is empty.
    EmptyName {
        /// A group or a service, or the registry for its own name.
        kind: EntryKind,
        /// The entry's id (empty for the registry).
        id: String,
    },
    /// A string field holds a control character (newline, ESC, NUL...), an invisible format
    /// character (a bidi override, a zero-width space, a soft hyphen...) or a line separator.
    ControlChar {
        /// A group or a service, or the registry.
        kind: EntryKind,
        /// The entry's id (empty for the registry).
        id: String,
        /// The field (`"name"`, `"description"`...).
        field: &'static str,
        /// The first such character in the field.
        ch: char,
    },
    /// A value of the wrong type or out of range (`"port": 70000`), or a missing or unknown
    /// field, listed with the registry's other problems. A registry whose only problem is one
    /// of these is a [`RegistryError::Syntax`] instead, with its line and column.
    Shape {
        /// Where in the document (`services[2].port`).
        at: String,
        /// The id of the group or service it lies in, when that entry has a readable one.
        id: Option<String>,
        /// The 1-based line and column, when known (for the first such problem in the text).
        position: Option<(usize, usize)>,
        /// What is wrong (`port 70000 is not a port (1-65535)`).
        message: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_raw(&mut text)?;
        f.write_str(&escape_control(&text))
    }
}

impl Problem {
    fn write_raw(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Problem::BadBlock { start, end } => write!(
                f,
                "block {start}-{end} is not a range of ports: it must start at 1 or above and end at or after its start"
            ),
            Problem::EmptyGroup { group, start, end } => write!(
                f,
                "group `{group}`: range {start}-{end} ends before it starts"
            ),
            Problem::GroupOutsideBlock { group, start, end, block_start, block_end } => write!(
                f,
                "group `{group}`: range {start}-{end} is outside the block {block_start}-{block_end}"
            ),
            Problem::GroupsOverlap { first, second, from, to } => {
                let shared = if from == to { format!("port {from}") } else { format!("ports {from}-{to}") };
                write!(f, "groups `{first}` and `{second}` overlap: both hold {shared}")
            }
            Problem::BadId { kind, id } => {
                write!(f, "{kind} id `{id}` is not kebab-case: {} (`zero-gateway`)", crate::validate::KEBAB_RULE)
            }
            Problem::DuplicateId { kind, id } => write!(f, "duplicate {kind} id `{id}`: used more than once"),
            Problem::PortZero { service } => write!(f, "service `{service}`: port 0 is not a port (1-65535)"),
            Problem::Shape { at, id, position, message } => {
                if let Some((line, column)) = position {
                    write!(f, "{line}:{column}: ")?;
                }
                if at.is_empty() {
                    f.write_str("at the top level")?;
                } else {
                    write!(f, "at `{at}`")?;
                }
                if let Some(id) = id {
                    let kind = if at.starts_with("groups") { EntryKind::Group } else { EntryKind::Service };
                    write!(f, " ({kind} `{id}`)")?;
                }
                write!(f, ": {message}")
            }
            Problem::DuplicatePort { port, first, second } => write!(
                f,
                "duplicate port {port}: registered to both `{first}` and `{second}`"
            ),
            Problem::UnknownGroup { service, group, closest } => {
                write!(f, "service `{service}`: unknown group `{group}`")?;
                if let Some(closest) = closest {
                    write!(f, " (did you mean `{closest}`?)")?;
                }
                Ok(())
            }
            Problem::PortOutsideGroup { service, port, group, start, end } => write!(
                f,
                "service `{service}`: port {port} is outside its group `{group}` ({start}-{end})"
            ),
            Problem::BadEnv { service, env } => write!(
                f,
                "service `{service}`: env var `{env}` is not a valid name: use [A-Z][A-Z0-9_]* (`GATEWAY_PORT`)"
            ),
            Problem::DuplicateEnv { env, first, second } if first == second => {
                write!(f, "duplicate env var `{env}`: `{first}` lists it twice")
            }
            Problem::DuplicateEnv { env, first, second } => write!(
                f,
                "duplicate env var `{env}`: used by both `{first}` and `{second}`"
            ),
            Problem::BadConfigKey { service, key } => write!(
                f,
                "service `{service}`: config key `{key}` is not a dotted path of [A-Za-z0-9_-] segments (`workflow.webhook`)"
            ),
            Problem::DuplicateConfigKey { key, first, second } if first == second => {
                write!(f, "duplicate config key `{key}`: `{first}` lists it twice")
            }
            Problem::DuplicateConfigKey { key, first, second } => write!(
                f,
                "duplicate config key `{key}`: used by both `{first}` and `{second}`"
            ),
            Problem::EmptyName { kind, id } if id.is_empty() => write!(f, "{kind} name is empty"),
            Problem::EmptyName { kind, id } => write!(f, "{kind} `{id}`: name is empty"),
            Problem::ControlChar { kind, id, field, ch } => {
                if id.is_empty() {
                    write!(f, "{kind} `{field}`")?;
                } else {
                    write!(f, "{kind} `{id}`: `{field}`")?;
                }
                write!(
                    f,
                    " holds a control character ({}): registry strings are single printable lines, without control, bidi or invisible characters",
                    ch.escape_unicode()
                )
            }
        }
    }
}

/// A registry that could not be read, parsed or validated.
#[derive(Debug)]
#[non_exhaustive]
pub enum RegistryError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The text is not JSON, or not of the registry's shape (a wrong type, a missing or unknown
    /// field).
    Syntax {
        /// The file, when the registry came from one.
        path: Option<PathBuf>,
        /// Where in the document (`services[2].port`), when known.
        at: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// The file is not UTF-8 text.
    Encoding {
        /// The file, when the registry came from one.
        path: Option<PathBuf>,
        /// The offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The registry is well-formed but breaks rules: every problem found.
    Invalid {
        /// The file, when the registry came from one.
        path: Option<PathBuf>,
        /// Every broken rule.
        problems: Vec<Problem>,
    },
}

impl RegistryError {
    /// The file the error is about, if the registry came from one.
    #[must_use]
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            RegistryError::Io { path, .. } => Some(path),
            RegistryError::Syntax { path, .. }
            | RegistryError::Encoding { path, .. }
            | RegistryError::Invalid { path, .. } => path.as_deref(),
        }
    }

    /// The same error, about `path` (used when the text was read by the caller).
    #[must_use]
    pub fn with_path(mut self, file: impl Into<PathBuf>) -> Self {
        match &mut self {
            RegistryError::Io { path, .. } => *path = file.into(),
            RegistryError::Syntax { path, .. }
            | RegistryError::Encoding { path, .. }
            | RegistryError::Invalid { path, .. } => *path = Some(file.into()),
        }
        self
    }
}

impl fmt::Display for RegistryError {
    /// Every string that came from the input (the path, serde_json's message, the problems) is
    /// shown with its control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |path: &Option<PathBuf>| match path {
            Some(path) => escape_control(&path.display().to_string()).into_owned(),
            None => "registry".to_owned(),
        };
        match self {
            RegistryError::Io { path, source } => write!(
                f,
                "cannot read registry {}: {}",
                escape_control(&path.display().to_string()),
                escape_control(&source.to_string())
            ),
            RegistryError::Syntax { path, at, line, column, message } => {
                write!(f, "{}:{line}:{column}: ", name(path))?;
                if !at.is_empty() && at != "." {
                    write!(f, "at `{}`: ", escape_control(at))?;
                }
                write!(f, "{}", escape_control(message))
            }
            RegistryError::Encoding { path, offset } => {
                write!(f, "{}: not UTF-8 text: invalid byte at offset {offset}", name(path))
            }
            RegistryError::Invalid { path, problems } => {
                let count = problems.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(f, "{} is invalid ({count} problem{plural}):", name(path))?;
                for problem in problems.iter().take(PROBLEMS_SHOWN) {
                    write!(f, "\n  - {problem}")?;
                }
                if count > PROBLEMS_SHOWN {
                    write!(f, "\n  ... and {} more (`ports check --json` lists them all)", count - PROBLEMS_SHOWN)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RegistryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RegistryError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

//! The classifier: what a port literal is, given its owner in the registry, the name it answers
//! to on its line, the file's kind and whether it is a `#[service]` claim. Findings are kept
//! compact (kind, port, position, and indexes into the registry); their messages are written
//! when they are printed.

use std::fmt;
use std::path::Path;

use heck::ToUpperCamelCase;
use serde::Serialize;

use super::names::{Index, Via};

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// No service owns the port. A problem.
    Unregistered,
    /// The line names something that contradicts the port's owner. A problem.
    Mismatch,
    /// A registered port, written as a number. A suggestion (a problem with `--strict`).
    HardCoded,
}

impl Kind {
    /// Every kind, in the order rules are listed.
    pub const ALL: [Kind; 3] = [Kind::Unregistered, Kind::Mismatch, Kind::HardCoded];

    /// The kind as printed: `unregistered`, `mismatch`, `hard-coded`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Unregistered => "unregistered",
            Kind::Mismatch => "mismatch",
            Kind::HardCoded => "hard-coded",
        }
    }

    /// Whether the kind is a problem (exit 1) without `--strict`.
    #[must_use]
    pub fn is_problem(self) -> bool {
        self != Kind::HardCoded
    }

    /// What the rule checks, for SARIF's rule descriptions.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Kind::Unregistered => "A port of the block that no service in the registry owns.",
            Kind::Mismatch => {
                "A port next to a name (service id, env var, human name, claim) that the registry gives another port."
            }
            Kind::HardCoded => "A registered port written as a number, where the registry's value could be used.",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a file is, for the suggestion that fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Rust.
    Rust,
    /// TypeScript or JavaScript.
    Script,
    /// Shell, `.env`, Dockerfiles, compose files.
    Env,
    /// Markdown.
    Markdown,
    /// Anything else.
    Other,
}

impl Style {
    /// The style of a path, from its name.
    #[must_use]
    pub fn of(path: &Path) -> Style {
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
}

/// Why a literal was flagged: enough to write the message when printed. `S` is how a name is
/// held: `&str` as classified, a `u32` index into its file's strings as stored, so that a
/// finding takes a few dozen bytes however many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause<S> {
    /// A registered port, hard-coded.
    HardCoded,
    /// No service owns the port.
    Unregistered,
    /// The line names a registered service (`named`, an index) whose port is another.
    Named {
        /// The service named.
        named: u32,
        /// How.
        via: Via,
        /// The name as written (an env alias, say).
        text: S,
    },
    /// A `SOMETHING_PORT` variable set to a port whose owner is someone else.
    Variable {
        /// The variable.
        var: S,
    },
    /// A `#[service]` claim for `id` on a port that the registry gives another service, or
    /// none.
    Claim {
        /// The id claimed.
        id: S,
    },
}

impl<S: Copy> Cause<S> {
    /// The same cause with its names held as `f` maps them.
    pub fn map<T>(self, mut f: impl FnMut(S) -> T) -> Cause<T> {
        match self {
            Cause::HardCoded => Cause::HardCoded,
            Cause::Unregistered => Cause::Unregistered,
            Cause::Named { named, via, text } => Cause::Named { named, via, text: f(text) },
            Cause::Variable { var } => Cause::Variable { var: f(var) },
            Cause::Claim { id } => Cause::Claim { id: f(id) },
        }
    }
}

/// One flagged literal of a file, its names as `S` (see [`Cause`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<S = u32> {
    /// Its line, from 1.
    pub line: u32,
    /// Its column, in characters, from 1.
    pub column: u32,
    /// The port.
    pub port: u16,
    /// The kind.
    pub kind: Kind,
    /// Why.
    pub cause: Cause<S>,
}

/// What the classifier knows of a literal.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The port.
    pub port: u16,
    /// The file's style.
    pub style: Style,
    /// The name the literal answers to: the service (index) and how, or a variable.
    pub named: Option<(Option<(usize, Via)>, &'a str)>,
    /// Whether the line names the port's owner by id or human name anywhere (for Markdown).
    pub owner_on_line: bool,
    /// The id of the `#[service]` claim this literal is the port of.
    pub claim: Option<&'a str>,
}

/// The verdict on a literal: the service it belongs to (for `move`), and the finding, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict<'a> {
    /// The service this occurrence of the port is attributed to: the owner, unless the line
    /// names someone else.
    pub belongs_to: Option<usize>,
    /// The finding, or `None` for what is already checked (an agreeing claim, a documented
    /// port).
    pub finding: Option<(Kind, Cause<&'a str>)>,
    /// The port the literal should have, for `scan --fix`: the registered port of the service
    /// its line names, when that is what contradicts it.
    pub fix: Option<u16>,
}

/// Classifies one literal.
#[must_use]
pub fn classify<'a>(index: &Index<'_>, cx: &Context<'a>) -> Verdict<'a> {
    let port = cx.port;
    let owner = index.owner(port);
    if let Some(id) = cx.claim {
        let claimed = index.by_id(id);
        return match (owner, claimed) {
            (Some(o), Some(c)) if o == c => Verdict { belongs_to: Some(o), finding: None, fix: None },
            (None, None) => {
                Verdict { belongs_to: None, finding: Some((Kind::Unregistered, Cause::Unregistered)), fix: None }
            }
            (_, claimed) => Verdict {
                belongs_to: claimed,
                finding: Some((Kind::Mismatch, Cause::Claim { id })),
                fix: claimed.map(|c| index.service(c).port),
            },
        };
    }
    match (owner, cx.named) {
        (Some(o), Some((Some((named, _)), _))) if named == o => {
            let finding = (cx.style != Style::Markdown).then_some((Kind::HardCoded, Cause::HardCoded));
            Verdict { belongs_to: Some(o), finding, fix: None }
        }
        // A Markdown line that names the port's owner documents it, whoever else it names
        // (`| 4410, 4411 | Zero Gateway, Zero Channels |`).
        (Some(o), Some(_)) if cx.style == Style::Markdown && cx.owner_on_line => {
            Verdict { belongs_to: Some(o), finding: None, fix: None }
        }
        (_, Some((Some((named, via)), text))) => Verdict {
            belongs_to: Some(named),
            finding: Some((Kind::Mismatch, Cause::Named { named: index_u32(named), via, text })),
            fix: Some(index.service(named).port),
        },
        (Some(o), Some((None, var))) if index.service(o).env.is_some() || names_someone_else(var, index, o) => {
            Verdict { belongs_to: None, finding: Some((Kind::Mismatch, Cause::Variable { var })), fix: None }
        }
        (Some(o), _) => {
            let documented = cx.style == Style::Markdown && cx.owner_on_line;
            Verdict {
                belongs_to: Some(o),
                finding: (!documented).then_some((Kind::HardCoded, Cause::HardCoded)),
                fix: None,
            }
        }
        (None, _) => Verdict { belongs_to: None, finding: Some((Kind::Unregistered, Cause::Unregistered)), fix: None },
    }
}

/// A service index as stored (a registry holds at most 65,535 services).
fn index_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Words of a `SOMETHING_PORT` variable that say nothing about whose port it is.
const GENERIC_WORDS: &[&str] = &[
    "APP", "BASE", "BIND", "DEFAULT", "DEV", "EXTERNAL", "HOST", "HTTP", "HTTPS", "INTERNAL", "LISTEN", "LOCAL",
    "MAIN", "PORT", "PUBLIC", "SERVER", "SERVICE", "TCP", "UDP", "WS",
];

/// Whether the variable `var` (`REDIS_PORT`) names a service other than the owner (an owner
/// without a variable): it has a word that is not generic (`REDIS`), and none of its words is a
/// word of the owner's id or name (`API_PORT` and `CODECODER_PORT` name `codecoder-api`,
/// "CodeCoder API Server").
fn names_someone_else(var: &str, index: &Index<'_>, owner: usize) -> bool {
    let owner = index.service(owner);
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

impl Finding<&str> {
    /// The service the finding is about (the owner, else the service named), as an id.
    #[must_use]
    pub fn service<'r>(&self, index: &Index<'r>) -> Option<&'r str> {
        let owner = index.owner(self.port);
        let named = match &self.cause {
            Cause::Named { named, .. } => Some(*named as usize),
            Cause::Claim { id } => index.by_id(id),
            _ => None,
        };
        owner.or(named).map(|s| index.service(s).id.as_str())
    }

    /// The message.
    #[must_use]
    pub fn message(&self, index: &Index<'_>) -> String {
        let port = self.port;
        let owner = index.owner(port).map(|o| index.service(o));
        let group = || match index.registry.group_of(port) {
            Some(group) => format!("it lies in group `{}` ({}), unallocated", group.id, group.range()),
            None => "it lies in no group".to_owned(),
        };
        let owned = || match owner {
            Some(owner) => format!("port {port} belongs to `{}` ({})", owner.id, owner.name),
            None => format!("port {port} is not registered ({})", group()),
        };
        match &self.cause {
            Cause::HardCoded => match owner {
                Some(owner) => format!("port {port} of `{}` is hard-coded", owner.id),
                None => owned(),
            },
            Cause::Unregistered => format!(
                "port {port} is not registered: {}; register it with `ports add`, or use a registered port",
                group()
            ),
            Cause::Named { named, via, text } => {
                let named = index.service(*named as usize);
                let what = match via {
                    Via::Id => format!("`{text}` is registered on port {}, not {port}", named.port),
                    Via::Env => {
                        format!(
                            "`{text}` is the variable of `{}`, registered on port {}, not {port}",
                            named.id, named.port
                        )
                    }
                    Via::Name => format!("`{text}` is `{}`, registered on port {}, not {port}", named.id, named.port),
                };
                format!("{what}; {}", owned())
            }
            Cause::Variable { var } => match owner {
                Some(owner) => match &owner.env {
                    Some(env) => format!(
                        "`{var}` is set to {port}, but port {port} belongs to `{}` ({}), whose variable is `{env}`",
                        owner.id, owner.name
                    ),
                    None => format!(
                        "`{var}` is set to {port}, but port {port} belongs to `{}` ({}), which has no port variable",
                        owner.id, owner.name
                    ),
                },
                None => owned(),
            },
            Cause::Claim { id } => match index.by_id(id).map(|c| index.service(c)) {
                Some(claimed) => format!(
                    "`#[service]` claims port {port} for `{id}`, registered on port {}; {}",
                    claimed.port,
                    owned()
                ),
                // An id not registered is text from the file: its control characters escaped, so
                // it can neither start a line of output of its own nor drive the terminal.
                None => format!(
                    "`#[service]` claims port {port} for `{}`, which is not registered; {}",
                    ports_core::escape_control(id),
                    owned()
                ),
            },
        }
    }

    /// Appends the message to `out`: the same text as [`Finding::message`], with the common
    /// kinds (hard-coded, unregistered) written without building a `String` — ten million
    /// findings are printed at the speed of the scan.
    pub fn write_message(&self, index: &Index<'_>, out: &mut Vec<u8>) {
        let mut number = itoa::Buffer::new();
        match (&self.cause, index.owner(self.port)) {
            (Cause::HardCoded, Some(owner)) => {
                out.extend_from_slice(b"port ");
                out.extend_from_slice(number.format(self.port).as_bytes());
                out.extend_from_slice(b" of `");
                out.extend_from_slice(index.service(owner).id.as_bytes());
                out.extend_from_slice(b"` is hard-coded");
            }
            _ => out.extend_from_slice(self.message(index).as_bytes()),
        }
    }

    /// The suggestion for a hard-coded port, fitting the file's style.
    #[must_use]
    pub fn suggestion(&self, index: &Index<'_>, style: Style) -> Option<String> {
        if self.cause != Cause::HardCoded {
            return None;
        }
        let service = index.service(index.owner(self.port)?);
        match style {
            Style::Rust => Some(format!("`{}::PORT` from a #[service] type", service.id.to_upper_camel_case())),
            Style::Script => Some(format!("`services[\"{}\"].port` from `ports export ts`", service.id)),
            Style::Env => service.env.as_ref().map(|env| format!("`${{{env}}}` from `ports export env`")),
            Style::Markdown => Some("`ports doc`, which renders the allocation tables from the registry".to_owned()),
            Style::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use ports_core::Registry;

    use super::*;
    use crate::scan::text::scan_text;

    /// (kind, message) of each finding in `text`, as a file named `name`.
    fn findings(name: &str, text: &str) -> Vec<(Kind, String)> {
        let registry = Registry::embedded();
        let index = Index::new(registry);
        let style = Style::of(Path::new(name));
        let mut found = Vec::new();
        scan_text(&index, text.as_bytes(), style, |o| {
            if let Some((kind, cause)) = o.verdict.finding {
                let f = Finding { line: o.line, column: o.column, port: o.literal.port, kind, cause };
                found.push((kind, f.message(&index)));
            }
        });
        found
    }

    #[test]
    fn classification_table() {
        use Kind::*;
        type Case<'a> = (&'a str, &'a str, &'a [(Kind, &'a str)]);
        let table: &[Case<'_>] = &[
            ("a.sh", "GATEWAY_PORT=4410", &[(HardCoded, "port 4410 of `zero-gateway` is hard-coded")]),
            ("a.sh", "curl localhost:4410", &[(HardCoded, "port 4410 of `zero-gateway` is hard-coded")]),
            ("a.sh", "X=44100 Y=4410ms Z=1.4410.2 W=0x4410 R=4404-4409", &[]),
            (
                "a.sh",
                "REDIS_PORT=4410",
                &[(Mismatch, "`REDIS_PORT` is set to 4410, but port 4410 belongs to `zero-gateway` (Zero Gateway), whose variable is `GATEWAY_PORT`")],
            ),
            (
                "a.sh",
                "REDIS_PORT=4400",
                &[(Mismatch, "`REDIS_PORT` is set to 4400, but port 4400 belongs to `codecoder-api` (CodeCoder API Server), which has no port variable")],
            ),
            ("a.sh", "API_PORT=4400", &[(HardCoded, "port 4400 of `codecoder-api` is hard-coded")]),
            (
                "a.sh",
                "GATEWAY_PORT=4411",
                &[(Mismatch, "`GATEWAY_PORT` is the variable of `zero-gateway`, registered on port 4410, not 4411; port 4411 belongs to `zero-channels` (Zero Channels)")],
            ),
            (
                "a.md",
                "Zero Channels listens on 4417",
                &[(Mismatch, "`Zero Channels` is `zero-channels`, registered on port 4411, not 4417; port 4417 is not registered (it lies in group `rust` (4410-4419), unallocated)")],
            ),
            ("a.md", "| 4410 | Zero Gateway | rust |", &[]),
            ("a.md", "| 4410, 4411 | Zero Gateway, Zero Channels | both |", &[]),
            ("a.md", "`GATEWAY_PORT=4411` moves Zero Gateway onto Zero Channels' port", &[]),
            ("a.md", "the gateway (zero-gateway) listens on 4410", &[]),
            ("a.md", "listens on 4410", &[(HardCoded, "port 4410 of `zero-gateway` is hard-coded")]),
            (
                "a.ts",
                "const port = 4418;",
                &[(Unregistered, "port 4418 is not registered: it lies in group `rust` (4410-4419), unallocated; register it with `ports add`, or use a registered port")],
            ),
            ("a.sh", "X=4410 # ports:ignore", &[]),
            ("a.rs", "#[service(port = 4410, group = \"rust\")]\npub struct ZeroGateway;", &[]),
            (
                "a.rs",
                "#[ports_macros::service(\n  group = \"rust\",\n  port = 4411,\n)]\npub struct ZeroGateway;",
                &[(Mismatch, "`#[service]` claims port 4411 for `zero-gateway`, registered on port 4410; port 4411 belongs to `zero-channels` (Zero Channels)")],
            ),
            ("a.rs", "let port = 4410;", &[(HardCoded, "port 4410 of `zero-gateway` is hard-coded")]),
        ];
        for (name, text, want) in table {
            let want: Vec<(Kind, String)> = want.iter().map(|(k, m)| (*k, (*m).to_owned())).collect();
            assert_eq!(findings(name, text), want, "{name}: {text}");
        }
    }
}

//! `ports status [--json]`: each port of the block — free, or listening and by which process —
//! plus the ports that services were moved to by env or config. What `lsof -i :4400-4449` and
//! `ops.sh status` answer today; when the socket table cannot be read, every port is `unknown`
//! (exit 2), never `free`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ports_core::{Resolver, Source};
use serde::Serialize;

use ports_core::Collision;

use super::resolve::collision_reports;
use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, red};
use crate::report::Report;
use ports_core::sockets::{self, Owner, Socket};

/// Each port of the block, and the ports services were moved to.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    /// The registry used.
    pub registry: String,
    /// The block.
    pub block: BlockReport,
    /// The backend that read the socket table; `null` when none could.
    pub source: Option<&'static str>,
    /// Why no socket table could be read (every port is then `unknown`, exit 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Lines of the socket table that could not be understood, each naming the table: the ports
    /// not seen held are then `unknown`, not free (exit 2).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// How many listeners sit on unregistered ports (exit 1 when any).
    pub unregistered: usize,
    /// Pairs of services whose effective endpoints collide (exit 1 when any).
    pub collisions: Vec<Collision>,
    /// Each port.
    pub ports: Vec<PortReport>,
    /// Services that could not be resolved.
    #[serde(skip)]
    notes: Vec<String>,
    /// How many ports listen.
    #[serde(skip)]
    listening: usize,
    /// The block, as ports-core writes a range.
    #[serde(skip)]
    block_text: String,
    /// The table's rows, for the text renderer.
    #[serde(skip)]
    rows: Vec<Vec<String>>,
}

/// The block's bounds.
#[derive(Debug, Serialize)]
pub struct BlockReport {
    /// Its first port.
    pub start: u16,
    /// Its last port.
    pub end: u16,
}

/// What is known of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Nothing listens on it.
    Free,
    /// Something listens on it.
    Listening,
    /// The socket table could not be read: never reported as free.
    Unknown,
}

impl State {
    /// The state as the text table shows it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            State::Free => "free",
            State::Listening => "listening",
            State::Unknown => "unknown",
        }
    }
}

/// One port's state.
#[derive(Debug, Serialize)]
pub struct PortReport {
    /// The port.
    pub port: u16,
    /// Free, listening or unknown.
    pub state: State,
    /// The service registered on it (or moved to it).
    pub service: Option<String>,
    /// Its group.
    pub group: Option<String>,
    /// A listener that no service accounts for.
    pub unregistered: bool,
    /// The addresses it listens on.
    pub addresses: Vec<String>,
    /// The processes holding it.
    pub processes: Vec<ProcessReport>,
    /// Whether the holder could be seen.
    pub owner_known: bool,
    /// A service moved here, or from here, by env or config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<MovedReport>,
}

/// A process holding a socket.
#[derive(Debug, Serialize)]
pub struct ProcessReport {
    /// Its pid.
    pub pid: u32,
    /// Its name.
    pub name: String,
}

/// A service moved from its registered port by env or config.
#[derive(Debug, Clone, Serialize)]
pub struct MovedReport {
    /// The service moved.
    pub service: String,
    /// Its registered port.
    pub from: u16,
    /// Its effective port.
    pub to: u16,
    /// What moved it (`WORKFLOW_PORT=4413`, `config.json: workflow.webhook.port`).
    pub by: String,
}
/// What moved a service, as a short text.
fn moved_by(source: &Source) -> String {
    match source {
        Source::Env { var, value } => format!("{var}={value}"),
        other => other.to_string(),
    }
}

const HINT: &str =
    "check by hand with `lsof -nP -iTCP:4400-4449 -sTCP:LISTEN` (macOS, Linux) or `netstat -ano` (Windows)";

/// `ports status`.
///
/// # Errors
///
/// The registry cannot be loaded.
pub fn status(located: &Located) -> Result<StatusReport, Failure> {
    let registry = located.load()?;
    let owners = registry.by_port();

    // Services moved by env or config: where they are, and where they were.
    let mut moved_to: HashMap<u16, MovedReport> = HashMap::new();
    let mut moved_from: HashMap<u16, (u16, String)> = HashMap::new();
    let mut notes = Vec::new();
    let all = Resolver::from_env().resolve_all(&registry);
    // Two services that resolve to one endpoint: the one collision rule, as `ports resolve`.
    let collisions = collision_reports(&all);
    for resolved in all {
        match resolved.result {
            Ok(endpoint) if endpoint.port != resolved.service.port => {
                let by = moved_by(&endpoint.source);
                moved_from.insert(resolved.service.port, (endpoint.port, by.clone()));
                moved_to.insert(
                    endpoint.port,
                    MovedReport {
                        service: resolved.service.id.clone(),
                        from: resolved.service.port,
                        to: endpoint.port,
                        by,
                    },
                );
            }
            Ok(_) => {}
            Err(error) => notes.push(format!("`{}` not resolved: {error}", resolved.service.id)),
        }
    }
    let ports: BTreeSet<u16> = registry.block.ports().chain(moved_to.keys().copied()).collect();

    let table = sockets::listening_where(|port| ports.contains(&port));
    let (sockets, source, error, warnings) = match &table {
        Ok(table) => (Some(&table.sockets), Some(table.backend), None, table.warnings.clone()),
        Err(reason) => (None, None, Some(reason.to_string()), Vec::new()),
    };
    // A table with lines it could not understand: a port it does not show may be held.
    let incomplete = !warnings.is_empty();
    let mut by_port: BTreeMap<u16, Vec<&Socket>> = BTreeMap::new();
    for socket in sockets.into_iter().flatten().filter(|s| ports.contains(&s.port)) {
        let held = by_port.entry(socket.port).or_default();
        if !held.iter().any(|h| h.addr == socket.addr && h.owner == socket.owner) {
            held.push(socket);
        }
    }

    let mut rows = Vec::new();
    let mut items = Vec::new();
    let mut flagged = 0;
    let mut listening = 0;
    for &port in &ports {
        let registered = owners.get(&port);
        let arrived = moved_to.remove(&port);
        let held = by_port.get(&port).map(Vec::as_slice).unwrap_or_default();
        let mut processes: Vec<&Owner> = held.iter().filter_map(|s| s.owner.as_ref()).collect();
        processes.sort();
        processes.dedup();
        let mut addresses: Vec<String> = held.iter().map(|s| s.addr.to_string()).collect();
        addresses.dedup();
        let unseen = sources_complete(sockets.is_some()) && held.is_empty() && sockets::held_unseen(port);
        let state = match (sockets.is_some(), held.is_empty() && !unseen) {
            (false, _) => State::Unknown,
            (true, true) if incomplete => State::Unknown,
            (true, true) => State::Free,
            (true, false) => State::Listening,
        };
        let unregistered = state == State::Listening && registered.is_none() && arrived.is_none();
        flagged += usize::from(unregistered);
        listening += usize::from(state == State::Listening);
        let service = registered.map(|s| s.id.clone()).or_else(|| arrived.as_ref().map(|m| m.service.clone()));
        let service_cell = match (registered, &arrived, moved_from.get(&port)) {
            (Some(s), _, Some((to, by))) => format!("{} (moved to {to} by {by})", s.id),
            (Some(s), _, None) => s.id.clone(),
            (None, Some(m), _) => format!("{} (moved by {})", m.service, m.by),
            (None, None, _) if unregistered => red("unregistered"),
            (None, None, _) => "-".to_owned(),
        };
        let who = match state {
            State::Listening if unseen => "owner not visible (another user? try sudo)".to_owned(),
            State::Listening if processes.is_empty() => "unknown owner".to_owned(),
            State::Listening => {
                processes.iter().map(|o| format!("{} {}", o.pid, o.name)).collect::<Vec<_>>().join(", ")
            }
            State::Free | State::Unknown => String::new(),
        };
        rows.push(vec![port.to_string(), state.as_str().to_owned(), service_cell, who, addresses.join(" ")]);
        items.push(PortReport {
            port,
            state,
            service,
            group: registry.group_of(port).map(|g| g.id.clone()),
            unregistered,
            owner_known: state != State::Listening || !processes.is_empty(),
            processes: processes.iter().map(|o| ProcessReport { pid: o.pid, name: o.name.clone() }).collect(),
            addresses,
            moved: arrived.or_else(|| {
                moved_from.get(&port).and_then(|(to, by)| {
                    registered.map(|s| MovedReport { service: s.id.clone(), from: port, to: *to, by: by.clone() })
                })
            }),
        });
    }
    Ok(StatusReport {
        registry: located.label(),
        block: BlockReport { start: registry.block.start, end: registry.block.end },
        source,
        error,
        warnings,
        unregistered: flagged,
        collisions,
        ports: items,
        notes,
        listening,
        block_text: registry.block.to_string(),
        rows,
    })
}

impl Report for StatusReport {
    fn text(&self) -> String {
        let mut text = out::table(&["PORT", "STATE", "SERVICE", "PROCESS", "ADDRESS"], &self.rows);
        let (block, listening, flagged) = (&self.block_text, self.listening, self.unregistered);
        match (&self.error, self.source) {
            (Some(reason), _) => text.push_str(&format!(
                "{} the socket table could not be read ({}); every port is unknown, not free: {HINT}\n",
                red("unknown:"),
                ports_core::escape_control(reason)
            )),
            (None, Some(backend)) if !self.warnings.is_empty() => text.push_str(&format!(
                "{} the socket table ({backend}) has lines that could not be read; ports not seen held are unknown, not free: {HINT}\n",
                red("incomplete:")
            )),
            (None, Some(backend)) => text.push_str(&format!(
                "{listening} listening in {block}, {flagged} on unregistered ports (socket table: {backend})\n"
            )),
            (None, None) => {}
        }
        for collision in &self.collisions {
            text.push_str(&format!("{} {}\n", red("collision:"), ports_core::escape_control(&collision.to_string())));
        }
        for note in &self.notes {
            text.push_str(&format!("note: {}\n", ports_core::escape_control(note)));
        }
        text.push_str(&super::registry_line(&self.registry));
        text
    }

    fn notes(&self) -> Vec<String> {
        self.warnings.iter().map(|w| format!("warning: {}", ports_core::escape_control(w))).collect()
    }

    fn code(&self) -> u8 {
        match (&self.error, self.unregistered + self.collisions.len()) {
            (Some(_), _) => 2,
            (None, _) if !self.warnings.is_empty() => 2,
            (None, 0) => 0,
            (None, _) => 1,
        }
    }
}

/// Whether the unseen-owner probe applies: the table was read, on an OS where it may be partial.
fn sources_complete(read: bool) -> bool {
    read && sockets::PROBES_UNSEEN
}

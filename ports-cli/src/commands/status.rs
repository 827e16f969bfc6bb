//! `ports status [--json]`: each port of the block — free, or listening and by which process —
//! plus the ports that services were moved to by env or config. What `lsof -i :4400-4449` and
//! `ops.sh status` answer today; when the socket table cannot be read, every port is `unknown`
//! (exit 2), never `free`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::ExitCode;

use ports_core::{Resolver, Source};
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, red};
use crate::sockets::{self, Owner, Socket};

#[derive(Serialize)]
struct StatusJson {
    registry: String,
    block: BlockJson,
    /// The backend that read the socket table; `null` when none could.
    source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    unregistered: usize,
    /// Pairs of services whose effective endpoints collide.
    collisions: Vec<String>,
    ports: Vec<PortJson>,
}

#[derive(Serialize)]
struct BlockJson {
    start: u16,
    end: u16,
}

#[derive(Serialize)]
struct PortJson {
    port: u16,
    state: &'static str,
    service: Option<String>,
    group: Option<String>,
    unregistered: bool,
    addresses: Vec<String>,
    processes: Vec<ProcessJson>,
    owner_known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    moved: Option<MovedJson>,
}

#[derive(Serialize)]
struct ProcessJson {
    pid: u32,
    name: String,
}

#[derive(Serialize)]
struct MovedJson {
    /// The service moved.
    service: String,
    /// Its registered port.
    from: u16,
    /// Its effective port.
    to: u16,
    /// What moved it (`WORKFLOW_PORT=4413`, `config.json: workflow.webhook.port`).
    by: String,
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

pub(crate) fn status(located: &Located, json_out: bool) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    let table = sockets::listening();
    let owners = registry.by_port();

    // Services moved by env or config: where they are, and where they were.
    let mut moved_to: HashMap<u16, MovedJson> = HashMap::new();
    let mut moved_from: HashMap<u16, (u16, String)> = HashMap::new();
    let mut notes = Vec::new();
    let all = Resolver::from_env().resolve_all(&registry);
    // Two services that resolve to one endpoint: the one collision rule, as `ports resolve`.
    let collisions: Vec<String> =
        crate::commands::resolve::collision_messages(&all).into_iter().map(|(_, _, _, message)| message).collect();
    for resolved in all {
        match resolved.result {
            Ok(endpoint) if endpoint.port != resolved.service.port => {
                let by = moved_by(&endpoint.source);
                moved_from.insert(resolved.service.port, (endpoint.port, by.clone()));
                moved_to.insert(
                    endpoint.port,
                    MovedJson {
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

    let (sockets, source, error) = match &table {
        Ok(table) => (Some(&table.sockets), Some(table.backend), None),
        Err(reason) => (None, None, Some(reason.clone())),
    };
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
            (false, _) => "unknown",
            (true, true) => "free",
            (true, false) => "listening",
        };
        let unregistered = state == "listening" && registered.is_none() && arrived.is_none();
        flagged += usize::from(unregistered);
        listening += usize::from(state == "listening");
        let service = registered.map(|s| s.id.clone()).or_else(|| arrived.as_ref().map(|m| m.service.clone()));
        let service_cell = match (registered, &arrived, moved_from.get(&port)) {
            (Some(s), _, Some((to, by))) => format!("{} (moved to {to} by {by})", s.id),
            (Some(s), _, None) => s.id.clone(),
            (None, Some(m), _) => format!("{} (moved by {})", m.service, m.by),
            (None, None, _) if unregistered => red("unregistered"),
            (None, None, _) => "-".to_owned(),
        };
        let who = match state {
            "listening" if unseen => "owner not visible (another user? try sudo)".to_owned(),
            "listening" if processes.is_empty() => "unknown owner".to_owned(),
            "listening" => processes.iter().map(|o| format!("{} {}", o.pid, o.name)).collect::<Vec<_>>().join(", "),
            _ => String::new(),
        };
        rows.push(vec![port.to_string(), state.to_owned(), service_cell, who, addresses.join(" ")]);
        items.push(PortJson {
            port,
            state,
            service,
            group: registry.group_of(port).map(|g| g.id.clone()),
            unregistered,
            owner_known: state != "listening" || !processes.is_empty(),
            processes: processes.iter().map(|o| ProcessJson { pid: o.pid, name: o.name.clone() }).collect(),
            addresses,
            moved: arrived.or_else(|| {
                moved_from.get(&port).and_then(|(to, by)| {
                    registered.map(|s| MovedJson { service: s.id.clone(), from: port, to: *to, by: by.clone() })
                })
            }),
        });
    }
    let code = match (&error, flagged + collisions.len()) {
        (Some(_), _) => ExitCode::from(2),
        (None, 0) => ExitCode::SUCCESS,
        (None, _) => ExitCode::from(1),
    };
    if json_out {
        out::print_json(&StatusJson {
            registry: located.label(),
            block: BlockJson { start: registry.block.start, end: registry.block.end },
            source,
            error,
            unregistered: flagged,
            collisions,
            ports: items,
        })?;
        return Ok(code);
    }
    let mut text = out::table(&["PORT", "STATE", "SERVICE", "PROCESS", "ADDRESS"], &rows);
    let block = registry.block;
    match (&error, source) {
        (Some(reason), _) => text.push_str(&format!(
            "{} the socket table could not be read ({}); every port is unknown, not free: {HINT}\n",
            red("unknown:"),
            ports_core::escape_control(reason)
        )),
        (None, Some(backend)) => text.push_str(&format!(
            "{listening} listening in {block}, {flagged} on unregistered ports (socket table: {backend})\n"
        )),
        (None, None) => {}
    }
    for collision in &collisions {
        text.push_str(&format!("{} {}\n", red("collision:"), ports_core::escape_control(collision)));
    }
    for note in notes {
        text.push_str(&format!("note: {}\n", ports_core::escape_control(&note)));
    }
    out::print(text)?;
    Ok(code)
}

/// Whether the unseen-owner probe applies: the table was read, on an OS where it may be partial.
fn sources_complete(read: bool) -> bool {
    read && sockets::PROBES_UNSEEN
}

//! `ports doc`: the standard's allocation tables ("当前端口分配") rendered from the registry, and
//! `ports doc --check FILE`, which names each row of FILE that drifts from the registry.
//!
//! Rows whose first cell is a range (`4404-4409`), or whose service is "预留", are reserved
//! space, not services, and are not compared.

use std::path::Path;
use std::process::ExitCode;

use ports_core::{Group, Registry};

use crate::failure::Failure;
use crate::output::{green, red};
use crate::registry::load;

const RESERVED: &str = "预留";

pub(crate) fn doc(arg: Option<&Path>, check: Option<&Path>) -> Result<ExitCode, Failure> {
    let (registry, _) = load(arg)?;
    let Some(file) = check else {
        print!("{}", render(&registry));
        return Ok(ExitCode::SUCCESS);
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
    let drift = drift(&registry, &text);
    let name = file.display();
    if drift.is_empty() {
        let rows = registry.services.iter().filter(|s| registry.in_block(s.port)).count();
        println!("{} {name}: the allocation tables match the registry ({rows} services)", green("ok"));
        return Ok(ExitCode::SUCCESS);
    }
    for difference in &drift {
        println!("{} {name}:{difference}", red("drift"));
    }
    println!("{} difference(s); `ports doc` prints the tables as the registry has them", drift.len());
    Ok(ExitCode::from(1))
}

/// The tables, one per group, as markdown.
pub(crate) fn render(registry: &Registry) -> String {
    let mut out = String::from("## 当前端口分配\n");
    for group in &registry.groups {
        let services: Vec<_> = registry.services.iter().filter(|s| s.group == group.id).collect();
        let with_stack = services.iter().any(|s| s.stack.is_some());
        out.push_str(&format!("\n### {} ({}-{})\n\n", group.title, group.start, group.end));
        if with_stack {
            out.push_str("| 端口 | 服务 | 技术栈 | 说明 |\n| ------ | ------ | -------- | ------ |\n");
        } else {
            out.push_str("| 端口 | 服务 | 说明 |\n| ------ | ------ | ------ |\n");
        }
        let cell = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).unwrap_or("-").replace('|', "\\|");
        for s in &services {
            let name = s.name.replace('|', "\\|");
            if with_stack {
                out.push_str(&format!("| {} | {name} | {} | {} |\n", s.port, cell(&s.stack), cell(&s.description)));
            } else {
                out.push_str(&format!("| {} | {name} | {} |\n", s.port, cell(&s.description)));
            }
        }
        for (start, end) in free_ranges(registry, group) {
            let ports = if start == end { start.to_string() } else { format!("{start}-{end}") };
            let why = cell(&group.reserved);
            if with_stack {
                out.push_str(&format!("| {ports} | {RESERVED} | - | {why} |\n"));
            } else {
                out.push_str(&format!("| {ports} | {RESERVED} | {why} |\n"));
            }
        }
    }
    out
}

/// The runs of consecutive free ports of a group.
fn free_ranges(registry: &Registry, group: &Group) -> Vec<(u16, u16)> {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for port in registry.free_ports(group) {
        match ranges.last_mut() {
            Some((_, end)) if end.checked_add(1) == Some(port) => *end = port,
            _ => ranges.push((port, port)),
        }
    }
    ranges
}

/// A row of an allocation table in a markdown file.
struct Row {
    line: usize,
    port: u16,
    name: String,
}

/// Every difference between the allocation tables of `text` and the registry, each starting
/// with `LINE: ` (or `: ` for a row that is missing from the file).
pub(crate) fn drift(registry: &Registry, text: &str) -> Vec<String> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut in_table = false;
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<&str> = trimmed.trim_matches('|').split('|').map(str::trim).collect();
        if !in_table {
            // A new table: ours when its first header cell is 端口.
            in_table = true;
            header_seen = cells.first() == Some(&"端口");
            continue;
        }
        if !header_seen || cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) {
            continue;
        }
        let first = cells.first().copied().unwrap_or_default();
        let name = cells.get(1).copied().unwrap_or_default();
        if first.contains('-') || name == RESERVED {
            continue;
        }
        match first.parse::<u16>() {
            Ok(port) => rows.push(Row { line: line_no, port, name: name.replace("\\|", "|") }),
            Err(_) => problems.push(format!("{line_no}: `{first}` is not a port")),
        }
    }
    for (i, row) in rows.iter().enumerate() {
        if let Some(earlier) = rows[..i].iter().find(|r| r.port == row.port) {
            problems.push(format!("{}: port {} has a second row (first at line {})", row.line, row.port, earlier.line));
            continue;
        }
        match registry.service_at(row.port) {
            None => problems.push(format!("{}: port {} (`{}`) is not in the registry", row.line, row.port, row.name)),
            Some(s) if s.name != row.name => problems.push(format!(
                "{}: port {} is `{}` here but `{}` (`{}`) in the registry",
                row.line, row.port, row.name, s.name, s.id
            )),
            Some(_) => {}
        }
    }
    for service in registry.services.iter().filter(|s| registry.in_block(s.port)) {
        if !rows.iter().any(|r| r.port == service.port) {
            problems.push(format!(" no row for port {} (`{}`, `{}`)", service.port, service.name, service.id));
        }
    }
    problems
}

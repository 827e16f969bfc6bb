//! The standard's allocation tables ("当前端口分配") as markdown: rendered from a registry, and
//! read back to find the rows that drift from it. Depends on ports-core alone, so that the fuzz
//! target can include it.
//!
//! Rows whose first cell is a range (`4404-4409`), or whose service is "预留" on a port no
//! service owns, are reserved space, not services, and are not compared.

use std::collections::HashMap;

use ports_core::{Group, Registry};

const RESERVED: &str = "预留";

/// A cell's text as markdown writes it: `\` and `|` escaped, so that the cell splits back.
fn escape_cell(text: &str) -> String {
    text.trim().replace('\\', "\\\\").replace('|', "\\|")
}

/// The cells of a table row, split at the pipes that are not escaped, each unescaped and
/// trimmed.
fn split_row(row: &str) -> Vec<String> {
    let inner = row.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    let mut closed = false;
    while let Some(c) = chars.next() {
        closed = false;
        match c {
            '\\' => match chars.next() {
                Some(next @ ('|' | '\\')) => cell.push(next),
                Some(next) => {
                    cell.push('\\');
                    cell.push(next);
                }
                None => cell.push('\\'),
            },
            '|' => {
                cells.push(cell.trim().to_owned());
                cell.clear();
                closed = true;
            }
            _ => cell.push(c),
        }
    }
    if !closed || !cell.trim().is_empty() {
        cells.push(cell.trim().to_owned());
    }
    cells
}

/// The tables, one per group, as markdown.
pub fn render(registry: &Registry) -> String {
    let mut by_group: HashMap<&str, Vec<&ports_core::ServiceEntry>> = HashMap::new();
    for service in &registry.services {
        by_group.entry(service.group.as_str()).or_default().push(service);
    }
    let mut out = String::from("## 当前端口分配\n");
    for group in &registry.groups {
        let services = by_group.remove(group.id.as_str()).unwrap_or_default();
        let with_stack = services.iter().any(|s| s.stack.is_some());
        out.push_str(&format!("\n### {} ({})\n\n", group.title, group.range()));
        if with_stack {
            out.push_str("| 端口 | 服务 | 技术栈 | 说明 |\n| ------ | ------ | -------- | ------ |\n");
        } else {
            out.push_str("| 端口 | 服务 | 说明 |\n| ------ | ------ | ------ |\n");
        }
        let cell = |v: &Option<String>| escape_cell(v.as_deref().filter(|v| !v.trim().is_empty()).unwrap_or("-"));
        for s in &services {
            let name = escape_cell(&s.name);
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
pub fn drift(registry: &Registry, text: &str) -> Vec<String> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut in_table = false;
    let mut header_seen = false;
    let owners = registry.by_port();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells = split_row(trimmed);
        if !in_table {
            // A new table: ours when its first header cell is 端口.
            in_table = true;
            header_seen = cells.first().map(String::as_str) == Some("端口");
            continue;
        }
        if !header_seen || cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':')) {
            continue;
        }
        let first = cells.first().map_or("", String::as_str);
        let name = cells.get(1).map_or("", String::as_str);
        let is_range = first
            .split_once('-')
            .is_some_and(|(a, b)| a.trim().parse::<u16>().is_ok() && b.trim().parse::<u16>().is_ok());
        match first.parse::<u16>() {
            // Reserved space: a range row, or a 预留 row on a port no service (named 预留) owns.
            _ if is_range => {}
            Ok(port) if name == RESERVED && owners.get(&port).is_none_or(|s| s.name.trim() != RESERVED) => {}
            Ok(port) => rows.push(Row { line: line_no, port, name: name.to_owned() }),
            Err(_) => problems.push(format!("{line_no}: `{first}` is not a port")),
        }
    }
    let mut first_row: HashMap<u16, usize> = HashMap::new();
    for row in &rows {
        if let Some(earlier) = first_row.get(&row.port) {
            problems.push(format!("{}: port {} has a second row (first at line {earlier})", row.line, row.port));
            continue;
        }
        first_row.insert(row.port, row.line);
        match owners.get(&row.port) {
            None => problems.push(format!("{}: port {} (`{}`) is not in the registry", row.line, row.port, row.name)),
            Some(s) if s.name.trim() != row.name => problems.push(format!(
                "{}: port {} is `{}` here but `{}` (`{}`) in the registry",
                row.line, row.port, row.name, s.name, s.id
            )),
            Some(_) => {}
        }
    }
    for service in registry.services.iter().filter(|s| registry.in_block(s.port)) {
        if !first_row.contains_key(&service.port) {
            problems.push(format!(" no row for port {} (`{}`, `{}`)", service.port, service.name, service.id));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Names a registry may hold: pipes, backslashes, the reserved word, dashes, CJK, spaces.
    fn name() -> impl Strategy<Value = String> {
        proptest::string::string_regex(r"[a-zA-Z0-9 |\\\-:预留服务`*_]{1,12}")
            .unwrap()
            .prop_filter("a name is not blank", |n| !n.trim().is_empty())
    }

    proptest! {
        /// `ports doc` → `ports doc --check` passes for every valid registry.
        #[test]
        fn rendered_tables_check_clean(
            names in proptest::collection::vec(name(), 1..12),
            offsets in proptest::collection::vec(0u16..50, 1..12),
            descriptions in proptest::collection::vec(proptest::option::of(name()), 12),
        ) {
            let mut registry = Registry::embedded().clone();
            registry.services.clear();
            let mut used = std::collections::HashSet::new();
            for (i, (name, offset)) in names.iter().zip(&offsets).enumerate() {
                let port = 4400 + offset;
                if !used.insert(port) {
                    continue;
                }
                let group = registry.group_of(port).unwrap().id.clone();
                let mut entry = ports_core::ServiceEntry::new(port, format!("svc-{i}"), name.clone(), group);
                entry.description.clone_from(&descriptions[i]);
                entry.stack = (i % 2 == 0).then(|| "Rust | Tokio".to_owned());
                registry.services.push(entry);
            }
            prop_assume!(registry.validate().is_ok());
            let rendered = render(&registry);
            prop_assert_eq!(drift(&registry, &rendered), Vec::<String>::new(), "{}", rendered);
        }
    }

    #[test]
    fn cells_split_at_unescaped_pipes_only() {
        assert_eq!(split_row("| 4400 | A \\| B | x\\\\ |"), ["4400", "A | B", "x\\"]);
        assert_eq!(split_row("| a | | c |"), ["a", "", "c"]);
        assert_eq!(escape_cell("A | B \\"), "A \\| B \\\\");
    }
}

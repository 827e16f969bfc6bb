//! The rules of a registry, all in one place: the macros, the CLI and the resolver call these.

use std::collections::HashMap;

use crate::error::{EntryKind, Problem};
use crate::model::Registry;

/// The kebab-case rule in words, for every message that states it.
pub(crate) const KEBAB_RULE: &str = "use lowercase ASCII letters and digits in segments joined by single hyphens";

/// Whether `id` is kebab-case: lowercase ASCII letters and digits in segments joined by single
/// hyphens (`zero-gateway`, `svc-0`).
///
/// ```
/// assert!(ports_core::is_kebab_id("zero-gateway"));
/// assert!(!ports_core::is_kebab_id("Zero_Gateway"));
/// assert!(!ports_core::is_kebab_id("a--b"));
/// ```
#[must_use]
pub fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// `n` as a port, if it is one: 1-65535. The one statement of the range, for registry entries,
/// `#[service(port = N)]`, env values and config values alike.
///
/// ```
/// assert_eq!(ports_core::port_from(4410), Some(4410));
/// assert_eq!(ports_core::port_from(0), None);
/// assert_eq!(ports_core::port_from(65536), None);
/// ```
#[must_use]
pub fn port_from(n: u64) -> Option<u16> {
    u16::try_from(n).ok().filter(|&p| p != 0)
}

/// Whether `name` is a valid env var name for a port override: `[A-Z][A-Z0-9_]*`.
///
/// ```
/// assert!(ports_core::is_env_name("GATEWAY_PORT"));
/// assert!(!ports_core::is_env_name("gateway_port"));
/// ```
#[must_use]
pub fn is_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z'))
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `key` is a dotted config path: segments of `[A-Za-z0-9_-]`, joined by single dots
/// (`workflow.webhook`).
///
/// ```
/// assert!(ports_core::is_config_key("workflow.webhook"));
/// assert!(!ports_core::is_config_key("workflow..webhook"));
/// ```
#[must_use]
pub fn is_config_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .split('.')
            .all(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
}

impl Registry {
    /// Every rule the registry breaks, in a stable order (block, groups, services), each naming
    /// the entries at fault. Empty when the registry is valid. Linear in the size of the
    /// registry (overlapping groups are found by a sweep, each group against its neighbour).
    ///
    /// ```
    /// let mut registry = ports_core::Registry::embedded().clone();
    /// registry.services[1].port = 4400;
    /// let problems: Vec<String> = registry.problems().iter().map(ToString::to_string).collect();
    /// assert_eq!(problems, ["duplicate port 4400: registered to both `codecoder-api` and `web-frontend`"]);
    /// ```
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.check_block(&mut problems);
        self.check_groups(&mut problems);
        self.check_services(&mut problems);
        problems
    }

    fn check_block(&self, problems: &mut Vec<Problem>) {
        let Self { block, name, schema, .. } = self;
        if block.start == 0 || block.is_empty() {
            problems.push(Problem::BadBlock { start: block.start, end: block.end });
        }
        if name.trim().is_empty() {
            problems.push(Problem::EmptyName { kind: EntryKind::Registry, id: String::new() });
        }
        for (field, value) in [("name", Some(name)), ("$schema", schema.as_ref())] {
            if let Some(ch) = value.and_then(|v| hidden_char(v)) {
                problems.push(Problem::ControlChar { kind: EntryKind::Registry, id: String::new(), field, ch });
            }
        }
    }

    fn check_groups(&self, problems: &mut Vec<Problem>) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for group in &self.groups {
            if !is_kebab_id(&group.id) {
                problems.push(Problem::BadId { kind: EntryKind::Group, id: group.id.clone() });
            }
            let count = seen.entry(&group.id).or_default();
            *count += 1;
            if *count == 2 {
                problems.push(Problem::DuplicateId { kind: EntryKind::Group, id: group.id.clone() });
            }
            if group.title.trim().is_empty() {
                problems.push(Problem::EmptyName { kind: EntryKind::Group, id: group.id.clone() });
            }
            for (field, value) in [("title", Some(&group.title)), ("reserved", group.reserved.as_ref())] {
                if let Some(ch) = value.and_then(|v| hidden_char(v)) {
                    problems.push(Problem::ControlChar { kind: EntryKind::Group, id: group.id.clone(), field, ch });
                }
            }
            if group.range().is_empty() {
                problems.push(Problem::EmptyGroup { group: group.id.clone(), start: group.start, end: group.end });
            } else if !self.block.contains(group.start) || !self.block.contains(group.end) {
                problems.push(Problem::GroupOutsideBlock {
                    group: group.id.clone(),
                    start: group.start,
                    end: group.end,
                    block_start: self.block.start,
                    block_end: self.block.end,
                });
            }
        }
        // Overlaps by sweep: groups in order of their start; each one is compared with the group
        // reaching furthest among those before it, so every overlapping group is reported once.
        let mut sorted: Vec<(usize, &crate::model::Group)> =
            self.groups.iter().enumerate().filter(|(_, g)| !g.range().is_empty()).collect();
        sorted.sort_by_key(|(i, g)| (g.start, *i));
        let mut furthest: Option<(usize, &crate::model::Group)> = None;
        let mut overlaps = Vec::new();
        for (i, group) in sorted {
            if let Some((j, reach)) = furthest {
                if group.start <= reach.end {
                    let (first, second) = if j < i { (reach, group) } else { (group, reach) };
                    overlaps.push((j.min(i), j.max(i), first, second, group.start, group.end.min(reach.end)));
                }
            }
            if furthest.is_none_or(|(_, reach)| group.end > reach.end) {
                furthest = Some((i, group));
            }
        }
        overlaps.sort_by_key(|o| (o.0, o.1));
        for (_, _, first, second, from, to) in overlaps {
            problems.push(Problem::GroupsOverlap { first: first.id.clone(), second: second.id.clone(), from, to });
        }
    }

    fn check_services(&self, problems: &mut Vec<Problem>) {
        let groups: HashMap<&str, &crate::model::Group> =
            self.groups.iter().map(|g| (g.id.as_str(), g)).rev().collect();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut ports: HashMap<u16, &str> = HashMap::new();
        let mut envs: HashMap<&str, &str> = HashMap::new();
        let mut keys: HashMap<&str, &str> = HashMap::new();
        for service in &self.services {
            let id = service.id.as_str();
            if !is_kebab_id(id) {
                problems.push(Problem::BadId { kind: EntryKind::Service, id: id.to_owned() });
            }
            let count = ids.entry(id).or_default();
            *count += 1;
            if *count == 2 {
                problems.push(Problem::DuplicateId { kind: EntryKind::Service, id: id.to_owned() });
            }
            if service.name.trim().is_empty() {
                problems.push(Problem::EmptyName { kind: EntryKind::Service, id: id.to_owned() });
            }
            let texts = [
                ("name", Some(&service.name)),
                ("group", Some(&service.group)),
                ("description", service.description.as_ref()),
                ("stack", service.stack.as_ref()),
                ("protocol", service.protocol.as_ref()),
            ];
            for (field, value) in texts {
                if let Some(ch) = value.and_then(|v| hidden_char(v)) {
                    problems.push(Problem::ControlChar { kind: EntryKind::Service, id: id.to_owned(), field, ch });
                }
            }
            if port_from(u64::from(service.port)).is_none() {
                problems.push(Problem::PortZero { service: id.to_owned() });
            } else if let Some(first) = ports.insert(service.port, id) {
                ports.insert(service.port, first);
                problems.push(Problem::DuplicatePort {
                    port: service.port,
                    first: first.to_owned(),
                    second: id.to_owned(),
                });
            }
            match groups.get(service.group.as_str()) {
                None => problems.push(Problem::UnknownGroup {
                    service: id.to_owned(),
                    group: service.group.clone(),
                    closest: self.closest_group(&service.group).map(str::to_owned),
                }),
                Some(group) if service.port != 0 && !group.contains(service.port) => {
                    problems.push(Problem::PortOutsideGroup {
                        service: id.to_owned(),
                        port: service.port,
                        group: group.id.clone(),
                        start: group.start,
                        end: group.end,
                    });
                }
                Some(_) => {}
            }
            for env in service.env_names() {
                if !is_env_name(env) {
                    problems.push(Problem::BadEnv { service: id.to_owned(), env: env.to_owned() });
                } else if let Some(first) = envs.insert(env, id) {
                    envs.insert(env, first);
                    problems.push(Problem::DuplicateEnv {
                        env: env.to_owned(),
                        first: first.to_owned(),
                        second: id.to_owned(),
                    });
                }
            }
            for key in service.config_keys() {
                if !is_config_key(key) {
                    problems.push(Problem::BadConfigKey { service: id.to_owned(), key: key.to_owned() });
                } else if let Some(first) = keys.insert(key, id) {
                    keys.insert(key, first);
                    problems.push(Problem::DuplicateConfigKey {
                        key: key.to_owned(),
                        first: first.to_owned(),
                        second: id.to_owned(),
                    });
                }
            }
        }
    }
}

/// The first character of `text` that may not appear in a registry string, if any.
fn hidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| is_hidden_char(c))
}

/// Whether `c` may not appear in a registry string, nor be printed raw: a control character
/// (Unicode `Cc`: newline, ESC, NUL...), a format character (`Cf`: the bidi embeddings, overrides
/// and isolates U+202A-202E and U+2066-2069, the zero-width characters U+200B-200F, the soft
/// hyphen U+00AD, the BOM U+FEFF, tags...), or a line or paragraph separator (U+2028, U+2029).
/// Each of these moves the cursor, starts a line, or changes or hides the text around it, so
/// that a terminal or a review would show something other than what the registry holds (Trojan
/// Source). The one definition: validation rejects them, `escape_control` escapes them.
pub(crate) fn is_hidden_char(c: char) -> bool {
    /// Unicode's `Cf` (format) characters, as ranges (Unicode 16).
    const FORMAT: &[(char, char)] = &[
        ('\u{ad}', '\u{ad}'),
        ('\u{600}', '\u{605}'),
        ('\u{61c}', '\u{61c}'),
        ('\u{6dd}', '\u{6dd}'),
        ('\u{70f}', '\u{70f}'),
        ('\u{890}', '\u{891}'),
        ('\u{8e2}', '\u{8e2}'),
        ('\u{180e}', '\u{180e}'),
        ('\u{200b}', '\u{200f}'),
        ('\u{202a}', '\u{202e}'),
        ('\u{2060}', '\u{2064}'),
        ('\u{2066}', '\u{206f}'),
        ('\u{feff}', '\u{feff}'),
        ('\u{fff9}', '\u{fffb}'),
        ('\u{110bd}', '\u{110bd}'),
        ('\u{110cd}', '\u{110cd}'),
        ('\u{13430}', '\u{1343f}'),
        ('\u{1bca0}', '\u{1bca3}'),
        ('\u{1d173}', '\u{1d17a}'),
        ('\u{e0001}', '\u{e0001}'),
        ('\u{e0020}', '\u{e007f}'),
    ];
    if c < '\u{ad}' {
        return c.is_control();
    }
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || FORMAT.iter().any(|&(first, last)| first <= c && c <= last)
}

//! Attribution: which name on a line a port literal answers to. A name is a registered
//! service's id (`zero-gateway`), env var (`GATEWAY_PORT`, aliases too) or human name
//! (`Zero Gateway`), or an unregistered `SOMETHING_PORT` variable (`REDIS_PORT`).
//!
//! The names of a line are found in one pass (an Aho-Corasick automaton over every registered
//! name, plus a search for `_PORT`), and each literal is given the nearest name before it with
//! no other literal in between, else the nearest after it likewise: linear in the line whatever
//! the number of ports on it.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use ports_core::{Registry, ServiceEntry};

use super::lexer::Literal;

/// How a name refers to its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// By its id.
    Id,
    /// By one of its env vars.
    Env,
    /// By its human name.
    Name,
}

/// A name found on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    /// Its byte offset in the line.
    pub start: usize,
    /// Just past its end.
    pub end: usize,
    /// The registered service it names (an index into the registry's services), and how; `None`
    /// for a `SOMETHING_PORT` variable no service has.
    pub service: Option<(usize, Via)>,
}

/// The registry, indexed once per scan for the lookups every line makes.
pub struct Index<'r> {
    /// The registry.
    pub registry: &'r Registry,
    /// The owner of each port of the block, by offset from its start (a lookup per literal).
    by_port: Vec<Option<u32>>,
    by_port_start: u16,
    port_var: memchr::memmem::Finder<'static>,
    by_id: HashMap<&'r str, usize>,
    names: Option<AhoCorasick>,
    patterns: Vec<(usize, Via)>,
}

impl<'r> Index<'r> {
    /// Indexes `registry`.
    #[must_use]
    pub fn new(registry: &'r Registry) -> Index<'r> {
        let mut texts: Vec<&str> = Vec::new();
        let mut patterns = Vec::new();
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for (i, service) in registry.services.iter().enumerate() {
            let mut add = |text: &'r str, via: Via| {
                if seen.insert(text, ()).is_none() {
                    texts.push(text);
                    patterns.push((i, via));
                }
            };
            add(&service.id, Via::Id);
            for env in service.env_names() {
                add(env, Via::Env);
            }
            // A human name is a name when it has a letter and is not a common word.
            if service.name.len() >= 3 && service.name.chars().any(char::is_alphabetic) {
                add(&service.name, Via::Name);
            }
        }
        let names = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&texts).ok();
        Index {
            registry,
            by_port: {
                let mut owners = vec![None; usize::from(registry.block.end.saturating_sub(registry.block.start)) + 1];
                for (i, s) in registry.services.iter().enumerate() {
                    if let (Some(slot), Ok(i)) = (
                        s.port.checked_sub(registry.block.start).and_then(|o| owners.get_mut(usize::from(o))),
                        u32::try_from(i),
                    ) {
                        *slot = Some(i);
                    }
                }
                owners
            },
            by_port_start: registry.block.start,
            port_var: memchr::memmem::Finder::new(b"_PORT"),
            by_id: registry.services.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect(),
            names,
            patterns,
        }
    }

    /// The service registered on `port`, as an index.
    #[must_use]
    pub fn owner(&self, port: u16) -> Option<usize> {
        let offset = port.checked_sub(self.by_port_start)?;
        self.by_port.get(usize::from(offset)).copied().flatten().map(|i| i as usize)
    }

    /// The service with `id`, as an index.
    #[must_use]
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The service at `index`.
    #[must_use]
    pub fn service(&self, index: usize) -> &'r ServiceEntry {
        &self.registry.services[index]
    }

    /// Every name on `line`, in order.
    #[must_use]
    pub fn names(&self, line: &[u8]) -> Vec<Name> {
        let mut found = Vec::new();
        self.names_into(line, &mut found);
        found
    }

    /// Every name on `line`, in order, into `found` (cleared first): a buffer reused line after
    /// line.
    pub fn names_into(&self, line: &[u8], found: &mut Vec<Name>) {
        found.clear();
        if let Some(names) = &self.names {
            for m in names.find_iter(line) {
                let (service, via) = self.patterns[m.pattern().as_usize()];
                if bounded(line, m.start(), m.end(), via) {
                    found.push(Name { start: m.start(), end: m.end(), service: Some((service, via)) });
                }
            }
        }
        // The registered names, in order of their starts (leftmost matches do not overlap).
        let registered = found.len();
        for at in self.port_var.find_iter(line) {
            let end = at + 5;
            if line.get(end).is_some_and(|&b| env_byte(b)) {
                continue;
            }
            let start = line[..at].iter().rposition(|&b| !env_byte(b)).map_or(0, |i| i + 1);
            let word = &line[start..end];
            let shaped = word.len() > 5
                && word[0].is_ascii_uppercase()
                && word.iter().all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            // Not one already found as a registered env var: a binary search, not a scan of every
            // name found, so a line of many variables stays linear.
            let known =
                found[..registered].binary_search_by_key(&start, |n| n.start).is_ok_and(|i| found[i].end == end);
            if shaped && !known {
                found.push(Name { start, end, service: None });
            }
        }
        found.sort_by_key(|n| n.start);
    }
}

fn env_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether a match stands alone as a word of its kind.
fn bounded(line: &[u8], start: usize, end: usize, via: Via) -> bool {
    let before = start.checked_sub(1).map(|i| line[i]);
    let after = line.get(end).copied();
    match via {
        Via::Env => !before.is_some_and(env_byte) && !after.is_some_and(env_byte),
        Via::Id => {
            let continues = after.is_some_and(env_byte)
                || (after == Some(b'-') && line.get(end + 1).is_some_and(u8::is_ascii_alphanumeric));
            !before.is_some_and(|b| env_byte(b) || b == b'-') && !continues
        }
        Via::Name => {
            !before.is_some_and(|b| b.is_ascii_alphanumeric()) && !after.is_some_and(|b| b.is_ascii_alphanumeric())
        }
    }
}

/// For each literal of a line (in order), the index of the name it answers to: the nearest name
/// before it with no other literal in between, else the nearest after it likewise. One merge
/// of the two sorted lists.
#[must_use]
pub fn attribute(literals: &[Literal], names: &[Name]) -> Vec<Option<usize>> {
    let mut result = Vec::with_capacity(literals.len());
    attribute_into(literals, names, &mut result);
    result
}

/// [`attribute`] into `result` (cleared first): a buffer reused line after line.
pub fn attribute_into(literals: &[Literal], names: &[Name], result: &mut Vec<Option<usize>>) {
    result.clear();
    let mut n = 0;
    for (i, literal) in literals.iter().enumerate() {
        while n < names.len() && names[n].end <= literal.start {
            n += 1;
        }
        // names[..n] end before this literal; is the last of them after the previous literal?
        let previous_end = i.checked_sub(1).map_or(0, |p| literals[p].end);
        let before = n.checked_sub(1).filter(|&k| names[k].start >= previous_end);
        let next_start = literals.get(i + 1).map_or(usize::MAX, |l| l.start);
        let after = (n..names.len()).find(|&k| names[k].start >= literal.end).filter(|&k| names[k].end <= next_start);
        result.push(before.or(after));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::lexer::Lexer;

    fn attributed(line: &str) -> Vec<(u16, Option<String>)> {
        let registry = Registry::embedded();
        let index = Index::new(registry);
        let lexer = Lexer::new(registry.block);
        let literals: Vec<Literal> = lexer.literals(line.as_bytes()).collect();
        let names = index.names(line.as_bytes());
        attribute(&literals, &names)
            .into_iter()
            .zip(&literals)
            .map(|(n, l)| (l.port, n.map(|n| line[names[n].start..names[n].end].to_owned())))
            .collect()
    }

    #[test]
    fn names_of_every_kind() {
        let registry = Registry::embedded();
        let index = Index::new(registry);
        let line = b"zero-gateway GATEWAY_PORT Zero Gateway REDIS_PORT zero-gateway-2 xzero-gateway HTTP_PORTS";
        let names = index.names(line);
        let shown: Vec<(&str, Option<Via>)> = names
            .iter()
            .map(|n| (std::str::from_utf8(&line[n.start..n.end]).unwrap(), n.service.map(|(_, via)| via)))
            .collect();
        assert_eq!(
            shown,
            [
                ("zero-gateway", Some(Via::Id)),
                ("GATEWAY_PORT", Some(Via::Env)),
                ("Zero Gateway", Some(Via::Name)),
                ("REDIS_PORT", None),
            ]
        );
    }

    #[test]
    fn each_literal_takes_the_nearest_name_with_no_literal_between() {
        type Case<'a> = (&'a str, &'a [(u16, Option<&'a str>)]);
        let table: &[Case<'_>] = &[
            ("GATEWAY_PORT=4410", &[(4410, Some("GATEWAY_PORT"))]),
            ("4410 is zero-gateway", &[(4410, Some("zero-gateway"))]),
            ("REDIS_PORT=4410", &[(4410, Some("REDIS_PORT"))]),
            ("GATEWAY_PORT=4410 CHANNELS_PORT=4411", &[(4410, Some("GATEWAY_PORT")), (4411, Some("CHANNELS_PORT"))]),
            // The second literal has a literal between it and the name before, none after.
            ("GATEWAY_PORT=4410,4411", &[(4410, Some("GATEWAY_PORT")), (4411, None)]),
            ("4410 4411 zero-channels", &[(4410, None), (4411, Some("zero-channels"))]),
            ("Zero Channels listens on 4417", &[(4417, Some("Zero Channels"))]),
            ("nothing here 4410", &[(4410, None)]),
        ];
        for (line, want) in table {
            let want: Vec<(u16, Option<String>)> = want.iter().map(|(p, n)| (*p, n.map(str::to_owned))).collect();
            assert_eq!(attributed(line), want, "{line}");
        }
    }

    #[test]
    fn attribution_is_linear_on_a_line_of_many_ports() {
        let line = format!("GATEWAY_PORT={}", "4410 ".repeat(200_000));
        let found = attributed(&line);
        assert_eq!(found.len(), 200_000);
        assert_eq!(found[0].1.as_deref(), Some("GATEWAY_PORT"));
        assert!(found[1..].iter().all(|(_, n)| n.is_none()));
    }
}

//! Writing a registry over the file it was read from, keeping the file's layout: the services
//! array is rebuilt entry by entry — an unchanged entry byte for byte, a changed one with only
//! its changed values replaced, a new one laid out like its neighbours — and everything else is
//! left as it is. Every entry written anew is parsed back and compared with the service it
//! stands for; when the layout cannot be followed, the canonical layout is written instead
//! ([`Registry::to_json_pretty`]).

use std::borrow::Cow;

use crate::model::{Registry, ServiceEntry};
use crate::serde_impls::line;

impl Registry {
    /// The registry as JSON, written over `original` — the text of the file it was read from —
    /// in that file's layout: indentation, line breaks, one-line or multi-line entries and the
    /// order of keys are kept; an entry that did not change is kept byte for byte, a changed
    /// value is replaced where it stands, and a new entry is written like the one before it.
    /// Only the services may differ from `original`'s (what `add`, `move`, `remove` and `set`
    /// change); otherwise, or when `original` is not a registry, this is
    /// [`to_json_pretty`](Self::to_json_pretty). Line endings are `\n` and there is no
    /// byte-order mark: the caller restores the file's.
    ///
    /// ```
    /// use ports_core::{Registry, ServiceEntry};
    ///
    /// let original = "{\n    \"name\": \"Shop\",\n    \"block\": {\"start\": 7000, \"end\": 7009},\n    \"groups\": [{\"id\": \"web\", \"start\": 7000, \"end\": 7009, \"title\": \"Web\"}],\n    \"services\": [\n        {\"port\": 7000, \"id\": \"site\", \"name\": \"Site\", \"group\": \"web\"}\n    ]\n}\n";
    /// let mut registry = Registry::parse(original)?;
    /// registry.insert_in_port_order(ServiceEntry::new(7001, "api", "API", "web"));
    /// let text = registry.to_json_keeping_layout(original)?;
    /// assert!(text.starts_with("{\n    \"name\": \"Shop\",\n    \"block\": {\"start\": 7000, \"end\": 7009},"));
    /// assert!(text.contains("\n        { \"port\": 7001, \"id\": \"api\", \"name\": \"API\", \"group\": \"web\" }\n    ]\n}\n"));
    /// assert_eq!(Registry::parse(&text)?, registry);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`to_json_pretty`](Self::to_json_pretty): none for a registry of this crate's model.
    pub fn to_json_keeping_layout(&self, original: &str) -> Result<String, serde_json::Error> {
        match keep_layout(self, original) {
            Some(text) => Ok(text),
            None => self.to_json_pretty(),
        }
    }
}

fn keep_layout(after: &Registry, original: &str) -> Option<String> {
    let text = original.strip_prefix('\u{feff}').unwrap_or(original).replace("\r\n", "\n");
    let before = Registry::parse_unvalidated(&text).ok()?;
    if (&before.schema, &before.name, &before.block, &before.groups)
        != (&after.schema, &after.name, &after.block, &after.groups)
    {
        return None;
    }
    let root = spans::parse(&text)?;
    let array = root.member("services")?;
    let spans::Node::Array { start: open, end: close, items } = array else { return None };
    let (open, close) = (*open, *close);
    if items.len() != before.services.len() || items.is_empty() {
        return None;
    }
    let texts: Vec<&str> = items.iter().map(|n| &text[n.start()..n.end()]).collect();
    // Linear in the registry: 65,535 services are written in well under a second.
    let index: std::collections::HashMap<&str, usize> =
        before.services.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut entries: Vec<Cow<'_, str>> = Vec::with_capacity(after.services.len());
    for (k, service) in after.services.iter().enumerate() {
        let position = |id: &str| index.get(id).copied();
        let entry = match position(&service.id) {
            // Unchanged: the file's own bytes, which parsed to this very entry.
            Some(i) if before.services[i] == *service => Cow::Borrowed(texts[i]),
            Some(i) => Cow::Owned(edit_entry(&text, &items[i], &before.services[i], service)?),
            // Laid out like the entry it follows, as that one was in the file; else the first.
            None => {
                let like = k.checked_sub(1).and_then(|j| position(&after.services[j].id)).unwrap_or(0);
                Cow::Owned(new_entry(texts[like], &text, items[like].start(), service)?)
            }
        };
        // Every entry written anew is read back: it must be the service, or the layout is not
        // followed. The rest is the file's own text: whitespace and commas between entries.
        if let Cow::Owned(written) = &entry {
            if serde_json::from_str::<ServiceEntry>(written).ok().as_ref() != Some(service) {
                return None;
            }
        }
        entries.push(entry);
    }
    let lead = &text[open + 1..items[0].start()];
    let trail = &text[items[items.len() - 1].end()..close - 1];
    let default_sep = format!(",{lead}");
    let sep = items.get(1).map_or(default_sep.as_str(), |second| &text[items[0].end()..second.start()]);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(&text[..open]);
    out.push('[');
    if !entries.is_empty() {
        out.push_str(lead);
        for (n, entry) in entries.iter().enumerate() {
            if n > 0 {
                out.push_str(sep);
            }
            out.push_str(entry);
        }
        out.push_str(trail);
    }
    out.push(']');
    out.push_str(&text[close..]);
    Some(out)
}

/// The fields of a service in the model's order, each with its value as the canonical layout
/// writes it (`"SITE_PORT"`, `["SITE_PORT", "SHOP_PORT"]`, `7000`).
fn fields(service: &ServiceEntry) -> Option<Vec<(String, String)>> {
    let text = line(service).ok()?;
    let spans::Node::Object { members, .. } = spans::parse(&text)? else { return None };
    Some(members.into_iter().map(|m| (m.key.into_owned(), text[m.value.start()..m.value.end()].to_owned())).collect())
}

/// The text of the entry `node` (the service `old`), with the values that differ in `new`
/// replaced, the fields `new` adds inserted after the last one, and those it drops removed.
fn edit_entry(text: &str, node: &spans::Node, old: &ServiceEntry, new: &ServiceEntry) -> Option<String> {
    let (start, end) = (node.start(), node.end());
    if old == new {
        return Some(text[start..end].to_owned());
    }
    let spans::Node::Object { members, .. } = node else { return None };
    let (old_fields, new_fields) = (fields(old)?, fields(new)?);
    let get = |fields: &[(String, String)], key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    // (range in the file, replacement), applied from the last.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (m, member) in members.iter().enumerate() {
        match get(&new_fields, &member.key) {
            Some(value) if get(&old_fields, &member.key).as_ref() == Some(&value) => {}
            Some(value) => edits.push((member.value.start(), member.value.end(), value)),
            // Dropped: with the comma before it, or after it for the first member.
            None if m > 0 => edits.push((members[m - 1].value.end(), member.value.end(), String::new())),
            None => edits.push((
                member.key_start,
                members.get(1).map_or(member.value.end(), |n| n.key_start),
                String::new(),
            )),
        }
    }
    let last = members.last()?;
    let entry_text = &text[start..end];
    let added: Vec<String> = new_fields
        .iter()
        .filter(|(key, _)| !members.iter().any(|m| m.key == key.as_str()))
        .map(|(key, value)| Some(format!("{}: {value}", line(key).ok()?)))
        .collect::<Option<_>>()?;
    if !added.is_empty() {
        let sep =
            if entry_text.contains('\n') { format!(",\n{}", indent_of(text, last.key_start)) } else { ", ".to_owned() };
        let insertion: String = added.iter().map(|field| format!("{sep}{field}")).collect();
        edits.push((last.value.end(), last.value.end(), insertion));
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(entry_text.len() + 32);
    let mut at = start;
    for (from, to, replacement) in edits {
        if from < at {
            return None; // overlapping edits: not a layout this can follow
        }
        out.push_str(&text[at..from]);
        out.push_str(&replacement);
        at = to;
    }
    out.push_str(&text[at..end]);
    Some(out)
}

/// A new entry laid out like `neighbour`: on one line when it is, else one field per line at
/// its fields' indentation, the closing brace at the indentation of the line it starts on
/// (`entry_start` in `text`).
fn new_entry(neighbour: &str, text: &str, entry_start: usize, service: &ServiceEntry) -> Option<String> {
    if !neighbour.contains('\n') {
        return line(service).ok();
    }
    let second_line = neighbour.split('\n').nth(1)?;
    let field_indent: String = second_line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let close_indent = indent_of(text, entry_start);
    let fields = fields(service)?
        .iter()
        .map(|(key, value)| Some(format!("{field_indent}{}: {value}", line(key).ok()?)))
        .collect::<Option<Vec<_>>>()?;
    Some(format!("{{\n{}\n{close_indent}}}", fields.join(",\n")))
}

/// The spaces and tabs that start the line holding offset `at`.
fn indent_of(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect()
}

/// Where each value of a JSON text lies: enough of a parser to edit a text in place. The text
/// has already been parsed by serde_json, so it is valid JSON of a bounded depth; anything else
/// is `None`.
mod spans {
    use std::borrow::Cow;
    /// A value and its byte range.
    #[derive(Debug)]
    pub(super) enum Node<'a> {
        Object { start: usize, end: usize, members: Vec<Member<'a>> },
        Array { start: usize, end: usize, items: Vec<Node<'a>> },
        Scalar { start: usize, end: usize },
    }

    /// One `"key": value` of an object.
    #[derive(Debug)]
    pub(super) struct Member<'a> {
        /// Borrowed from the text unless it holds an escape.
        pub(super) key: Cow<'a, str>,
        pub(super) key_start: usize,
        pub(super) value: Node<'a>,
    }

    impl<'a> Node<'a> {
        pub(super) fn start(&self) -> usize {
            match self {
                Node::Object { start, .. } | Node::Array { start, .. } | Node::Scalar { start, .. } => *start,
            }
        }

        pub(super) fn end(&self) -> usize {
            match self {
                Node::Object { end, .. } | Node::Array { end, .. } | Node::Scalar { end, .. } => *end,
            }
        }

        pub(super) fn member(&self, key: &str) -> Option<&Node<'a>> {
            match self {
                Node::Object { members, .. } => members.iter().find(|m| m.key == key).map(|m| &m.value),
                _ => None,
            }
        }
    }

    /// The depth serde_json accepts.
    const MAX_DEPTH: usize = 128;

    pub(super) fn parse(text: &str) -> Option<Node<'_>> {
        let bytes = text.as_bytes();
        let (node, end) = value(bytes, skip(bytes, 0), 0)?;
        (skip(bytes, end) == bytes.len()).then_some(node)
    }

    fn skip(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// The end of the string starting at `i` (its opening quote), past its closing quote.
    fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
        i += 1;
        loop {
            match b.get(i)? {
                b'"' => return Some(i + 1),
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
    }

    fn value(b: &[u8], start: usize, depth: usize) -> Option<(Node<'_>, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match b.get(start)? {
            b'{' => {
                let mut members = Vec::new();
                let mut i = skip(b, start + 1);
                if b.get(i) == Some(&b'}') {
                    return Some((Node::Object { start, end: i + 1, members }, i + 1));
                }
                loop {
                    let key_start = i;
                    if b.get(i) != Some(&b'"') {
                        return None;
                    }
                    let key_end = string_end(b, i)?;
                    let raw = &b[key_start + 1..key_end - 1];
                    // Most keys have no escape: taken as they are, without a JSON decode.
                    let key: Cow<'_, str> = if raw.contains(&b'\\') {
                        Cow::Owned(serde_json::from_slice(&b[key_start..key_end]).ok()?)
                    } else {
                        Cow::Borrowed(std::str::from_utf8(raw).ok()?)
                    };
                    i = skip(b, key_end);
                    if b.get(i) != Some(&b':') {
                        return None;
                    }
                    let (node, end) = value(b, skip(b, i + 1), depth + 1)?;
                    members.push(Member { key, key_start, value: node });
                    i = skip(b, end);
                    match b.get(i)? {
                        b',' => i = skip(b, i + 1),
                        b'}' => return Some((Node::Object { start, end: i + 1, members }, i + 1)),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let mut items = Vec::new();
                let mut i = skip(b, start + 1);
                if b.get(i) == Some(&b']') {
                    return Some((Node::Array { start, end: i + 1, items }, i + 1));
                }
                loop {
                    let (node, end) = value(b, i, depth + 1)?;
                    items.push(node);
                    i = skip(b, end);
                    match b.get(i)? {
                        b',' => i = skip(b, i + 1),
                        b']' => return Some((Node::Array { start, end: i + 1, items }, i + 1)),
                        _ => return None,
                    }
                }
            }
            b'"' => string_end(b, start).map(|end| (Node::Scalar { start, end }, end)),
            _ => {
                let end = start
                    + b[start..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                        .count();
                (end > start).then_some((Node::Scalar { start, end }, end))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry as `jq .` writes it: two-space indent, one key per line.
    const JQ: &str = r#"{
  "name": "Shop",
  "block": {
    "start": 7000,
    "end": 7019
  },
  "groups": [
    {
      "id": "web",
      "start": 7000,
      "end": 7009,
      "title": "Web"
    },
    {
      "id": "jobs",
      "start": 7010,
      "end": 7019,
      "title": "Jobs"
    }
  ],
  "services": [
    {
      "port": 7000,
      "id": "site",
      "name": "Site",
      "group": "web",
      "env": "SITE_PORT"
    },
    {
      "port": 7010,
      "id": "mailer",
      "name": "Mailer",
      "group": "jobs"
    }
  ]
}
"#;

    fn edited(original: &str, change: impl FnOnce(&mut Registry)) -> String {
        let mut registry = Registry::parse(original).unwrap();
        change(&mut registry);
        let text = registry.to_json_keeping_layout(original).unwrap();
        assert_eq!(Registry::parse(&text).unwrap(), registry, "{text}");
        text
    }

    #[test]
    fn an_added_service_is_laid_out_like_its_neighbours_and_nothing_else_moves() {
        let text = edited(JQ, |r| r.insert_in_port_order(ServiceEntry::new(7001, "api", "API", "web")));
        assert_eq!(
            text,
            JQ.replace(
                "      \"env\": \"SITE_PORT\"\n    },\n",
                "      \"env\": \"SITE_PORT\"\n    },\n    {\n      \"port\": 7001,\n      \"id\": \"api\",\n      \"name\": \"API\",\n      \"group\": \"web\"\n    },\n"
            )
        );
    }

    #[test]
    fn a_moved_service_changes_its_values_in_place_and_takes_its_place_in_port_order() {
        let text = edited(JQ, |r| {
            r.relocate("site", 7011).unwrap();
        });
        let site = "    {\n      \"port\": 7011,\n      \"id\": \"site\",\n      \"name\": \"Site\",\n      \"group\": \"jobs\",\n      \"env\": \"SITE_PORT\"\n    }";
        let mailer = "    {\n      \"port\": 7010,\n      \"id\": \"mailer\",\n      \"name\": \"Mailer\",\n      \"group\": \"jobs\"\n    }";
        assert!(text.ends_with(&format!("  \"services\": [\n{mailer},\n{site}\n  ]\n}}\n")), "{text}");
        assert!(text.starts_with(&JQ[..JQ.find("  \"services\"").unwrap()]));
    }

    #[test]
    fn fields_set_and_added_keep_the_entrys_layout() {
        let text = edited(JQ, |r| {
            let site = r.services.iter_mut().find(|s| s.id == "site").unwrap();
            site.name = "Shop Site".into();
            site.env_aliases.push("SHOP_PORT".into());
            site.description = Some("the storefront".into());
        });
        assert!(
            text.contains("      \"name\": \"Shop Site\",\n      \"group\": \"web\",\n      \"env\": [\"SITE_PORT\", \"SHOP_PORT\"],\n      \"description\": \"the storefront\"\n    },"),
            "{text}"
        );
    }

    #[test]
    fn a_removed_service_takes_its_separator_with_it() {
        let text = edited(JQ, |r| r.services.retain(|s| s.id != "site"));
        assert!(text.contains("  \"services\": [\n    {\n      \"port\": 7010,"), "{text}");
        let text = edited(JQ, |r| r.services.clear());
        assert!(text.ends_with("  \"services\": []\n}\n"), "{text}");
    }

    #[test]
    fn a_one_line_layout_and_odd_spacing_are_kept() {
        let original = "{\"name\":\"Shop\",\"block\":{\"start\":7000,\"end\":7009},\"groups\":[{\"id\":\"web\",\"start\":7000,\"end\":7009,\"title\":\"Web\"}],\"services\":[{\"port\":7000,\"id\":\"site\",\"name\":\"Site\",\"group\":\"web\"}]}";
        let text = edited(original, |r| r.insert_in_port_order(ServiceEntry::new(7005, "api", "API", "web")));
        assert_eq!(
            text,
            original.replace(
                "\"group\":\"web\"}]}",
                "\"group\":\"web\"},{ \"port\": 7005, \"id\": \"api\", \"name\": \"API\", \"group\": \"web\" }]}"
            )
        );
    }

    #[test]
    fn the_canonical_layout_when_the_rest_changed_or_the_original_is_no_registry() {
        let mut registry = Registry::parse(JQ).unwrap();
        registry.name = "Other".into();
        assert_eq!(registry.to_json_keeping_layout(JQ).unwrap(), registry.to_json_pretty().unwrap());
        assert_eq!(registry.to_json_keeping_layout("not json").unwrap(), registry.to_json_pretty().unwrap());
        // No services yet: nothing to be laid out like.
        let empty = Registry::embedded().to_json_pretty().unwrap().replace(
            &Registry::embedded().to_json_pretty().unwrap()[Registry::EMBEDDED_JSON.find("\"services\"").unwrap()..],
            "\"services\": []\n}\n",
        );
        let mut registry = Registry::parse(&empty).unwrap();
        registry.insert_in_port_order(ServiceEntry::new(4400, "api", "API", "core"));
        assert_eq!(registry.to_json_keeping_layout(&empty).unwrap(), registry.to_json_pretty().unwrap());
    }

    #[test]
    fn a_new_entry_follows_the_layout_of_the_one_before_it() {
        let original = "{\"name\": \"Shop\", \"block\": {\"start\": 7000, \"end\": 7009},\n\"groups\": [{\"id\": \"web\", \"start\": 7000, \"end\": 7009, \"title\": \"Web\"}],\n\"services\": [\n  {\"port\": 7000, \"id\": \"a\", \"name\": \"A\", \"group\": \"web\"},\n  {\n    \"port\": 7005,\n    \"id\": \"b\",\n    \"name\": \"B\",\n    \"group\": \"web\"\n  }\n]}\n";
        let text = edited(original, |r| r.insert_in_port_order(ServiceEntry::new(7006, "c", "C", "web")));
        assert!(
            text.ends_with("  },\n  {\n    \"port\": 7006,\n    \"id\": \"c\",\n    \"name\": \"C\",\n    \"group\": \"web\"\n  }\n]}\n"),
            "{text}"
        );
        let text = edited(original, |r| r.insert_in_port_order(ServiceEntry::new(7001, "c", "C", "web")));
        assert!(text.contains("\"group\": \"web\"},\n  { \"port\": 7001, \"id\": \"c\", \"name\": \"C\", \"group\": \"web\" },\n  {\n"), "{text}");
    }

    #[test]
    fn values_that_did_not_change_keep_their_own_spelling() {
        // A compact array and an escaped string: equal values, not the canonical text.
        let original = JQ.replace(
            "\"env\": \"SITE_PORT\"",
            "\"env\": [\"SITE_PORT\",\"SHOP_PORT\"],\n      \"description\": \"the \\\"site\\\" \\u0041\"",
        );
        let text = edited(&original, |r| r.services[0].name = "Storefront".into());
        assert_eq!(text, original.replace("\"name\": \"Site\"", "\"name\": \"Storefront\""));
    }

    #[test]
    fn a_dropped_field_goes_with_its_comma_wherever_it_stands() {
        let original = JQ.replace("      \"port\": 7000,", "      \"description\": \"first\",\n      \"port\": 7000,");
        let text = edited(&original, |r| r.services[0].description = None);
        assert_eq!(text, JQ);
        let text = edited(JQ, |r| r.services[0].env = None);
        assert_eq!(text, JQ.replace(",\n      \"env\": \"SITE_PORT\"", ""));
    }

    #[test]
    fn spans_cover_each_value_empty_containers_and_escapes_included() {
        let text = r#" {"a": {}, "b": [ ], "c": [1, {"d": "x\"y"}], "e": -1.5e3, "f": null} "#;
        let root = spans::parse(text).unwrap();
        let at = |node: &spans::Node| &text[node.start()..node.end()];
        assert_eq!(at(&root), &text[1..text.len() - 1]);
        assert_eq!(at(root.member("a").unwrap()), "{}");
        assert_eq!(at(root.member("b").unwrap()), "[ ]");
        assert_eq!(at(root.member("c").unwrap()), r#"[1, {"d": "x\"y"}]"#);
        let spans::Node::Array { items, .. } = root.member("c").unwrap() else { panic!() };
        assert_eq!(at(items[1].member("d").unwrap()), r#""x\"y""#);
        assert_eq!(at(root.member("e").unwrap()), "-1.5e3");
        assert_eq!(at(root.member("f").unwrap()), "null");
        assert!(root.member("g").is_none());
        // Deeper than serde_json reads: refused, as by the parse this follows.
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(spans::parse(&deep(129)).is_some()); // depths 0 to 128
        assert!(spans::parse(&deep(130)).is_none());
        let deep_objects = format!("{}1{}", "{\"a\": ".repeat(200), "}".repeat(200));
        assert!(spans::parse(&deep_objects).is_none());
        for broken in ["", "{", "{\"a\" 1}", "{\"a\": 1,}", "{a\": 1}", "{\"a\": }", "[1, ]", "[1 2]", "\"open", "{} x"]
        {
            assert!(spans::parse(broken).is_none(), "{broken:?}");
        }
    }

    #[test]
    fn the_canonical_layout_stays_canonical() {
        let original = Registry::EMBEDDED_JSON;
        let mut registry = Registry::parse(original).unwrap();
        registry.insert_in_port_order(ServiceEntry::new(4413, "zero-scheduler", "Zero Scheduler", "rust"));
        assert_eq!(registry.to_json_keeping_layout(original).unwrap(), registry.to_json_pretty().unwrap());
        registry.relocate("zero-gateway", 4433).unwrap();
        registry.services.retain(|s| s.id != "whisper-stt");
        assert_eq!(registry.to_json_keeping_layout(original).unwrap(), registry.to_json_pretty().unwrap());
    }

    #[test]
    fn a_bom_and_crlf_are_left_to_the_caller() {
        let original = format!("\u{feff}{}", JQ.replace('\n', "\r\n"));
        let text = edited(&original, |r| r.insert_in_port_order(ServiceEntry::new(7001, "api", "API", "web")));
        assert!(!text.starts_with('\u{feff}') && !text.contains('\r'));
        assert!(text.contains("\"id\": \"api\""));
    }
}

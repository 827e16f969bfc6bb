//! Every problem of a registry whose text is JSON but not of the registry's shape.
//!
//! serde stops at the first value of the wrong type, so the typed parse names one problem. When
//! it fails, the text is read again as plain JSON and each group and each service is
//! deserialized on its own (by the model's own `Deserialize` impls: the shape is defined once),
//! so that every broken entry is named; the entries that do read are checked against the rules
//! as well. A registry with a single problem keeps the typed parse's error, with its line and
//! column.

use serde_core::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Problem, RegistryError};
use crate::model::{Group, Registry, ServiceEntry};

/// `first`, the typed parse's error, or — when the text holds more than one problem — every
/// problem found: the shape problems in document order, then the rules broken by the entries
/// that could be read.
pub(crate) fn every_problem(json: &str, first: RegistryError) -> RegistryError {
    let RegistryError::Syntax { at, line, column, .. } = &first else { return first };
    // Not JSON at all: the syntax error is all there is to say.
    let Ok(Value::Object(mut root)) = serde_json::from_str::<Value>(json) else { return first };
    let mut problems = Vec::new();
    let groups = entries::<Group>(&mut root, "groups", &mut problems);
    // `services` is optional: absent, there are none (and the group rules still apply).
    let services = if root.contains_key("services") {
        entries::<ServiceEntry>(&mut root, "services", &mut problems)
    } else {
        Some((Vec::new(), Vec::new()))
    };
    // The top level, with the entries taken out: its own fields, by the model's impl.
    match (read::<Registry>(&Value::Object(root), ""), groups, services) {
        (Ok(mut registry), Some((groups, failed_groups)), Some((services, _))) => {
            registry.groups = groups;
            registry.services = services;
            problems.extend(registry.problems().into_iter().filter(|p| match p {
                // A group that could not be read is no unknown group.
                Problem::UnknownGroup { group, .. } => !failed_groups.contains(group),
                _ => true,
            }));
        }
        (Ok(_), ..) => {}
        (Err(problem), ..) => problems.insert(0, problem),
    }
    // The top level: `.` in the typed parse's path, empty here.
    let at = if at == "." { "" } else { at.as_str() };
    let count = problems.len();
    let located = problems.iter_mut().find_map(|p| match p {
        Problem::Shape { at: here, position, .. } if here.as_str() == at => Some(position),
        _ => None,
    });
    match located {
        Some(_) if count < 2 => first,
        Some(position) => {
            *position = Some((*line, *column));
            RegistryError::Invalid { path: None, problems }
        }
        // What the plain JSON read cannot see (a key written twice: it keeps the last) is the
        // typed parse's own problem: first in the list.
        None if count == 0 => first,
        None => {
            let at = at.to_owned();
            let RegistryError::Syntax { line, column, message, .. } = first else { return first };
            problems.insert(0, Problem::Shape { at, id: None, position: Some((line, column)), message });
            RegistryError::Invalid { path: None, problems }
        }
    }
}

/// The entries of the array `key` (taken out of `root`, which keeps an empty array in its
/// place) that read, and the ids of those that do not; each that does not is a problem. `None`
/// when `key` is absent or not an array: the top level's own check reports that.
fn entries<T: DeserializeOwned>(
    root: &mut serde_json::Map<String, Value>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<(Vec<T>, Vec<String>)> {
    let Some(Value::Array(items)) = root.get_mut(key) else { return None };
    let items = std::mem::take(items);
    let (mut read_ok, mut failed) = (Vec::new(), Vec::new());
    for (i, item) in items.iter().enumerate() {
        match read::<T>(item, &format!("{key}[{i}]")) {
            Ok(entry) => read_ok.push(entry),
            Err(mut problem) => {
                let id = item.get("id").and_then(Value::as_str).map(str::to_owned);
                if let Problem::Shape { id: slot, .. } = &mut problem {
                    slot.clone_from(&id);
                }
                failed.extend(id);
                problems.push(problem);
            }
        }
    }
    Some((read_ok, failed))
}

/// `value` as a `T`, or the shape problem at `prefix` + the path inside it.
fn read<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, Problem> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let at = match (prefix, inner.as_str()) {
            (_, "." | "?") => prefix.to_owned(),
            ("", inner) => inner.to_owned(),
            (prefix, inner) => format!("{prefix}.{inner}"),
        };
        Problem::Shape { at, id: None, position: None, message: e.into_inner().to_string() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(json: &str) -> Vec<String> {
        match Registry::parse(json) {
            Err(RegistryError::Invalid { problems, .. }) => problems.iter().map(ToString::to_string).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    const HEAD: &str = r#"{ "name": "T", "block": { "start": 7000, "end": 7019 },
  "groups": [ { "id": "web", "start": 7000, "end": 7009, "title": "Web" } ],
  "services": ["#;

    #[test]
    fn every_entry_of_the_wrong_shape_is_named_with_the_rules_the_others_break() {
        let json = format!(
            r#"{HEAD}
    {{ "port": 70000, "id": "big", "name": "Big", "group": "web" }},
    {{ "port": 7001, "id": "Bad_Id", "name": "B", "group": "web" }},
    {{ "port": "7002", "id": "text", "name": "T", "group": "web" }},
    {{ "port": 7003, "id": "owned", "name": "O", "group": "web", "owner": "ops" }},
    {{ "port": 7004, "name": "Anonymous", "group": "web" }},
    {{ "port": -1, "id": "neg", "name": "N", "group": "web" }}
  ] }}"#
        );
        assert_eq!(
            problems(&json),
            [
                "4:19: at `services[0].port` (service `big`): port 70000 is not a port (1-65535)",
                "at `services[2].port` (service `text`): invalid type: string \"7002\", expected a port number (1-65535)",
                "at `services[3]` (service `owned`): unknown field `owner`, expected one of `port`, `id`, `name`, `group`, `description`, `stack`, `protocol`, `env`, `config`",
                "at `services[4]`: missing field `id`",
                "at `services[5].port` (service `neg`): port -1 is not a port (1-65535)",
                "service id `Bad_Id` is not kebab-case: use lowercase ASCII letters and digits in segments joined by single hyphens (`zero-gateway`)",
            ]
        );
    }

    #[test]
    fn a_single_problem_keeps_its_line_and_column() {
        let json = format!(
            "{HEAD}\n    {{ \"port\": 70000, \"id\": \"big\", \"name\": \"Big\", \"group\": \"web\" }}\n  ] }}"
        );
        let err = Registry::parse(&json).unwrap_err();
        assert_eq!(err.to_string(), "registry:4:19: at `services[0].port`: port 70000 is not a port (1-65535)");
        assert!(matches!(err, RegistryError::Syntax { line: 4, .. }), "{err:?}");
    }

    #[test]
    fn a_group_that_cannot_be_read_is_named_and_its_services_are_not_called_orphans() {
        let json = r#"{ "name": "T", "block": { "start": 7000, "end": 7019 },
  "groups": [ { "id": "web", "start": 7000, "end": 70000, "title": "Web" }, { "id": "api", "start": 7010, "end": 7019 } ],
  "services": [ { "port": 7001, "id": "site", "name": "Site", "group": "web" }, { "port": 7011, "id": "a", "name": "A", "group": "apx" } ] }"#;
        assert_eq!(
            problems(json),
            [
                "2:56: at `groups[0].end` (group `web`): invalid value: integer `70000`, expected u16",
                "at `groups[1]` (group `api`): missing field `title`",
                "service `a`: unknown group `apx`",
            ]
        );
    }

    #[test]
    fn a_broken_top_level_is_named_first_and_the_entries_still_read() {
        let json = r#"{ "name": 5, "block": { "start": 7000, "end": 7019 }, "groups": [],
  "services": [ { "port": 99999, "id": "x", "name": "X", "group": "g" } ] }"#;
        assert_eq!(
            problems(json),
            [
                "1:11: at `name`: invalid type: integer `5`, expected a string",
                "at `services[0].port` (service `x`): port 99999 is not a port (1-65535)",
            ]
        );
    }

    #[test]
    fn a_key_written_twice_is_named_with_the_rest() {
        let json = format!(
            "{HEAD}\n    {{ \"port\": 7000, \"port\": 7001, \"id\": \"twice\", \"name\": \"T\", \"group\": \"web\" }},\n    {{ \"port\": 70000, \"id\": \"big\", \"name\": \"B\", \"group\": \"web\" }}\n  ] }}"
        );
        assert_eq!(
            problems(&json),
            [
                "4:32: at `services[0]`: duplicate field `port`",
                "at `services[1].port` (service `big`): port 70000 is not a port (1-65535)",
            ]
        );
    }

    #[test]
    fn the_top_level_is_named_as_such_and_groups_are_checked_without_services() {
        let json = r#"{ "block": { "start": 7000, "end": 7019 },
  "groups": [ { "id": "a", "start": 7000, "end": 7010, "title": "A" }, { "id": "b", "start": 7010, "end": 7019, "title": "B", "extra": 1 } ] }"#;
        assert_eq!(
            problems(json),
            [
                "at the top level: missing field `name`",
                "2:133: at `groups[1]` (group `b`): unknown field `extra`, expected one of `id`, `start`, `end`, `title`, `reserved`",
            ]
        );
        let json = r#"{ "name": "T", "block": { "start": 7000, "end": 7019 },
  "groups": [ { "id": "a", "start": 7000, "end": 7010, "title": "A" }, { "id": "b", "start": 7010, "end": 7019, "title": "B" }, { "id": "c", "start": 1, "end": "2", "title": "C" } ] }"#;
        assert_eq!(
            problems(json),
            [
                "2:163: at `groups[2].end` (group `c`): invalid type: string \"2\", expected u16",
                "groups `a` and `b` overlap: both hold port 7010",
            ]
        );
    }

    #[test]
    fn text_that_is_not_json_or_not_an_object_keeps_the_syntax_error() {
        for json in ["{ \"name\": ", "[1, 2]", "{ \"name\": \"T\", \"block\": 5 }"] {
            assert!(matches!(Registry::parse(json), Err(RegistryError::Syntax { .. })), "{json}");
        }
    }
}

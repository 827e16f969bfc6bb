//! Every rule of a registry, one bad registry at a time, with the exact problems it produces.

use ports_core::{Problem, Registry, RegistryError};

const GROUPS: &str = r#"[
    { "id": "core", "start": 4400, "end": 4409, "title": "核心服务" },
    { "id": "rust", "start": 4410, "end": 4419, "title": "独立 Rust 服务" }
]"#;

fn registry(groups: &str, services: &str) -> String {
    format!(
        r#"{{ "name": "T", "block": {{ "start": 4400, "end": 4449 }}, "groups": {groups}, "services": {services} }}"#
    )
}

fn svc(port: u32, id: &str, group: &str) -> String {
    format!(r#"{{ "port": {port}, "id": "{id}", "name": "N {id}", "group": "{group}" }}"#)
}

/// The problems of a registry that parses, as display strings.
fn problems(json: &str) -> Vec<String> {
    match Registry::parse(json) {
        Ok(_) => Vec::new(),
        Err(RegistryError::Invalid { problems, path: None }) => problems.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected Invalid, got: {other}"),
    }
}

/// The message of a registry that does not parse.
fn syntax(json: &str) -> String {
    match Registry::parse(json) {
        Err(e @ RegistryError::Syntax { .. }) => e.to_string(),
        Ok(_) => panic!("expected a syntax error, it parsed"),
        Err(other) => panic!("expected Syntax, got: {other}"),
    }
}

#[test]
fn embedded_registry_is_valid_and_complete() {
    let registry = Registry::embedded();
    assert!(registry.problems().is_empty());
    let ids: Vec<(u16, &str)> = registry.services.iter().map(|s| (s.port, s.id.as_str())).collect();
    assert_eq!(
        ids,
        [
            (4400, "codecoder-api"),
            (4401, "web-frontend"),
            (4402, "zero-daemon"),
            (4403, "whisper-stt"),
            (4410, "zero-gateway"),
            (4411, "zero-channels"),
            (4412, "zero-workflow"),
            (4420, "mcp-server"),
            (4440, "mcp-integration-test"),
        ]
    );
    let gw = registry.service("zero-gateway").unwrap();
    assert_eq!((gw.env.as_deref(), gw.config.as_deref()), (Some("GATEWAY_PORT"), Some("gateway")));
    let ch = registry.service("zero-channels").unwrap();
    assert_eq!((ch.env.as_deref(), ch.config.as_deref()), (Some("CHANNELS_PORT"), Some("channels")));
    let wf = registry.service("zero-workflow").unwrap();
    assert_eq!((wf.env.as_deref(), wf.config.as_deref()), (Some("WORKFLOW_PORT"), Some("workflow.webhook")));
    let api = registry.service("codecoder-api").unwrap();
    assert_eq!((api.name.as_str(), api.stack.as_deref()), ("CodeCoder API Server", Some("Bun/TypeScript")));
    assert_eq!(api.description.as_deref(), Some("核心 AI 引擎 API"));
    let groups: Vec<String> = registry.groups.iter().map(ToString::to_string).collect();
    assert_eq!(
        groups,
        ["core (4400-4409)", "rust (4410-4419)", "protocol (4420-4429)", "integration (4430-4439)", "test (4440-4449)"]
    );
    assert_eq!(registry.group("rust").unwrap().title, "独立 Rust 服务");
}

#[test]
fn lookups() {
    let r = Registry::embedded();
    assert_eq!(r.service_at(4411).unwrap().id, "zero-channels");
    assert!(r.service_at(4413).is_none());
    assert_eq!(r.group_of(4425).unwrap().id, "protocol");
    assert!(r.group_of(4450).is_none());
    assert_eq!(r.next_free("core"), Ok(Some(4404)));
    assert_eq!(r.next_free("rust"), Ok(Some(4413)));
    assert_eq!(r.next_free("integration"), Ok(Some(4430)));
    assert_eq!(r.next_free("test"), Ok(Some(4441)));
    let unknown = r.next_free("rsut").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "unknown group `rsut`; did you mean `rust`? (groups: core (4400-4409), rust (4410-4419), protocol (4420-4429), integration (4430-4439), test (4440-4449))"
    );
    assert_eq!(r.closest_service("zero-gatway").unwrap().id, "zero-gateway");
}

#[test]
fn next_free_is_none_when_full() {
    let services: Vec<String> = (4410..=4419).map(|p| svc(p, &format!("s{p}"), "rust")).collect();
    let r = Registry::parse(&registry(GROUPS, &format!("[{}]", services.join(",")))).unwrap();
    assert_eq!(r.next_free("rust"), Ok(None));
    assert_eq!(r.next_free("core"), Ok(Some(4400)));
}

#[test]
fn round_trips_through_pretty_json() {
    let r = Registry::embedded();
    let again = Registry::parse(&r.to_json_pretty().unwrap()).unwrap();
    assert_eq!(&again, r);
}

// ---- syntax and shape: one error, with line:column and the path in the document ----

#[test]
fn syntax_errors_name_line_and_column() {
    assert_eq!(syntax(""), "registry:1:0: EOF while parsing a value");
    assert_eq!(
        syntax("{ \"name\": \"x\",\n  \"block\": { \"start\": 1 \"end\": 2 } }"),
        "registry:2:25: at `block`: expected `,` or `}`"
    );
    assert_eq!(syntax("[]"), "registry:1:2: invalid type: sequence, expected struct Registry");
    assert_eq!(syntax(&format!("{} trailing", registry(GROUPS, "[]"))), "registry:4:21: trailing characters");
}

#[test]
fn shape_errors_name_the_field() {
    assert_eq!(
        syntax(&registry(GROUPS, r#"[{ "port": "4410", "id": "a", "name": "A", "group": "rust" }]"#)),
        "registry:4:32: at `services[0].port`: invalid type: string \"4410\", expected a port number (1-65535)"
    );
    assert_eq!(
        syntax(&registry(GROUPS, &format!("[{}]", svc(65536, "a", "rust")))),
        "registry:4:31: at `services[0].port`: port 65536 is not a port (1-65535)"
    );
    assert_eq!(
        syntax(&registry(GROUPS, &format!("[{}]", svc(4410, "a", "rust").replace("\"name\"", "\"nmae\"")))),
        "registry:4:49: at `services[0]`: unknown field `nmae`, expected one of `port`, `id`, `name`, `group`, `description`, `stack`, `protocol`, `env`, `config`"
    );
    assert_eq!(
        syntax(&registry(GROUPS, r#"[{ "port": 4410, "id": "a", "group": "rust" }]"#)),
        "registry:4:60: at `services[0]`: missing field `name`"
    );
    assert_eq!(
        syntax(r#"{ "name": "T", "block": { "start": -1, "end": 4449 }, "groups": [] }"#),
        "registry:1:37: at `block.start`: invalid value: integer `-1`, expected u16"
    );
    assert_eq!(syntax(r#"{ "name": "T", "groups": [] }"#), "registry:1:29: missing field `block`");
    assert_eq!(
        syntax(r#"{ "name": "T", "block": { "start": 1, "end": 2 }, "groups": {} }"#),
        "registry:1:60: at `groups`: invalid type: map, expected a sequence"
    );
}

#[test]
fn load_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ports.json");
    std::fs::write(&path, "{\n  \"name\": 1\n}").unwrap();
    let err = Registry::load(&path).unwrap_err();
    assert_eq!(err.path(), Some(path.as_path()));
    assert_eq!(
        err.to_string(),
        format!("{}:2:11: at `name`: invalid type: integer `1`, expected a string", path.display())
    );
    let missing = Registry::load(dir.path().join("nope.json")).unwrap_err();
    assert!(matches!(missing, RegistryError::Io { .. }));
    assert!(missing.to_string().starts_with("cannot read registry "), "{missing}");
}

// ---- rules: every problem found, each naming its entries ----

#[test]
fn block_rules() {
    let bad = r#"{ "name": "T", "block": { "start": 4449, "end": 4400 }, "groups": [] }"#;
    assert_eq!(
        problems(bad),
        ["block 4449-4400 is not a range of ports: it must start at 1 or above and end at or after its start"]
    );
    let zero = r#"{ "name": "T", "block": { "start": 0, "end": 10 }, "groups": [] }"#;
    assert_eq!(problems(zero).len(), 1);
    let unnamed = r#"{ "name": " ", "block": { "start": 1, "end": 10 }, "groups": [] }"#;
    assert_eq!(problems(unnamed), ["registry name is empty"]);
}

#[test]
fn group_end_before_start() {
    let groups = r#"[{ "id": "core", "start": 4409, "end": 4400, "title": "c" }]"#;
    assert_eq!(problems(&registry(groups, "[]")), ["group `core`: range 4409-4400 ends before it starts"]);
}

#[test]
fn group_outside_block() {
    let groups = r#"[{ "id": "core", "start": 4390, "end": 4399, "title": "c" }, { "id": "late", "start": 4445, "end": 4455, "title": "l" }]"#;
    assert_eq!(
        problems(&registry(groups, "[]")),
        [
            "group `core`: range 4390-4399 is outside the block 4400-4449",
            "group `late`: range 4445-4455 is outside the block 4400-4449",
        ]
    );
}

/// Overlaps are found by a sweep in order of start: each overlapping group is reported once,
/// against the group before it that reaches furthest (here `c` against `a`, then `b` against
/// `c`; `a`-`b` is implied and not repeated).
#[test]
fn groups_overlap() {
    let groups = r#"[{ "id": "a", "start": 4400, "end": 4410, "title": "a" }, { "id": "b", "start": 4410, "end": 4419, "title": "b" }, { "id": "c", "start": 4405, "end": 4412, "title": "c" }]"#;
    assert_eq!(
        problems(&registry(groups, "[]")),
        [
            "groups `a` and `c` overlap: both hold ports 4405-4410",
            "groups `b` and `c` overlap: both hold ports 4410-4412",
        ]
    );
    let disjoint = r#"[{ "id": "a", "start": 4400, "end": 4409, "title": "a" }, { "id": "b", "start": 4410, "end": 4419, "title": "b" }]"#;
    assert!(problems(&registry(disjoint, "[]")).is_empty());
}

/// 20,000 groups on one port each, all the same port: one problem per group after the first,
/// not one per pair (which ran out of memory), and the message lists the first few only.
#[test]
fn many_overlapping_groups_give_linear_problems_and_a_capped_message() {
    let groups: Vec<String> =
        (0..20_000).map(|i| format!(r#"{{ "id": "g{i}", "start": 4400, "end": 4400, "title": "g" }}"#)).collect();
    let text = format!(
        r#"{{ "name": "n", "block": {{ "start": 4400, "end": 4449 }}, "groups": [{}], "services": [] }}"#,
        groups.join(",")
    );
    let err = Registry::parse(&text).unwrap_err();
    let ports_core::RegistryError::Invalid { problems, .. } = &err else { panic!("{err}") };
    assert_eq!(problems.len(), 19_999);
    let message = err.to_string();
    assert_eq!(message.lines().count(), 1 + ports_core::PROBLEMS_SHOWN + 1, "{message}");
    assert!(message.ends_with("... and 19979 more (`ports check --json` lists them all)"), "{message}");
}

#[test]
fn group_ids() {
    let groups = r#"[{ "id": "Core", "start": 4400, "end": 4409, "title": "c" }, { "id": "rust", "start": 4410, "end": 4419, "title": "" }, { "id": "rust", "start": 4420, "end": 4429, "title": "r" }]"#;
    assert_eq!(
        problems(&registry(groups, "[]")),
        [
            "group id `Core` is not kebab-case: use lowercase ASCII letters and digits in segments joined by single hyphens (`zero-gateway`)",
            "group `rust`: name is empty",
            "duplicate group id `rust`: used more than once",
        ]
    );
}

#[test]
fn bad_service_ids() {
    for id in ["", "Zero", "zero_gateway", "zero--gateway", "-zero", "zero-", "zéro", "zero gateway"] {
        let json = registry(GROUPS, &format!("[{}]", svc(4410, id, "rust")));
        assert_eq!(
            problems(&json),
            [format!("service id `{id}` is not kebab-case: use lowercase ASCII letters and digits in segments joined by single hyphens (`zero-gateway`)")],
            "id {id:?}"
        );
    }
    for id in ["a", "svc-0", "0", "zero-gateway-2"] {
        assert_eq!(problems(&registry(GROUPS, &format!("[{}]", svc(4410, id, "rust")))), Vec::<String>::new());
    }
}

#[test]
fn duplicate_service_id_and_port() {
    let services = format!("[{}, {}, {}]", svc(4410, "a", "rust"), svc(4410, "b", "rust"), svc(4411, "a", "rust"));
    assert_eq!(
        problems(&registry(GROUPS, &services)),
        ["duplicate port 4410: registered to both `a` and `b`", "duplicate service id `a`: used more than once"]
    );
}

#[test]
fn port_zero() {
    assert_eq!(
        problems(&registry(GROUPS, &format!("[{}]", svc(0, "a", "rust")))),
        ["service `a`: port 0 is not a port (1-65535)"]
    );
}

#[test]
fn service_in_unknown_group() {
    assert_eq!(
        problems(&registry(GROUPS, &format!("[{}]", svc(4410, "a", "rsut")))),
        ["service `a`: unknown group `rsut` (did you mean `rust`?)"]
    );
    assert_eq!(
        problems(&registry(GROUPS, &format!("[{}]", svc(4410, "a", "zzz")))),
        ["service `a`: unknown group `zzz`"]
    );
}

#[test]
fn service_outside_its_group() {
    assert_eq!(
        problems(&registry(GROUPS, &format!("[{}, {}]", svc(4400, "a", "rust"), svc(4449, "b", "core")))),
        [
            "service `a`: port 4400 is outside its group `rust` (4410-4419)",
            "service `b`: port 4449 is outside its group `core` (4400-4409)",
        ]
    );
}

fn with(port: u32, id: &str, extra: &str) -> String {
    format!(r#"{{ "port": {port}, "id": "{id}", "name": "N", "group": "rust", {extra} }}"#)
}

#[test]
fn env_names() {
    for env in ["gateway_port", "1PORT", "_PORT", "GATEWAY-PORT", "", "GATEWAY PORT"] {
        let json = registry(GROUPS, &format!("[{}]", with(4410, "a", &format!(r#""env": "{env}""#))));
        assert_eq!(
            problems(&json),
            [format!("service `a`: env var `{env}` is not a valid name: use [A-Z][A-Z0-9_]* (`GATEWAY_PORT`)")]
        );
    }
    let dup = format!("[{}, {}]", with(4410, "a", r#""env": "PORT""#), with(4411, "b", r#""env": "PORT""#));
    assert_eq!(problems(&registry(GROUPS, &dup)), ["duplicate env var `PORT`: used by both `a` and `b`"]);
    // A service that lists a name of its own twice (an alias added again).
    let twice = format!("[{}]", with(4410, "a", r#""env": ["PORT", "A_PORT", "PORT"]"#));
    assert_eq!(problems(&registry(GROUPS, &twice)), ["duplicate env var `PORT`: `a` lists it twice"]);
}

#[test]
fn config_keys() {
    for key in ["", "a..b", ".a", "a.", "a b", "a/b"] {
        let json = registry(GROUPS, &format!("[{}]", with(4410, "a", &format!(r#""config": "{key}""#))));
        assert_eq!(
            problems(&json),
            [format!(
                "service `a`: config key `{key}` is not a dotted path of [A-Za-z0-9_-] segments (`workflow.webhook`)"
            )]
        );
    }
    let dup = format!("[{}, {}]", with(4410, "a", r#""config": "x.y""#), with(4411, "b", r#""config": "x.y""#));
    assert_eq!(problems(&registry(GROUPS, &dup)), ["duplicate config key `x.y`: used by both `a` and `b`"]);
    let twice = format!("[{}]", with(4410, "a", r#""config": ["x.y", "x.y"]"#));
    assert_eq!(problems(&registry(GROUPS, &twice)), ["duplicate config key `x.y`: `a` lists it twice"]);
    let nested = format!("[{}, {}]", with(4410, "a", r#""config": "x""#), with(4411, "b", r#""config": "x.y""#));
    assert_eq!(problems(&registry(GROUPS, &nested)), Vec::<String>::new());
}

#[test]
fn empty_service_name() {
    let json = registry(GROUPS, r#"[{ "port": 4410, "id": "a", "name": "", "group": "rust" }]"#);
    assert_eq!(problems(&json), ["service `a`: name is empty"]);
}

#[test]
fn every_problem_is_reported_together() {
    let services = format!(
        "[{}, {}, {}, {}]",
        svc(0, "Bad", "rust"),
        svc(4400, "b", "rust"),
        with(4411, "c", r#""env": "x""#),
        svc(4411, "d", "nope")
    );
    let found = problems(&registry(GROUPS, &services));
    assert_eq!(
        found,
        [
            "service id `Bad` is not kebab-case: use lowercase ASCII letters and digits in segments joined by single hyphens (`zero-gateway`)",
            "service `Bad`: port 0 is not a port (1-65535)",
            "service `b`: port 4400 is outside its group `rust` (4410-4419)",
            "service `c`: env var `x` is not a valid name: use [A-Z][A-Z0-9_]* (`GATEWAY_PORT`)",
            "duplicate port 4411: registered to both `c` and `d`",
            "service `d`: unknown group `nope`",
        ]
    );
    let err = Registry::parse(&registry(GROUPS, &services)).unwrap_err();
    assert!(err.to_string().starts_with("registry is invalid (6 problems):\n  - service id `Bad`"), "{err}");
}

#[test]
fn problems_are_typed() {
    let json = registry(GROUPS, &format!("[{}, {}]", svc(4410, "a", "rust"), svc(4410, "b", "rust")));
    let Err(RegistryError::Invalid { problems, .. }) = Registry::parse(&json) else { panic!("expected invalid") };
    assert_eq!(problems, [Problem::DuplicatePort { port: 4410, first: "a".into(), second: "b".into() }]);
}

#[test]
fn schema_key_is_kept_first_on_rewrite() {
    let json = registry(GROUPS, "[]").replacen("{ \"name\"", "{ \"$schema\": \"./ports.schema.json\", \"name\"", 1);
    let r = Registry::parse(&json).unwrap();
    assert_eq!(r.schema.as_deref(), Some("./ports.schema.json"));
    let text = r.to_json_pretty().unwrap();
    assert!(text.starts_with("{\n  \"$schema\": \"./ports.schema.json\",\n  \"name\": \"T\","), "{text}");
    assert_eq!(Registry::parse(&text).unwrap(), r);
}

/// Trojan Source: bidi overrides and isolates, zero-width and other invisible format characters,
/// and line separators are rejected in every string field, as control characters are, each
/// problem naming the entry and the field and showing the character escaped.
#[test]
fn bidi_and_invisible_characters_are_problems_shown_escaped() {
    let hidden = [
        '\u{202e}',
        '\u{202a}',
        '\u{2066}',
        '\u{2069}',
        '\u{200b}',
        '\u{200d}',
        '\u{200f}',
        '\u{2028}',
        '\u{2029}',
        '\u{feff}',
        '\u{ad}',
        '\u{61c}',
        '\u{2060}',
        '\u{e0041}',
    ];
    for ch in hidden {
        let escaped = ch.escape_unicode().to_string();
        let services = format!(
            r#"[{{ "port": 4410, "id": "a", "name": "admin{ch}nimda", "group": "rust", "description": "d{ch}", "stack": "s{ch}", "protocol": "p{ch}" }}]"#
        );
        let groups =
            format!(r#"[{{ "id": "rust", "start": 4410, "end": 4419, "title": "t{ch}", "reserved": "r{ch}" }}]"#);
        let json = registry(&groups, &services).replacen("\"name\": \"T\"", &format!("\"name\": \"T{ch}\""), 1);
        let found = problems(&json);
        let tail = format!(
            " holds a control character ({escaped}): registry strings are single printable lines, without control, bidi or invisible characters"
        );
        let expected: Vec<String> = [
            "registry `name`",
            "group `rust`: `title`",
            "group `rust`: `reserved`",
            "service `a`: `name`",
            "service `a`: `description`",
            "service `a`: `stack`",
            "service `a`: `protocol`",
        ]
        .iter()
        .map(|at| format!("{at}{tail}"))
        .collect();
        assert_eq!(found, expected, "{escaped}");
        let Err(RegistryError::Invalid { problems, .. }) = Registry::parse(&json) else { panic!("{escaped}") };
        assert!(problems.iter().all(|p| matches!(p, Problem::ControlChar { ch: c, .. } if *c == ch)), "{problems:?}");
        // The whole message, as every command prints it, holds the character only escaped.
        let message = Registry::parse(&json).unwrap_err().to_string();
        assert!(!message.contains(ch), "{escaped} printed raw: {message:?}");
    }
}

/// What is printable stays as it is: CJK titles, accents, emoji, RTL scripts without overrides.
#[test]
fn printable_text_in_any_script_is_accepted_and_printed_unchanged() {
    let services = r#"[{ "port": 4410, "id": "a", "name": "网关 Zéro 🚀 بوابة", "group": "rust" }]"#;
    let json = registry(GROUPS, services);
    assert_eq!(problems(&json), Vec::<String>::new());
    assert_eq!(ports_core::escape_control("网关 Zéro 🚀 بوابة"), "网关 Zéro 🚀 بوابة");
    assert_eq!(
        ports_core::escape_control("a\u{202e}b\u{2066}c\u{200b}d\u{2028}e\u{feff}f\u{ad}g\nh"),
        "a\\u{202e}b\\u{2066}c\\u{200b}d\\u{2028}e\\u{feff}f\\u{ad}g\\u{a}h"
    );
}

//! Behaviour pinned down because a mutation run (`cargo mutants`, see README "Contributing")
//! showed that no other test of ports-core would notice it change (some of it only the
//! workspace's UI tests or a doctest checked). Each test states what a user relies on.
//!
//! One file on purpose: every test binary is rebuilt and linked for every mutant.

use std::path::PathBuf;

use ports_core::{Claim, ClaimError, ClaimField, Registry, Resolver, Source};

fn embedded() -> &'static Registry {
    Registry::embedded()
}

/// The embedded registry without its `integration` group (4430-4439): ports 4430-4439 lie in
/// the block but in no group.
fn registry_with_gap() -> Registry {
    let mut registry = embedded().clone();
    registry.groups.retain(|g| g.id != "integration");
    assert!(registry.problems().is_empty(), "{:?}", registry.problems());
    registry
}

mod claim {
    use super::*;

    /// A port outside the group is placed for the user: in another group, in the block but in
    /// no group, or outside the block.
    #[test]
    fn a_port_in_the_block_but_in_no_group_is_said_to_lie_in_no_group() {
        let registry = registry_with_gap();
        let claim = Claim { id: "zero-scheduler", port: 4435, group: "rust", name: "Zero Scheduler" };
        let errors = registry.check_claim(&claim).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(matches!(&errors[0], ClaimError::PortOutsideGroup { port: 4435, actual: None, .. }), "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "port 4435 is outside group `rust` (4410-4419); it lies in no group; the next free port in `rust` is 4413"
        );
    }

    #[test]
    fn a_port_outside_the_block_is_said_to_lie_outside_the_block() {
        let registry = registry_with_gap();
        let claim = Claim { id: "zero-scheduler", port: 5000, group: "rust", name: "Zero Scheduler" };
        let errors = registry.check_claim(&claim).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "port 5000 is outside group `rust` (4410-4419); it lies outside the block 4400-4449; the next free port in `rust` is 4413"
        );
        let err = embedded().allocate("zero-scheduler", "rust", Some(4399)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "port 4399 is outside group `rust` (4410-4419); it lies outside the block 4400-4449; the next free port in `rust` is 4413"
        );
    }

    /// `#[service]` puts the compile error on the token to change: when the port written is the
    /// registered one and only the group is wrong, that is the group.
    #[test]
    fn only_the_group_wrong_points_at_the_group() {
        let claim = Claim { id: "zero-gateway", port: 4410, group: "protocol", name: "Zero Gateway" };
        let errors = embedded().check_claim(&claim).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field(), ClaimField::Group);
        assert_eq!(
            errors[0].to_string(),
            "`zero-gateway` is registered as port 4410 in group `rust`: write group = \"rust\""
        );
    }

    #[test]
    fn the_port_wrong_points_at_the_port() {
        // Port wrong, group right.
        let claim = Claim { id: "zero-gateway", port: 4413, group: "rust", name: "Zero Gateway" };
        let errors = embedded().check_claim(&claim).unwrap_err();
        assert_eq!(errors[0].field(), ClaimField::Port);
        assert_eq!(
            errors[0].to_string(),
            "`zero-gateway` is registered as port 4410 in group `rust`: write port = 4410"
        );
        // Both wrong: the port is the token to fix first.
        let claim = Claim { id: "zero-gateway", port: 4421, group: "protocol", name: "Zero Gateway" };
        let errors = embedded().check_claim(&claim).unwrap_err();
        assert_eq!(errors[0].field(), ClaimField::Port);
        assert_eq!(
            errors[0].to_string(),
            "`zero-gateway` is registered as port 4410 in group `rust`: write port = 4410, group = \"rust\""
        );
    }

    /// A service claiming the port the registry gives it is accepted, by `check_claim` (what
    /// `#[service]` runs) whatever else is registered around it.
    #[test]
    fn a_service_claiming_its_own_port_is_accepted() {
        for entry in &embedded().services {
            let claim = Claim { id: &entry.id, port: entry.port, group: &entry.group, name: &entry.name };
            assert_eq!(embedded().check_claim(&claim), Ok(entry));
        }
    }

    /// A registered id written with a mistyped group gets the one error that says what to
    /// write, not an "unknown group" on top of it.
    #[test]
    fn a_registered_id_with_an_unknown_group_is_told_its_registered_group_only() {
        let claim = Claim { id: "zero-gateway", port: 4410, group: "rsut", name: "Zero Gateway" };
        let errors = embedded().check_claim(&claim).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "`zero-gateway` is registered as port 4410 in group `rust`: write group = \"rust\""
        );
    }

    /// With an id that is not kebab-case, who owns the port is not reported (the id has to be
    /// fixed first); with a good id it is.
    #[test]
    fn the_owner_of_a_taken_port_is_reported_only_for_a_usable_id() {
        let bad = Claim { id: "My_Gateway", port: 4410, group: "rust", name: "My Gateway" };
        let errors = embedded().check_claim(&bad).unwrap_err();
        assert_eq!(errors, [ClaimError::BadId { id: "My_Gateway".into() }]);

        let good = Claim { id: "my-gateway", ..bad };
        let errors = embedded().check_claim(&good).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "port 4410 belongs to `zero-gateway` (Zero Gateway), not `my-gateway`; the next free port in `rust` is 4413"
        );

        // A free port: nothing more to say with a bad id, "not registered" with a good one.
        let bad_free = Claim { port: 4413, ..bad };
        assert_eq!(embedded().check_claim(&bad_free).unwrap_err(), [ClaimError::BadId { id: "My_Gateway".into() }]);
        let good_free = Claim { port: 4413, ..good };
        let errors = embedded().check_claim(&good_free).unwrap_err();
        assert!(matches!(&errors[..], [ClaimError::Unregistered { port: 4413, .. }]), "{errors:?}");

        // Outside the group: reported whatever the id.
        let errors = embedded().check_claim(&Claim { port: 4420, ..bad }).unwrap_err();
        assert!(
            matches!(&errors[..], [ClaimError::BadId { .. }, ClaimError::PortOutsideGroup { port: 4420, .. }]),
            "{errors:?}"
        );
    }

    /// The `ports add` command in the message is pasted into a shell: the name is one word,
    /// quoted when it holds anything but letters, digits and `-_./`, with `\ " $ `` escaped.
    #[test]
    fn an_unregistered_port_names_the_ports_add_command_with_the_name_as_one_shell_word() {
        let cases = [
            ("Scheduler", "Scheduler"),
            ("zero-scheduler_v2.0/x", "zero-scheduler_v2.0/x"),
            ("Zero Scheduler", "\"Zero Scheduler\""),
            ("", "\"\""),
            (r#"a"b\c$d`e"#, r#""a\"b\\c\$d\`e""#),
            ("é", "\"é\""),
        ];
        for (name, word) in cases {
            let claim = Claim { id: "zero-scheduler", port: 4413, group: "rust", name };
            let errors = embedded().check_claim(&claim).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field(), ClaimField::Port);
            let ClaimError::Unregistered { entry, .. } = &errors[0] else { panic!("{errors:?}") };
            let json = serde_json::to_string(&**entry).unwrap();
            assert_eq!(
                errors[0].to_string(),
                format!(
                    "port 4413 is free in group `rust` but not registered; register it with `ports add zero-scheduler --group rust --name {word} --port 4413`, or add this entry to the registry's \"services\": {json}"
                )
            );
        }
    }
}

mod config_key {
    use ports_core::is_config_key;

    #[test]
    fn underscores_and_hyphens_are_allowed_in_segments() {
        for key in ["zero_gateway", "zero-gateway", "work_flow.web-hook", "_", "-", "a_b-c.D_9-e"] {
            assert!(is_config_key(key), "{key} should be a config key");
        }
    }

    #[test]
    fn other_punctuation_is_not() {
        for key in ["zero gateway", "zero/gateway", "zero:gateway", "a.", ".a", "a..b", "", "é"] {
            assert!(!is_config_key(key), "{key} should not be a config key");
        }
    }
}

mod resolver {
    use super::*;

    const GATEWAY_5410: &str = r#"{ "gateway": { "port": 5410, "host": "0.0.0.0" } }"#;

    /// `no_config()` wins over `CODECODER_CONFIG` set in the resolver's env, even when that
    /// file exists and is valid: the port is the registry default, not the file's.
    #[test]
    fn no_config_never_reads_a_present_config_file() {
        let dir = tempfile::tempdir().unwrap();
        // Where a resolver whose HOME is `dir` looks by default.
        std::fs::create_dir(dir.path().join(".codecoder")).unwrap();
        let file = dir.path().join(".codecoder").join("config.json");
        std::fs::write(&file, GATEWAY_5410).unwrap();

        // The file is read without `no_config()`...
        let by_var = Resolver::new().env("CODECODER_CONFIG", file.as_os_str());
        let by_home = Resolver::new().env("HOME", dir.path().as_os_str());
        for resolver in [by_var, by_home] {
            assert_eq!(resolver.resolve_id(embedded(), "zero-gateway").unwrap().port, 5410, "{resolver:?}");
        }

        // ...and not with it, whether the env var is set before or after.
        let before = Resolver::new().env("CODECODER_CONFIG", file.as_os_str()).no_config();
        let after = Resolver::new().no_config().env("CODECODER_CONFIG", file.as_os_str());
        let home = Resolver::new().no_config().env("HOME", dir.path().as_os_str());
        let explicit = Resolver::new().config_file(&file).no_config();
        for resolver in [before, after, home, explicit] {
            assert_eq!(resolver.config_path(), None);
            let endpoint = resolver.resolve_id(embedded(), "zero-gateway").unwrap();
            assert_eq!(
                (endpoint.host.as_str(), endpoint.port, &endpoint.source),
                ("127.0.0.1", 4410, &Source::Default),
                "{resolver:?}"
            );
        }
    }

    /// `no_config()` drops the config file only: env overrides set before it still apply.
    #[test]
    fn no_config_keeps_the_env() {
        let resolver = Resolver::new().env("WORKFLOW_PORT", "4413").no_config();
        let endpoint = resolver.resolve_id(embedded(), "zero-workflow").unwrap();
        assert_eq!(endpoint.port, 4413);
        assert_eq!(endpoint.source, Source::Env { var: "WORKFLOW_PORT".into(), value: "4413".into() });
    }

    /// The canonical config key comes first: when it and an alias both name a host, the
    /// canonical one's host is used, and reported as the host's source.
    #[test]
    fn the_first_config_key_naming_a_host_wins() {
        let mut registry = embedded().clone();
        let gateway = registry.services.iter_mut().find(|s| s.id == "zero-gateway").unwrap();
        gateway.config_aliases = vec!["gw".into(), "edge".into()];
        assert!(registry.problems().is_empty(), "{:?}", registry.problems());

        let config =
            r#"{ "gateway": { "host": "10.0.0.1" }, "gw": { "host": "10.0.0.2" }, "edge": { "host": "10.0.0.3" } }"#;
        let resolver = Resolver::new().config_json("cfg.json", config);
        let endpoint = resolver.resolve_id(&registry, "zero-gateway").unwrap();
        assert_eq!(endpoint.to_string(), "10.0.0.1:4410");

        let all = resolver.resolve_all(&registry);
        let resolved = all.iter().find(|r| r.service.id == "zero-gateway").unwrap();
        assert_eq!(resolved.result.as_ref().unwrap().host, "10.0.0.1");
        assert_eq!(
            resolved.result.as_ref().unwrap().host_source,
            Source::Config { file: PathBuf::from("cfg.json"), key: "gateway.host".into() }
        );

        // Without the canonical key, the first alias is next.
        let config = r#"{ "gw": { "host": "10.0.0.2" }, "edge": { "host": "10.0.0.3" } }"#;
        let resolver = Resolver::new().config_json("cfg.json", config);
        assert_eq!(resolver.resolve_id(&registry, "zero-gateway").unwrap().host, "10.0.0.2");
    }

    /// An env port is read as a decimal number up to 20 characters (any `u64`), leading zeros
    /// included; a longer value is refused as not a port, with the usual message.
    #[test]
    fn an_env_port_of_more_than_20_characters_is_refused() {
        let resolve = |value: &str| Resolver::new().env("GATEWAY_PORT", value).resolve_id(embedded(), "zero-gateway");
        let twenty = format!("{:0>20}", 5410);
        assert_eq!(resolve(&twenty).unwrap().port, 5410);
        let err = resolve(&format!("0{twenty}")).unwrap_err();
        assert!(matches!(&err, ports_core::ResolveError::Env { var, .. } if var == "GATEWAY_PORT"), "{err:?}");
    }

    /// An application's own serde `Config` reads the canonical key: a port and a host found
    /// under a config alias are written there by `resolved_config`.
    #[test]
    fn resolved_config_moves_an_alias_port_and_host_to_the_canonical_key() {
        let mut registry = embedded().clone();
        let gateway = registry.services.iter_mut().find(|s| s.id == "zero-gateway").unwrap();
        gateway.config_aliases = vec!["gw".into()];
        assert!(registry.problems().is_empty(), "{:?}", registry.problems());

        let config = serde_json::json!({ "gw": { "port": 5410, "host": "0.0.0.0" } });
        let document = Resolver::new().config_value("cfg.json", config).resolved_config(&registry).unwrap();
        assert_eq!(document["gateway"], serde_json::json!({ "port": 5410, "host": "0.0.0.0" }), "{document}");
        assert_eq!(document["gw"], serde_json::json!({ "port": 5410, "host": "0.0.0.0" }), "{document}");
    }

    /// A resolver over the process environment reads `CODECODER_CONFIG`, else
    /// `~/.codecoder/config.json` in the user's home directory.
    #[test]
    fn from_env_reads_the_config_file_in_the_home_directory() {
        let expected = match std::env::var_os("CODECODER_CONFIG").filter(|v| !v.is_empty()) {
            Some(path) => Some(PathBuf::from(path)),
            #[allow(deprecated)] // not deprecated since 1.86
            None => {
                std::env::home_dir().filter(|p| !p.as_os_str().is_empty()).map(|h| h.join(".codecoder/config.json"))
            }
        };
        assert!(expected.is_some(), "this test needs HOME or CODECODER_CONFIG set");
        assert_eq!(Resolver::from_env().config_path(), expected);
    }
}

mod model {
    use super::*;

    /// `in_block` is the block's range, both ends included (`ports doc` lists the services in it).
    #[test]
    fn in_block_is_the_block_both_ends_included() {
        let registry = embedded();
        for (port, inside) in [(4399, false), (4400, true), (4425, true), (4449, true), (4450, false), (1, false)] {
            assert_eq!(registry.in_block(port), inside, "{port}");
        }
        let mut moved = registry.clone();
        moved.block = ports_core::Block { start: 4410, end: 4419 };
        assert!(!moved.in_block(4400) && moved.in_block(4410) && moved.in_block(4419));
    }

    /// An unknown service id is named, with the closest registered id when one is close.
    #[test]
    fn an_unknown_service_names_the_closest_id() {
        let err = embedded().require_service("zero-gatway").unwrap_err();
        assert_eq!(err.to_string(), "no service `zero-gatway` in the registry; did you mean `zero-gateway`?");
        let err = embedded().require_service("billing").unwrap_err();
        assert_eq!(err.to_string(), "no service `billing` in the registry");
    }
}

mod overlaps {
    use super::*;

    fn group(id: &str, start: u16, end: u16) -> ports_core::Group {
        ports_core::Group { id: id.into(), start, end, title: id.into(), reserved: None }
    }

    /// When two groups reach equally far, a later overlapping group is reported against the
    /// one first in registry order: `a` and `c` below, not `b` and `c`.
    #[test]
    fn an_overlap_is_named_against_the_earliest_group_reaching_furthest() {
        let mut registry = embedded().clone();
        registry.services.clear();
        registry.groups = vec![group("a", 4400, 4420), group("b", 4410, 4420), group("c", 4418, 4430)];
        let problems: Vec<String> = registry.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "groups `a` and `b` overlap: both hold ports 4410-4420",
                "groups `a` and `c` overlap: both hold ports 4418-4420",
            ]
        );
    }
}

mod errors {
    use std::borrow::Cow;

    use super::*;

    /// A control character in the registry's own name or `$schema` is reported about the
    /// registry, with no empty id in the message.
    #[test]
    fn a_control_character_in_the_registry_itself_names_the_field() {
        let mut registry = embedded().clone();
        registry.name = "Code\u{1b}[2JCoder".into();
        registry.schema = Some("./ports.schema.json\n".into());
        let problems: Vec<String> = registry.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "registry `name` holds a control character (\\u{1b}): registry strings are single printable lines, without control, bidi or invisible characters",
                "registry `$schema` holds a control character (\\u{a}): registry strings are single printable lines, without control, bidi or invisible characters",
            ]
        );
    }

    /// Text from a file is printed with every control character escaped; plain text is passed
    /// through as it is, without a copy.
    #[test]
    fn escape_control_escapes_control_characters_only() {
        assert_eq!(ports_core::escape_control("a\u{1b}[2Jb\nc\0"), "a\\u{1b}[2Jb\\u{a}c\\u{0}");
        assert_eq!(ports_core::escape_control("tab\there"), "tab\\u{9}here");
        assert!(matches!(ports_core::escape_control("Zero Gateway 网关"), Cow::Borrowed("Zero Gateway 网关")));
        assert!(matches!(ports_core::escape_control("\u{7f}"), Cow::Owned(s) if s == "\\u{7f}"));
    }
}

mod registry_error {
    use std::error::Error as _;

    use ports_core::{RegistryError, ServiceEntry, PROBLEMS_SHOWN};

    use super::*;

    /// A registry with `n` problems: `n` services with a blank name.
    fn with_problems(n: u16) -> RegistryError {
        let mut registry = embedded().clone();
        registry.services = (0..n)
            .map(|i| {
                let port = 4400 + i;
                let group = registry.group_of(port).unwrap().id.clone();
                ServiceEntry::new(port, format!("svc-{i}"), " ", group)
            })
            .collect();
        registry.validate().unwrap_err()
    }

    /// Up to `PROBLEMS_SHOWN` problems are all listed, with no "and N more"; past it, the rest
    /// are counted.
    #[test]
    fn the_message_lists_every_problem_up_to_the_cap() {
        let n = u16::try_from(PROBLEMS_SHOWN).unwrap();
        let at_cap = with_problems(n).to_string();
        assert_eq!(at_cap.lines().count(), 1 + PROBLEMS_SHOWN, "{at_cap}");
        assert!(at_cap.starts_with(&format!("registry is invalid ({PROBLEMS_SHOWN} problems):")), "{at_cap}");
        assert!(!at_cap.contains("more"), "{at_cap}");

        let over = with_problems(n + 1).to_string();
        assert_eq!(over.lines().count(), 2 + PROBLEMS_SHOWN, "{over}");
        assert!(over.ends_with("\n  ... and 1 more (`ports check --json` lists them all)"), "{over}");
    }

    /// An I/O error keeps the underlying `io::Error` as its source (for `anyhow` chains and
    /// `ErrorKind` checks); the other kinds have none.
    #[test]
    fn an_io_error_has_the_io_error_as_source() {
        let dir = tempfile::tempdir().unwrap();
        let err = Registry::load(dir.path().join("missing.json")).unwrap_err();
        assert!(matches!(err, RegistryError::Io { .. }), "{err}");
        let source = err.source().expect("an I/O error has a source");
        let io = source.downcast_ref::<std::io::Error>().expect("the source is the io::Error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

        assert!(with_problems(1).source().is_none());
        assert!(Registry::parse("{").unwrap_err().source().is_none());
    }
}

mod read {
    use std::error::Error as _;

    use ports_core::{read_bytes, read_text, ReadError};

    /// A file of exactly the limit is read whole; one byte more is refused.
    #[test]
    fn the_limit_is_inclusive_and_never_truncates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(&path, [b'x'; 100]).unwrap();
        assert_eq!(read_bytes(&path, 100).unwrap().len(), 100);
        assert_eq!(read_bytes(&path, 101).unwrap().len(), 100);
        let err = read_bytes(&path, 99).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 99 }), "{err}");
    }

    /// A file whose size is not known beforehand (Linux `/proc` files report 0) is still cut
    /// at the limit: refused when longer, never returned truncated or over the limit.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_limit_holds_when_the_size_is_unknown() {
        let path = std::path::Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0, "this test relies on /proc reporting size 0");
        let whole = read_bytes(path, 1 << 20).unwrap();
        assert!(whole.len() > 16 && whole.starts_with(b"Name:"), "{}", String::from_utf8_lossy(&whole));
        let err = read_bytes(path, 16).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 16 }), "{err}");
    }

    /// The 1 MiB cap is for files that report size 0 only: a regular file larger than 1 MiB
    /// is read whole when the limit allows it.
    #[test]
    fn a_regular_file_over_the_pseudo_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let size = usize::try_from(ports_core::PSEUDO_LIMIT).unwrap() + 10;
        std::fs::write(&path, vec![b'x'; size]).unwrap();
        assert_eq!(read_bytes(&path, 2 << 20).unwrap().len(), size);
    }

    /// A file that reports size 0 is read up to `PSEUDO_LIMIT` whatever the limit asked, so
    /// even `u64::MAX` is safe for a `/proc` file.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_pseudo_file_is_capped_whatever_the_limit() {
        let path = std::path::Path::new("/proc/self/status");
        let whole = read_bytes(path, u64::MAX).unwrap();
        assert!(whole.starts_with(b"Name:"), "{}", String::from_utf8_lossy(&whole));
    }

    /// An I/O error keeps the `io::Error` as its source; a missing file says so.
    #[test]
    fn an_io_error_has_the_io_error_as_source() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_text(&dir.path().join("missing.json"), 100).unwrap_err();
        assert!(err.is_not_found());
        let io = err.source().and_then(|s| s.downcast_ref::<std::io::Error>()).expect("an io::Error source");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

        let err = read_text(dir.path(), 100).unwrap_err();
        assert!(!err.is_not_found());
        assert!(err.source().is_none(), "{err}");
    }
}

mod lease {
    use std::error::Error as _;

    use ports_core::{lease_service_port, lease_test_port_in, LeaseError, RegistryError, UnknownGroup, UnknownService};

    use super::*;

    /// A registry whose `test` group is `start..=start+1`, `start` registered to `it`: one
    /// port to lease. Ports below Linux's ephemeral range, apart from those of `tests/lease.rs` (263xx-265xx).
    fn registry(start: u16) -> Registry {
        Registry::parse(&format!(
            r#"{{ "name": "lease", "block": {{ "start": {start}, "end": {end} }},
                 "groups": [{{ "id": "test", "start": {start}, "end": {end}, "title": "tests" }}],
                 "services": [{{ "port": {start}, "id": "it", "name": "registered test", "group": "test" }}] }}"#,
            end = start + 1
        ))
        .unwrap()
    }

    /// Each lease error keeps what caused it as its source, for `anyhow` chains and downcasts.
    #[test]
    fn a_lease_error_keeps_its_cause_as_source() {
        let registry = registry(26620);
        let err = lease_test_port_in(&registry, "tests").unwrap_err();
        assert!(err.source().and_then(|s| s.downcast_ref::<UnknownGroup>()).is_some_and(|u| u.id == "tests"), "{err}");
        let err = lease_service_port(&registry, "nope").unwrap_err();
        assert!(err.source().and_then(|s| s.downcast_ref::<UnknownService>()).is_some_and(|u| u.id == "nope"), "{err}");

        let held = lease_service_port(&registry, "it").unwrap();
        let err = lease_service_port(&registry, "it").unwrap_err();
        let io = err.source().and_then(|s| s.downcast_ref::<std::io::Error>()).expect("an io::Error source");
        assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);
        drop(held);

        let free = lease_test_port_in(&registry, "test").unwrap();
        assert_eq!(free.local_addr().unwrap().port(), 26621);
        let err = lease_test_port_in(&registry, "test").unwrap_err();
        assert!(matches!(err, LeaseError::AllTaken { start: 26620, end: 26621, .. }), "{err}");
        assert!(err.source().is_none());

        let err = LeaseError::Registry(Registry::parse("{").unwrap_err());
        assert!(err.source().and_then(|s| s.downcast_ref::<RegistryError>()).is_some(), "{err}");
    }

    /// The tokio leases: the same ports as the std ones, as tokio listeners; outside a runtime,
    /// an error that says a runtime is needed (not a panic).
    #[cfg(feature = "tokio")]
    #[test]
    fn tokio_leases_need_a_runtime_and_give_the_same_ports() {
        use ports_core::{lease_service_port_tokio, lease_test_port_in_tokio};

        let registry = registry(26640);
        let err = lease_test_port_in_tokio(&registry, "test").unwrap_err();
        assert!(matches!(err, LeaseError::Bind { port: 26641, .. }), "{err}");
        assert!(err.to_string().contains("a tokio socket needs a running tokio runtime"), "{err}");
        // The failed lease released its port.
        drop(lease_test_port_in(&registry, "test").unwrap());

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let test = lease_test_port_in_tokio(&registry, "test").unwrap();
            assert_eq!(test.local_addr().unwrap().port(), 26641);
            let service = lease_service_port_tokio(&registry, "it").unwrap();
            assert_eq!(service.local_addr().unwrap().port(), 26640);
            assert!(matches!(lease_test_port_in_tokio(&registry, "test"), Err(LeaseError::AllTaken { .. })));
            assert!(matches!(lease_service_port_tokio(&registry, "it"), Err(LeaseError::Bind { port: 26640, .. })));
        });
    }
}

mod serde {
    use ports_core::ServiceEntry;

    use super::*;

    /// Absent optional fields are left out (not written as `null`); lists are always written.
    #[test]
    fn absent_optional_fields_are_left_out_and_lists_kept() {
        let mut registry = embedded().clone();
        registry.groups[0].reserved = None;
        registry.schema = None;
        let value = serde_json::to_value(&registry).unwrap();
        let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["block", "groups", "name", "services"]);
        assert_eq!(value["services"].as_array().unwrap().len(), registry.services.len());
        let core: Vec<&str> = value["groups"][0].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(core, ["end", "id", "start", "title"]);
        assert_eq!(serde_json::from_value::<Registry>(value).unwrap(), registry);

        registry.services.clear();
        let value = serde_json::to_value(&registry).unwrap();
        assert_eq!(value["services"], serde_json::json!([]));
    }

    /// Env vars (or config keys) with no canonical name but aliases are written as an array,
    /// valid JSON, read back with the first as the canonical one.
    #[test]
    fn aliases_without_a_canonical_name_are_written_as_an_array() {
        let mut entry = ServiceEntry::new(4413, "zero-scheduler", "Zero Scheduler", "rust");
        entry.env_aliases = vec!["SCHEDULER_PORT".into(), "ZERO_SCHEDULER_PORT".into()];
        entry.config_aliases = vec!["scheduler".into()];
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            json,
            r#"{"port":4413,"id":"zero-scheduler","name":"Zero Scheduler","group":"rust","env":["SCHEDULER_PORT","ZERO_SCHEDULER_PORT"],"config":["scheduler"]}"#
        );
        let back: ServiceEntry = serde_json::from_str(&json).unwrap();
        assert_eq!(back.env.as_deref(), Some("SCHEDULER_PORT"));
        assert_eq!(back.env_aliases, ["ZERO_SCHEDULER_PORT"]);
        assert_eq!((back.config.as_deref(), back.config_aliases.len()), (Some("scheduler"), 0));
    }

    /// `env` or `config` of the wrong shape says what it takes.
    #[test]
    fn a_bad_env_or_config_says_it_takes_a_name_or_an_array() {
        let with = |field: &str| {
            let json = Registry::EMBEDDED_JSON.replacen(r#""env": "GATEWAY_PORT""#, &format!(r#""env": {field}"#), 1);
            Registry::parse(&json).unwrap_err().to_string()
        };
        let err = with("5");
        assert!(err.ends_with("invalid type: integer `5`, expected a name or a non-empty array of names"), "{err}");
        let err = with("[]");
        assert!(err.ends_with("invalid length 0, expected a name or a non-empty array of names"), "{err}");
    }

    /// A service that is not an object says a service entry was expected.
    #[test]
    fn a_service_that_is_not_an_object_says_what_was_expected() {
        let json = Registry::EMBEDDED_JSON.replacen(r#""services": ["#, r#""services": [5, "#, 1);
        let err = Registry::parse(&json).unwrap_err().to_string();
        assert!(err.ends_with("at `services[0]`: invalid type: integer `5`, expected struct ServiceEntry"), "{err}");
    }
}

mod relocate {
    use super::*;
    use ports_core::MoveError;

    /// `ports move` to a port in the block but in no group says so, rather than "outside the
    /// block"; the registry is left as it was.
    #[test]
    fn a_port_in_the_block_but_in_no_group_is_said_to_lie_in_no_group() {
        let mut registry = registry_with_gap();
        let before = registry.clone();
        let err = registry.relocate("zero-gateway", 4435).unwrap_err();
        assert!(matches!(err, MoveError::NoGroup { port: 4435, .. }), "{err:?}");
        assert_eq!(err.to_string(), "port 4435 lies in no group");
        assert_eq!(registry, before);
    }
}

mod collision {
    use ports_core::{Collision, Endpoint};

    /// `ports status` marks the services of a collision: each of its two names, and no other.
    #[test]
    fn a_collision_involves_its_two_names_only() {
        let a = Endpoint::new("zero-gateway", "127.0.0.1", 5000);
        let b = Endpoint::new("zero-channels", "0.0.0.0", 5000);
        let found = Collision::of_services([&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].involves("zero-gateway"));
        assert!(found[0].involves("zero-channels"));
        assert!(!found[0].involves("zero-workflow"));
    }
}

mod bind {
    use ports_core::Endpoint;

    /// A bind that fails on a taken port names the address it tried.
    #[test]
    fn a_failed_bind_names_the_address_it_tried() {
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = held.local_addr().unwrap();
        let err = Endpoint::new("zero-gateway", "127.0.0.1", addr.port()).bind().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse, "{err}");
        assert_eq!(err.addr(), Some(addr), "{err}");
    }

    /// The socket table is consulted only when the address is in use: a bind that fails for
    /// another reason (here an address of no interface, TEST-NET-1) says the OS error alone.
    #[test]
    fn a_bind_failing_for_another_reason_names_no_holder() {
        let err = Endpoint::new("zero-gateway", "192.0.2.1", 4410).bind().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrNotAvailable, "{err}");
        let message = err.to_string();
        assert!(!message.contains("held by") && !message.contains("socket table"), "{message}");
        assert!(!message.contains("holder"), "{message}");
    }
}

/// A read with no limit (`u64::MAX`) reads a regular file whole: the cap's `+ 1` saturates
/// instead of overflowing (which panicked in debug builds and read nothing in release).
#[test]
fn a_read_without_a_limit_reads_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::write(&path, "x".repeat(3000)).unwrap();
    assert_eq!(ports_core::read_bytes(&path, u64::MAX).unwrap().len(), 3000);
}

//! The resolver: precedence of every pair of sources, every bad input, nested keys, conflicts.

use std::path::PathBuf;

use ports_core::{Registry, ResolveError, Resolver, Source};

fn registry() -> &'static Registry {
    Registry::embedded()
}

fn gateway(resolver: &Resolver) -> Result<ports_core::Endpoint, ResolveError> {
    resolver.resolve_id(registry(), "zero-gateway")
}

const CONFIG: &str =
    r#"{ "gateway": { "port": 5410, "host": "0.0.0.0" }, "workflow": { "webhook": { "port": 5412 } } }"#;

#[test]
fn registry_default_alone() {
    let e = gateway(&Resolver::new()).unwrap();
    assert_eq!((e.host.as_str(), e.port, &e.source), ("127.0.0.1", 4410, &Source::Default));
    assert_eq!(e.to_string(), "127.0.0.1:4410");
    assert_eq!(e.source.to_string(), "registry default");
}

#[test]
fn config_beats_registry() {
    let e = gateway(&Resolver::new().config_json("cfg.json", CONFIG)).unwrap();
    assert_eq!(e.port, 5410);
    assert_eq!(e.host, "0.0.0.0");
    assert_eq!(e.source, Source::Config { file: PathBuf::from("cfg.json"), key: "gateway.port".into() });
    assert_eq!(e.source.to_string(), "cfg.json: gateway.port");
}

#[test]
fn env_beats_registry() {
    let e = gateway(&Resolver::new().env("GATEWAY_PORT", "5510")).unwrap();
    assert_eq!((e.port, e.host.as_str()), (5510, "127.0.0.1"));
    assert_eq!(e.source, Source::Env { var: "GATEWAY_PORT".into(), value: "5510".into() });
    assert_eq!(e.source.to_string(), "GATEWAY_PORT=5510 (env)");
}

#[test]
fn env_beats_config_but_host_still_comes_from_config() {
    let e = gateway(&Resolver::new().env("GATEWAY_PORT", "5510").config_json("cfg.json", CONFIG)).unwrap();
    assert_eq!(e.to_string(), "0.0.0.0:5510");
    assert_eq!(e.source.to_string(), "GATEWAY_PORT=5510 (env)");
}

#[test]
fn nested_config_key() {
    let e = Resolver::new().config_json("cfg.json", CONFIG).resolve_id(registry(), "zero-workflow").unwrap();
    assert_eq!(e.to_string(), "127.0.0.1:5412");
    assert_eq!(e.source.to_string(), "cfg.json: workflow.webhook.port");
}

#[test]
fn host_only_in_config_keeps_registry_port() {
    let e = gateway(&Resolver::new().config_json("c.json", r#"{ "gateway": { "host": "::1" } }"#)).unwrap();
    assert_eq!(e.to_string(), "[::1]:4410");
    assert_eq!(e.source, Source::Default);
}

#[test]
fn a_service_without_env_or_config_ignores_both() {
    let r = Resolver::new().env("GATEWAY_PORT", "5510").config_json("c.json", CONFIG);
    let e = r.resolve_id(registry(), "codecoder-api").unwrap();
    assert_eq!((e.port, e.source), (4400, Source::Default));
}

#[test]
fn missing_file_or_key_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = gateway(&Resolver::new().config_file(dir.path().join("absent.json"))).unwrap();
    assert_eq!(e.source, Source::Default);
    let e = gateway(&Resolver::new().config_json("c.json", r#"{ "channels": { "port": 5411 } }"#)).unwrap();
    assert_eq!(e.source, Source::Default);
    let e = gateway(&Resolver::new().config_json("c.json", r#"{ "gateway": null }"#)).unwrap();
    assert_eq!(e.source, Source::Default);
    let e = gateway(&Resolver::new().config_json("c.json", r#"{ "gateway": {} }"#)).unwrap();
    assert_eq!(e.source, Source::Default);
}

#[test]
fn bad_env_values_name_the_variable_and_value() {
    for value in ["abc", "0", "65536", " 4410", "4410 ", "", "-1", "+4410", "44.10", "99999999999"] {
        let err = gateway(&Resolver::new().env("GATEWAY_PORT", value)).unwrap_err();
        assert_eq!(
            err,
            ResolveError::Env { var: "GATEWAY_PORT".into(), value: value.into(), service: "zero-gateway".into() },
            "value {value:?}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("env var GATEWAY_PORT={value:?} (port of `zero-gateway`) is not a port")),
            "{text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_env_value_is_an_error() {
    use std::os::unix::ffi::OsStringExt;
    let value = std::ffi::OsString::from_vec(vec![0x34, 0xff]);
    let err = gateway(&Resolver::new().env("GATEWAY_PORT", value)).unwrap_err();
    assert!(matches!(err, ResolveError::Env { ref var, .. } if var == "GATEWAY_PORT"), "{err}");
}

#[test]
fn malformed_config_names_file_line_and_column() {
    let err =
        gateway(&Resolver::new().config_json("cfg.json", "{\n  \"gateway\": { \"port\": 4410, }\n}")).unwrap_err();
    assert_eq!(
        err,
        ResolveError::ConfigSyntax { file: "cfg.json".into(), line: 2, column: 30, message: "trailing comma".into() }
    );
    assert_eq!(err.to_string(), "config file cfg.json:2:30: trailing comma");
}

#[test]
fn wrong_types_name_file_key_and_value() {
    let cases = [
        (r#"{ "gateway": { "port": "4410" } }"#, "gateway.port", "\"4410\"", "an integer port 1-65535"),
        (r#"{ "gateway": { "port": 0 } }"#, "gateway.port", "0", "an integer port 1-65535"),
        (r#"{ "gateway": { "port": 70000 } }"#, "gateway.port", "70000", "an integer port 1-65535"),
        (r#"{ "gateway": { "port": 4410.5 } }"#, "gateway.port", "4410.5", "an integer port 1-65535"),
        (r#"{ "gateway": { "port": -1 } }"#, "gateway.port", "-1", "an integer port 1-65535"),
        (r#"{ "gateway": { "host": 5 } }"#, "gateway.host", "5", "an IP address or a DNS name (no port, no spaces)"),
        (r#"{ "gateway": 4410 }"#, "gateway", "4410", "an object with `port` and `host`"),
        (r#"[1]"#, "(top level)", "[1]", "an object"),
    ];
    for (json, key, value, expected) in cases {
        let err = gateway(&Resolver::new().config_json("cfg.json", json)).unwrap_err();
        assert_eq!(
            err,
            ResolveError::ConfigType { file: "cfg.json".into(), key: key.into(), value: value.into(), expected },
            "{json}"
        );
    }
    let err = Resolver::new()
        .config_json("cfg.json", r#"{ "workflow": { "webhook": { "port": true } } }"#)
        .resolve_id(registry(), "zero-workflow")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "config file cfg.json: `workflow.webhook.port` is true, expected an integer port 1-65535"
    );
}

#[test]
fn override_onto_another_services_port_names_it() {
    let err = gateway(&Resolver::new().env("GATEWAY_PORT", "4411")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`zero-gateway` is set to port 4411 by CHANNELS_PORT=4411 (env), but the registry gives port 4411 to `zero-channels` (Zero Channels); choose a port no other service owns"
            .replace("CHANNELS_PORT", "GATEWAY_PORT")
    );
    let err = gateway(&Resolver::new().config_json("c.json", r#"{ "gateway": { "port": 4400 } }"#)).unwrap_err();
    assert!(matches!(err, ResolveError::Conflict { ref owner, port: 4400, .. } if owner == "codecoder-api"), "{err}");
    // Overriding with the service's own port is fine.
    assert_eq!(gateway(&Resolver::new().env("GATEWAY_PORT", "4410")).unwrap().port, 4410);
}

#[test]
fn unknown_id_suggests_the_closest() {
    let err = Resolver::new().resolve_id(registry(), "zero-gatway").unwrap_err();
    assert_eq!(err.to_string(), "no service `zero-gatway` in the registry; did you mean `zero-gateway`?");
    // The registry's own error, carried: one message, one place.
    let ResolveError::UnknownService(unknown) = &err else { panic!("{err:?}") };
    assert_eq!(unknown, &registry().require_service("zero-gatway").unwrap_err());
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn the_endpoint_names_its_service_and_where_host_and_port_came_from() {
    let e = gateway(&Resolver::new().env("GATEWAY_PORT", "5510").config_json("cfg.json", CONFIG)).unwrap();
    assert_eq!(e.service, "zero-gateway");
    assert_eq!(e.source.to_string(), "GATEWAY_PORT=5510 (env)");
    assert_eq!(e.host_source, Source::Config { file: PathBuf::from("cfg.json"), key: "gateway.host".into() });
    let e = gateway(&Resolver::new()).unwrap();
    assert_eq!((&e.source, &e.host_source), (&Source::Default, &Source::Default));
}

#[test]
fn a_config_text_with_a_byte_order_mark_reads_as_without() {
    let e = gateway(&Resolver::new().config_json("cfg.json", format!("\u{feff}{CONFIG}"))).unwrap();
    assert_eq!(e.port, 5410);
}

#[test]
fn config_path_comes_from_codecoder_config_then_home() {
    let r = Resolver::new().env("CODECODER_CONFIG", "/etc/cc.json").env("HOME", "/home/me");
    assert_eq!(r.config_path(), Some(PathBuf::from("/etc/cc.json")));
    let r = Resolver::new().env("HOME", "/home/me");
    assert_eq!(r.config_path(), Some(PathBuf::from("/home/me/.codecoder/config.json")));
    assert_eq!(Resolver::new().config_path(), None);
    assert_eq!(Resolver::new().env("HOME", "/h").no_config().config_path(), None);
}

#[test]
fn config_file_from_codecoder_config_and_home_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cc.json");
    std::fs::write(&file, CONFIG).unwrap();
    let e = gateway(&Resolver::new().env("CODECODER_CONFIG", file.as_os_str())).unwrap();
    assert_eq!(e.source, Source::Config { file: file.clone(), key: "gateway.port".into() });

    std::fs::create_dir(dir.path().join(".codecoder")).unwrap();
    let home_file = dir.path().join(".codecoder/config.json");
    std::fs::write(&home_file, r#"{ "gateway": { "port": 6410 } }"#).unwrap();
    let e = gateway(&Resolver::new().env("HOME", dir.path().as_os_str())).unwrap();
    assert_eq!((e.port, e.source), (6410, Source::Config { file: home_file, key: "gateway.port".into() }));
}

#[test]
fn unreadable_config_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // A directory cannot be read as a file.
    let err = gateway(&Resolver::new().config_file(dir.path())).unwrap_err();
    assert!(matches!(&err, ResolveError::ConfigRead { file, .. } if file == dir.path()), "{err}");
}

#[test]
fn config_file_is_read_once_per_resolver() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cc.json");
    std::fs::write(&file, CONFIG).unwrap();
    let resolver = Resolver::new().config_file(&file);
    assert_eq!(gateway(&resolver).unwrap().port, 5410);
    std::fs::write(&file, r#"{ "gateway": { "port": 7410 } }"#).unwrap();
    // Same resolver: the first read stands.
    assert_eq!(gateway(&resolver).unwrap().port, 5410);
    assert_eq!(gateway(&Resolver::new().config_file(&file)).unwrap().port, 7410);
}

/// `Service::resolve()` and `Resolver::from_env()` read the real environment. Run in a child
/// process (this test binary, filtered to the helper below) so no other test sees the variables.
#[test]
fn from_env_reads_codecoder_config_and_env_vars() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cc.json");
    std::fs::write(&file, CONFIG).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_from_env", "--nocapture", "--include-ignored"])
        .env("PORTS_CHILD", "1")
        .env("CODECODER_CONFIG", &file)
        .env("CHANNELS_PORT", "5511")
        .env_remove("GATEWAY_PORT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("gateway 0.0.0.0:5410 from {}: gateway.port", file.display())), "{stdout}");
    assert!(stdout.contains("channels 127.0.0.1:5511 from CHANNELS_PORT=5511 (env)"), "{stdout}");
}

#[test]
fn child_from_env() {
    if std::env::var_os("PORTS_CHILD").is_none() {
        return;
    }
    let r = Resolver::from_env();
    let g = r.resolve_id(registry(), "zero-gateway").unwrap();
    let c = r.resolve_id(registry(), "zero-channels").unwrap();
    println!("gateway {g} from {}", g.source);
    println!("channels {c} from {}", c.source);
}

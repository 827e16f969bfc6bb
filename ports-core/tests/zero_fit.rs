//! What the Zero crates need (issue 11): env and config aliases, a parsed config document,
//! checked hosts, `socket_addr`, serde default functions, collisions.

use std::net::SocketAddr;
use std::path::PathBuf;

use ports_core::{collisions, host_of, port_of, Endpoint, Registry, ResolveError, Resolver, Service, Source};

/// The gateway with the names the Zero crates already use as aliases.
fn registry() -> Registry {
    Registry::parse(
        r#"{ "name": "zero", "block": { "start": 4400, "end": 4449 },
             "groups": [{ "id": "rust", "start": 4410, "end": 4419, "title": "Rust" }],
             "services": [
               { "port": 4410, "id": "zero-gateway", "name": "Zero Gateway", "group": "rust",
                 "env": ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"], "config": "gateway" },
               { "port": 4412, "id": "zero-workflow", "name": "Zero Workflow", "group": "rust",
                 "env": "WORKFLOW_PORT", "config": ["workflow.webhook", "workflow"] }
             ] }"#,
    )
    .unwrap()
}

fn gateway(resolver: &Resolver) -> Result<Endpoint, ResolveError> {
    resolver.resolve_id(&registry(), "zero-gateway")
}

fn workflow(resolver: &Resolver) -> Result<Endpoint, ResolveError> {
    resolver.resolve_id(&registry(), "zero-workflow")
}

#[test]
fn aliases_are_parsed_and_written_back_as_arrays() {
    let registry = registry();
    let gateway = registry.service("zero-gateway").unwrap();
    assert_eq!(gateway.env.as_deref(), Some("GATEWAY_PORT"));
    assert_eq!(gateway.env_aliases, ["ZERO_GATEWAY_PORT"]);
    assert_eq!(gateway.env_names().collect::<Vec<_>>(), ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"]);
    let workflow = registry.service("zero-workflow").unwrap();
    assert_eq!(workflow.config_keys().collect::<Vec<_>>(), ["workflow.webhook", "workflow"]);
    let text = registry.to_json_pretty().unwrap();
    assert!(text.contains(r#""env": ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"], "config": "gateway""#), "{text}");
    assert_eq!(Registry::parse(&text).unwrap(), registry);
}

#[test]
fn an_empty_alias_array_is_a_shape_error() {
    let err = Registry::parse(
        r#"{ "name": "x", "block": { "start": 1, "end": 9 }, "groups": [{ "id": "g", "start": 1, "end": 9, "title": "g" }],
             "services": [{ "port": 1, "id": "a", "name": "A", "group": "g", "env": [] }] }"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("at `services[0].env`"), "{err}");
}

#[test]
fn env_alias_first_second_both_agree_both_disagree() {
    let first = gateway(&Resolver::new().env("GATEWAY_PORT", "4413")).unwrap();
    assert_eq!(first.port, 4413);
    assert_eq!(first.source, Source::Env { var: "GATEWAY_PORT".into(), value: "4413".into() });

    let second = gateway(&Resolver::new().env("ZERO_GATEWAY_PORT", "4414")).unwrap();
    assert_eq!(second.port, 4414);
    assert_eq!(second.source, Source::Env { var: "ZERO_GATEWAY_PORT".into(), value: "4414".into() });

    let agree = gateway(&Resolver::new().env("GATEWAY_PORT", "4415").env("ZERO_GATEWAY_PORT", "4415")).unwrap();
    assert_eq!(agree.port, 4415);
    assert_eq!(agree.source, Source::Env { var: "GATEWAY_PORT".into(), value: "4415".into() }, "the first set name");

    let err = gateway(&Resolver::new().env("GATEWAY_PORT", "4415").env("ZERO_GATEWAY_PORT", "4416")).unwrap_err();
    assert!(matches!(err, ResolveError::Disagree { first_port: 4415, second_port: 4416, .. }));
    assert_eq!(
        err.to_string(),
        "`zero-gateway` is set twice to different ports: GATEWAY_PORT=4415 (env) gives 4415, ZERO_GATEWAY_PORT=4416 (env) gives 4416; keep one of them, or set both to the same port"
    );
    // An invalid alias value is an error naming that alias, even when the first is fine.
    let err = gateway(&Resolver::new().env("GATEWAY_PORT", "4415").env("ZERO_GATEWAY_PORT", "abc")).unwrap_err();
    assert!(matches!(err, ResolveError::Env { ref var, .. } if var == "ZERO_GATEWAY_PORT"), "{err}");
}

#[test]
fn config_alias_first_second_both_agree_both_disagree() {
    let cfg = |text: &str| Resolver::new().config_json("cfg.json", text.to_owned());
    let first = workflow(&cfg(r#"{ "workflow": { "webhook": { "port": 4413 } } }"#)).unwrap();
    assert_eq!(first.source, Source::Config { file: "cfg.json".into(), key: "workflow.webhook.port".into() });
    // The Zero crates' own key: `workflow.port`.
    let second = workflow(&cfg(r#"{ "workflow": { "port": 4414 } }"#)).unwrap();
    assert_eq!((second.port, second.source.to_string().as_str()), (4414, "cfg.json: workflow.port"));
    let agree = workflow(&cfg(r#"{ "workflow": { "port": 4413, "webhook": { "port": 4413 } } }"#)).unwrap();
    assert_eq!(agree.source.to_string(), "cfg.json: workflow.webhook.port");
    let err = workflow(&cfg(r#"{ "workflow": { "port": 4414, "webhook": { "port": 4413 } } }"#)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`zero-workflow` is set twice to different ports: cfg.json: workflow.webhook.port gives 4413, cfg.json: workflow.port gives 4414; keep one of them, or set both to the same port"
    );
    // The env var still beats every config key.
    let env = workflow(&cfg(r#"{ "workflow": { "port": 4414 } }"#).env("WORKFLOW_PORT", "4415")).unwrap();
    assert_eq!(env.port, 4415);
}

#[test]
fn aliases_are_unique_across_all_names() {
    let err = Registry::parse(
        r#"{ "name": "x", "block": { "start": 1, "end": 9 }, "groups": [{ "id": "g", "start": 1, "end": 9, "title": "g" }],
             "services": [
               { "port": 1, "id": "a", "name": "A", "group": "g", "env": ["A_PORT", "SHARED_PORT"], "config": ["a", "shared"] },
               { "port": 2, "id": "b", "name": "B", "group": "g", "env": ["SHARED_PORT"], "config": ["b", "shared"] }
             ] }"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("duplicate env var `SHARED_PORT`: used by both `a` and `b`"), "{text}");
    assert!(text.contains("duplicate config key `shared`: used by both `a` and `b`"), "{text}");
}

#[test]
fn config_value_resolves_from_a_parsed_document_without_reading_a_file() {
    let document = serde_json::json!({ "gateway": { "port": 5410, "host": "0.0.0.0" } });
    // The env points at a file that does not exist: it must not matter.
    let resolver =
        Resolver::new().env("CODECODER_CONFIG", "/nonexistent/config.json").config_value("zero.toml", document);
    let e = gateway(&resolver).unwrap();
    assert_eq!((e.host.as_str(), e.port), ("0.0.0.0", 5410));
    assert_eq!(e.source, Source::Config { file: PathBuf::from("zero.toml"), key: "gateway.port".into() });
    assert_eq!(resolver.config_path(), Some(PathBuf::from("zero.toml")));
    let err = gateway(&Resolver::new().config_value("zero.toml", serde_json::json!({ "gateway": 7 }))).unwrap_err();
    assert_eq!(err.to_string(), "config file zero.toml: `gateway` is 7, expected an object with `port` and `host`");
}

#[test]
fn hosts_must_be_an_ip_address_or_a_dns_name() {
    for bad in ["0.0.0.0:80", "a\nb", " exa mple ", "", "[::1]", "-lead.example", "a..b", "x".repeat(64).as_str()] {
        let text = serde_json::json!({ "gateway": { "host": bad } });
        let err = gateway(&Resolver::new().config_value("cfg.json", text)).unwrap_err();
        let ResolveError::ConfigType { key, expected, .. } = &err else { panic!("{bad:?}: {err}") };
        assert_eq!((key.as_str(), *expected), ("gateway.host", "an IP address or a DNS name (no port, no spaces)"));
        assert!(!err.to_string().contains('\n'), "control characters are escaped: {err}");
    }
    for good in ["0.0.0.0", "::", "::1", "localhost", "zero-gateway", "gw.internal.example.com", "zero_gateway"] {
        let text = serde_json::json!({ "gateway": { "host": good } });
        assert_eq!(gateway(&Resolver::new().config_value("cfg.json", text)).unwrap().host, good);
    }
}

#[test]
fn socket_addr_resolves_the_host_for_tokio() {
    let e = gateway(&Resolver::new()).unwrap();
    assert_eq!(e.socket_addr().unwrap(), SocketAddr::from(([127, 0, 0, 1], 4410)));
    let v6 = Endpoint::new("zero-gateway", "::1", 4410);
    assert_eq!(v6.to_string(), "[::1]:4410");
    assert_eq!(v6.socket_addr().unwrap(), "[::1]:4410".parse::<SocketAddr>().unwrap());
    let named = Endpoint::new("zero-gateway", "localhost", 4410);
    assert_eq!(named.socket_addr().unwrap().port(), 4410);
}

#[test]
fn endpoints_collide_on_the_same_port_and_host_or_a_wildcard() {
    let at = |host: &str, port| Endpoint::new("zero-gateway", host, port);
    let list = [at("127.0.0.1", 5000), at("127.0.0.2", 5000), at("0.0.0.0", 5000), at("::1", 5001), at("0:0::1", 5001)];
    assert_eq!(collisions(&list), [(0, 2), (1, 2), (3, 4)]);
}

struct Gateway;

impl Service for Gateway {
    const ID: &'static str = "zero-gateway";
    const NAME: &'static str = "Zero Gateway";
    const PORT: u16 = 4410;
    const GROUP: &'static str = "rust";
    const ENV: Option<&'static str> = Some("GATEWAY_PORT");
    const ENV_ALIASES: &'static [&'static str] = &["ZERO_GATEWAY_PORT"];
    const CONFIG: Option<&'static str> = Some("gateway");
}

#[test]
fn service_types_read_their_aliases_and_serve_serde_defaults() {
    let e = Gateway::resolve_with(&Resolver::new().env("ZERO_GATEWAY_PORT", "4417")).unwrap();
    assert_eq!(e.source.to_string(), "ZERO_GATEWAY_PORT=4417 (env)");
    assert_eq!(port_of::<Gateway>(), 4410);
    assert_eq!(host_of::<Gateway>(), "127.0.0.1");
}

/// A test double written by hand with the four consts every service has: no env var, no
/// config key, the embedded registry.
struct Double;

impl Service for Double {
    const ID: &'static str = "mcp-integration-test";
    const NAME: &'static str = "MCP Integration Test";
    const PORT: u16 = 4440;
    const GROUP: &'static str = "test";
}

#[test]
fn a_hand_written_impl_without_env_or_config_reads_neither() {
    assert_eq!((Double::ENV, Double::CONFIG, Double::HOST), (None, None, "127.0.0.1"));
    assert!(Double::ENV_ALIASES.is_empty() && Double::CONFIG_ALIASES.is_empty());
    let resolver = Resolver::new()
        .env("MCP_TEST_PORT", "4449")
        .config_json("config.json", r#"{ "mcp-integration-test": { "port": 4448 }, "mcp": { "port": 4447 } }"#);
    let e = Double::resolve_with(&resolver).unwrap();
    assert_eq!((e.port, e.source.to_string().as_str()), (4440, "registry default"));
    assert!(std::ptr::eq(Double::registry(), ports_core::Registry::embedded()));
}

#[test]
fn echoed_env_values_are_truncated() {
    let huge = "9".repeat(100_000);
    let err = gateway(&Resolver::new().env("GATEWAY_PORT", huge)).unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains("(100000 bytes in all)"), "{text}");
}

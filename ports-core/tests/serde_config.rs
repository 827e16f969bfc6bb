//! The application's own serde `Config` and the resolver agree (issue 18): the document from
//! `Resolver::resolved_config` carries every env override, so the `Config` deserialized from it
//! has the ports the services bind.

use ports_core::{Registry, ResolveError, Resolver, Service};
use serde::Deserialize;

struct ZeroGateway;
impl Service for ZeroGateway {
    const ID: &'static str = "zero-gateway";
    const NAME: &'static str = "Zero Gateway";
    const PORT: u16 = 4410;
    const GROUP: &'static str = "rust";
    const ENV: Option<&'static str> = Some("GATEWAY_PORT");
    const CONFIG: Option<&'static str> = Some("gateway");
}

/// A Zero crate's config: the registry gives the defaults.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    gateway: Gateway,
    #[serde(default)]
    workflow: Option<serde_json::Value>,
    #[serde(default)]
    theme: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Gateway {
    #[serde(default = "ports_core::port_of::<ZeroGateway>")]
    port: u16,
    #[serde(default = "ports_core::host_of::<ZeroGateway>")]
    host: String,
}

impl Default for Gateway {
    fn default() -> Self {
        Gateway { port: ports_core::port_of::<ZeroGateway>(), host: ports_core::host_of::<ZeroGateway>() }
    }
}

fn config(resolver: &Resolver) -> Config {
    serde_json::from_value(resolver.resolved_config(ZeroGateway::registry()).unwrap()).unwrap()
}

#[test]
fn an_env_override_lands_in_the_app_config() {
    let document = serde_json::json!({ "gateway": { "port": 5410, "host": "0.0.0.0" }, "theme": "dark" });
    let resolver = Resolver::new().config_value("config.json", document).env("GATEWAY_PORT", "6410");
    let config = config(&resolver);
    let endpoint = ZeroGateway::resolve_with(&resolver).unwrap();
    assert_eq!((config.gateway.port, config.gateway.host.as_str()), (6410, "0.0.0.0"));
    assert_eq!((endpoint.port, endpoint.host.as_str()), (config.gateway.port, config.gateway.host.as_str()));
    assert_eq!(config.theme.as_deref(), Some("dark"), "the rest of the document is kept");
}

#[test]
fn with_no_override_the_document_is_unchanged_and_defaults_come_from_the_registry() {
    let document = serde_json::json!({ "gateway": { "port": 5410 }, "theme": "dark" });
    let resolver = Resolver::new().config_value("config.json", document.clone());
    assert_eq!(resolver.resolved_config(Registry::embedded()).unwrap(), document);
    let config = config(&Resolver::new().no_config());
    assert_eq!((config.gateway.port, config.gateway.host.as_str()), (4410, "127.0.0.1"));
    assert!(config.workflow.is_none(), "a service on its default is not written: {config:?}");
}

#[test]
fn an_override_creates_the_objects_on_its_key_path() {
    let resolver = Resolver::new().no_config().env("WORKFLOW_PORT", "4413").env("GATEWAY_PORT", "4414");
    let document = resolver.resolved_config(Registry::embedded()).unwrap();
    assert_eq!(
        document,
        serde_json::json!({ "gateway": { "port": 4414 }, "workflow": { "webhook": { "port": 4413 } } })
    );
    // Over a null on the way too, keeping what is beside it.
    let resolver = Resolver::new()
        .config_value("c.json", serde_json::json!({ "workflow": { "webhook": null, "cron": 1 } }))
        .env("WORKFLOW_PORT", "4413");
    let document = resolver.resolved_config(Registry::embedded()).unwrap();
    assert_eq!(document, serde_json::json!({ "workflow": { "webhook": { "port": 4413 }, "cron": 1 } }));
}

#[test]
fn the_file_is_read_as_the_resolver_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, "\u{feff}{ \"gateway\": { \"host\": \"::1\" } }").unwrap();
    let resolver = Resolver::new().env("CODECODER_CONFIG", file.as_os_str()).env("GATEWAY_PORT", "5510");
    let config = config(&resolver);
    assert_eq!((config.gateway.port, config.gateway.host.as_str()), (5510, "::1"));
}

#[test]
fn an_alias_is_written_under_the_canonical_key() {
    let registry = Registry::parse(
        r#"{ "name": "demo", "block": { "start": 4400, "end": 4449 },
             "groups": [{ "id": "rust", "start": 4410, "end": 4419, "title": "Rust" }],
             "services": [{ "port": 4410, "id": "zero-gateway", "name": "Zero Gateway", "group": "rust",
                            "env": ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"], "config": ["gateway", "zero.gateway"] }] }"#,
    )
    .unwrap();
    let document = serde_json::json!({ "zero": { "gateway": { "port": 5410, "host": "0.0.0.0" } } });
    let resolver = Resolver::new().config_value("c.json", document);
    let written = resolver.resolved_config(&registry).unwrap();
    assert_eq!(written["gateway"], serde_json::json!({ "port": 5410, "host": "0.0.0.0" }));
    assert_eq!(written["zero"]["gateway"]["port"], 5410, "the alias itself is kept");
    let resolver = resolver.env("ZERO_GATEWAY_PORT", "6410");
    assert_eq!(resolver.resolved_config(&registry).unwrap()["gateway"]["port"], 6410);
}

#[test]
fn a_bad_override_or_document_is_the_resolver_s_error() {
    let err = Resolver::new().env("GATEWAY_PORT", "abc").resolved_config(Registry::embedded()).unwrap_err();
    assert!(matches!(&err, ResolveError::Env { var, .. } if var == "GATEWAY_PORT"), "{err}");
    let err = Resolver::new().config_json("c.json", "{ nope").resolved_config(Registry::embedded()).unwrap_err();
    assert!(matches!(err, ResolveError::ConfigSyntax { .. }), "{err}");
    let err = Resolver::new()
        .config_value("c.json", serde_json::json!({ "workflow": 7 }))
        .env("WORKFLOW_PORT", "4413")
        .resolved_config(Registry::embedded())
        .unwrap_err();
    assert_eq!(err.to_string(), "config file c.json: `workflow` is 7, expected an object with `port` and `host`");
}

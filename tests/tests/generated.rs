//! What `#[service]` and `ports!` generate, exercised at run time.

use std::path::PathBuf;

use ports_core::{Registry, ResolveError, Resolver, Service, Source};
use ports_macros::ports;
use ports_tests::{ZeroChannels, ZeroGateway, ZeroWorkflow};

ports! {
    /// The Zero daemon's ports.
    #[derive(Debug)]
    pub struct ZeroPorts {
        gateway: ZeroGateway,
        channels: ZeroChannels,
        workflow: ZeroWorkflow,
        api: "codecoder-api",
    }
}

#[test]
fn consts_come_from_the_registry() {
    assert_eq!(
        (ZeroGateway::ID, ZeroGateway::NAME, ZeroGateway::PORT, ZeroGateway::GROUP),
        ("zero-gateway", "Zero Gateway", 4410, "rust")
    );
    assert_eq!(
        (ZeroGateway::ENV, ZeroGateway::CONFIG, ZeroGateway::HOST),
        (Some("GATEWAY_PORT"), Some("gateway"), "127.0.0.1")
    );
    assert_eq!(
        (ZeroChannels::ID, ZeroChannels::PORT, ZeroChannels::ENV),
        ("zero-channels", 4411, Some("CHANNELS_PORT"))
    );
    assert_eq!((ZeroWorkflow::ID, ZeroWorkflow::CONFIG), ("zero-workflow", Some("workflow.webhook")));
    assert!(std::ptr::eq(ZeroGateway::registry(), Registry::embedded()));
}

#[test]
fn resolve_with_follows_the_precedence() {
    let config = r#"{ "gateway": { "port": 5410, "host": "0.0.0.0" }, "channels": { "port": 5411 } }"#;
    let r = Resolver::new().env("CHANNELS_PORT", "6411").config_json("cc.json", config);
    let gateway = ZeroGateway::resolve_with(&r).unwrap();
    assert_eq!(gateway.to_string(), "0.0.0.0:5410");
    assert_eq!(gateway.source, Source::Config { file: PathBuf::from("cc.json"), key: "gateway.port".into() });
    let channels = ZeroChannels::resolve_with(&r).unwrap();
    assert_eq!(channels.port, 6411);
    assert_eq!(channels.source.to_string(), "CHANNELS_PORT=6411 (env)");
    let workflow = ZeroWorkflow::resolve_with(&r).unwrap();
    assert_eq!((workflow.port, workflow.source), (4412, Source::Default));
}

#[test]
fn ports_struct_resolves_every_field() {
    let ports = ZeroPorts::resolve_with(&Resolver::new().env("WORKFLOW_PORT", "5412")).unwrap();
    assert_eq!(ports.gateway.port, 4410);
    assert_eq!(ports.channels.port, 4411);
    assert_eq!(ports.workflow.to_string(), "127.0.0.1:5412");
    assert_eq!(ports.api.port, 4400);
}

#[test]
fn ports_struct_fails_when_two_fields_collide_naming_both_and_their_sources() {
    let r = Resolver::new().env("GATEWAY_PORT", "5000").config_json("cc.json", r#"{ "channels": { "port": 5000 } }"#);
    let err = ZeroPorts::resolve_with(&r).unwrap_err();
    let ResolveError::Collision { first, second, first_endpoint, second_endpoint } = &err else { panic!("{err}") };
    assert_eq!((first.as_str(), second.as_str()), ("gateway", "channels"));
    assert_eq!(first_endpoint.source.to_string(), "GATEWAY_PORT=5000 (env)");
    assert_eq!(second_endpoint.source.to_string(), "cc.json: channels.port");
    assert_eq!(
        err.to_string(),
        "fields `gateway` and `channels` both resolve to port 5000: `gateway` = 127.0.0.1:5000 from GATEWAY_PORT=5000 (env), `channels` = 127.0.0.1:5000 from cc.json: channels.port"
    );
}

#[test]
fn same_port_on_different_hosts_is_no_collision_but_a_wildcard_is() {
    let config =
        r#"{ "gateway": { "port": 5000, "host": "127.0.0.2" }, "channels": { "port": 5000, "host": "127.0.0.3" } }"#;
    assert!(ZeroPorts::resolve_with(&Resolver::new().config_json("c.json", config)).is_ok());
    let config = r#"{ "gateway": { "port": 5000, "host": "0.0.0.0" }, "channels": { "port": 5000 } }"#;
    assert!(matches!(
        ZeroPorts::resolve_with(&Resolver::new().config_json("c.json", config)),
        Err(ResolveError::Collision { .. })
    ));
}

#[test]
fn an_override_onto_a_registered_port_fails_in_ports_too() {
    let err = ZeroPorts::resolve_with(&Resolver::new().env("GATEWAY_PORT", "4420")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`zero-gateway` is set to port 4420 by GATEWAY_PORT=4420 (env), but the registry gives port 4420 to `mcp-server` (MCP Server (HTTP)); choose a port no other service owns"
    );
}

#[test]
fn bad_overrides_surface_through_ports() {
    let err = ZeroPorts::resolve_with(&Resolver::new().env("WORKFLOW_PORT", "abc")).unwrap_err();
    assert_eq!(
        err,
        ResolveError::Env { var: "WORKFLOW_PORT".into(), value: "abc".into(), service: "zero-workflow".into() }
    );
    let err = ZeroPorts::resolve_with(&Resolver::new().config_json("c.json", "{ nope")).unwrap_err();
    assert!(matches!(err, ResolveError::ConfigSyntax { line: 1, column: 3, .. }), "{err}");
}

#[test]
fn endpoints_bind() {
    // A resolved endpoint is what `TcpListener::bind` takes.
    let r = Resolver::new().env("GATEWAY_PORT", "0");
    assert!(ZeroGateway::resolve_with(&r).is_err(), "0 is not a port");
    let listener = ports_core::lease_test_port_in(
        &Registry::parse(r#"{ "name": "t", "block": { "start": 26500, "end": 26509 }, "groups": [{ "id": "test", "start": 26500, "end": 26509, "title": "t" }] }"#).unwrap(),
        "test",
    )
    .unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let endpoint = ZeroGateway::resolve_with(&Resolver::new().env("GATEWAY_PORT", port.to_string())).unwrap();
    let bound = std::net::TcpListener::bind(&endpoint).unwrap();
    assert_eq!(bound.local_addr().unwrap().port(), port);
}

/// `ZeroPorts::resolve()` and `Service::resolve()` read the real environment: checked in a child
/// process so that no other test sees the variables.
#[test]
fn resolve_reads_the_real_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, r#"{ "workflow": { "webhook": { "port": 5412, "host": "0.0.0.0" } } }"#).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_resolve", "--nocapture"])
        .env("PORTS_CHILD", "1")
        .env("CODECODER_CONFIG", &file)
        .env("GATEWAY_PORT", "5410")
        .env_remove("CHANNELS_PORT")
        .env_remove("WORKFLOW_PORT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("gateway=127.0.0.1:5410 (GATEWAY_PORT=5410 (env))"), "{stdout}");
    assert!(stdout.contains(&format!("workflow=0.0.0.0:5412 ({}: workflow.webhook.port)", file.display())), "{stdout}");
    assert!(stdout.contains("single=127.0.0.1:5410"), "{stdout}");
}

#[test]
fn child_resolve() {
    if std::env::var_os("PORTS_CHILD").is_none() {
        return;
    }
    let ports = ZeroPorts::resolve().unwrap();
    println!("gateway={} ({})", ports.gateway, ports.gateway.source);
    println!("workflow={} ({})", ports.workflow, ports.workflow.source);
    println!("single={}", ZeroGateway::resolve().unwrap());
}

ports! {
    /// No derive written: `ports!` derives `Clone` and `Debug` itself.
    pub struct PlainPorts {
        workflow: ZeroWorkflow,
        api: "codecoder-api",
        gateway: ZeroGateway,
    }
}

#[test]
fn ports_structs_are_clone_and_debug() {
    let ports = PlainPorts::resolve_with(&Resolver::new().env("GATEWAY_PORT", "5410")).unwrap();
    let copy = ports.clone();
    assert_eq!(copy.gateway, ports.gateway);
    let debug = format!("{ports:?}");
    assert!(debug.starts_with("PlainPorts { workflow: Endpoint { "), "{debug}");
    assert!(debug.contains("port: 5410"), "{debug}");
    // A struct that derives `Debug` itself keeps its own (no conflicting impls).
    let zero = ZeroPorts::resolve_with(&Resolver::new()).unwrap();
    assert!(format!("{:?}", zero.clone()).starts_with("ZeroPorts { gateway: "));
}

#[test]
fn endpoints_lists_field_id_and_endpoint_in_declaration_order() {
    let ports = PlainPorts::resolve_with(&Resolver::new().env("WORKFLOW_PORT", "5412")).unwrap();
    let rows: Vec<(&str, &str, String, String)> =
        ports.endpoints().map(|(field, id, e)| (field, id, e.to_string(), e.source.to_string())).collect();
    assert_eq!(
        rows,
        [
            ("workflow", "zero-workflow", "127.0.0.1:5412".to_owned(), "WORKFLOW_PORT=5412 (env)".to_owned()),
            ("api", "codecoder-api", "127.0.0.1:4400".to_owned(), "registry default".to_owned()),
            ("gateway", "zero-gateway", "127.0.0.1:4410".to_owned(), "registry default".to_owned()),
        ]
    );
    // The endpoints are the fields themselves, not copies.
    let (_, _, gateway) = ports.endpoints().last().unwrap();
    assert!(std::ptr::eq(gateway, &ports.gateway));
    assert_eq!(ports.endpoints().len(), 3);
}

//! The axum example served for real: on a tokio lease of a test port, and on the endpoint the
//! resolver gives the gateway (bound by `bind_tokio`), each answering a real HTTP request; a
//! taken port names its holder; the app's serde config agrees with the resolver.

use ports_core::{Resolver, Service};
use ports_tests::ZeroGateway;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "../examples/axum_gateway.rs"]
mod example;

async fn get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn the_gateway_answers_on_a_tokio_lease() {
    runtime().block_on(async {
        let listener = ports_core::lease_test_port_tokio().unwrap();
        let addr = listener.local_addr().unwrap();
        assert!((4441..=4449).contains(&addr.port()), "{addr}");
        let server = tokio::spawn(async move { axum::serve(listener, example::app()).await });
        let response = get(addr, "/health").await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.ends_with("zero-gateway ok"), "{response}");
        server.abort();
    });
}

#[test]
fn the_gateway_binds_its_resolved_endpoint_with_tokio() {
    runtime().block_on(async {
        // A free port of the test group, freed again, then named by GATEWAY_PORT: the resolver
        // moves the gateway there, the app's config agrees, and the endpoint binds itself.
        for _ in 0..20 {
            let port = ports_core::lease_test_port_tokio().unwrap().local_addr().unwrap().port();
            let resolver = Resolver::new().env("GATEWAY_PORT", port.to_string());
            let (config, endpoint) = example::load(&resolver).unwrap();
            assert_eq!(endpoint.source.to_string(), format!("GATEWAY_PORT={port} (env)"));
            assert_eq!((config.gateway.port, config.gateway.host.as_str()), (port, "127.0.0.1"));
            let listener = match endpoint.bind_tokio().await {
                Ok(listener) => listener,
                // Another test leased the port in between: try another.
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) => panic!("{e}"),
            };
            let server = tokio::spawn(async move { axum::serve(listener, example::app()).await });
            let response = get(endpoint.socket_addr().unwrap(), "/health").await.unwrap();
            assert!(response.contains("zero-gateway ok"), "{response}");
            server.abort();
            return;
        }
        panic!("no free test port bound in 20 tries");
    });
}

#[test]
fn a_taken_gateway_port_names_its_holder() {
    runtime().block_on(async {
        // The lease is the holder: this very process.
        let lease = ports_core::lease_test_port_tokio().unwrap();
        let port = lease.local_addr().unwrap().port();
        let endpoint = ZeroGateway::resolve_with(&Resolver::new().env("GATEWAY_PORT", port.to_string())).unwrap();
        let err = endpoint.bind_tokio().await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "cannot bind 127.0.0.1:{port} (zero-gateway, port from GATEWAY_PORT={port} (env)): address in use, held by "
            )),
            "{text}"
        );
        assert!(text.ends_with(&format!("(pid {}, this process)", std::process::id())), "{text}");
        // `?` into an io::Error keeps the kind and the message.
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);
        assert_eq!(io.to_string(), text);
    });
}

#[test]
fn the_app_config_takes_the_config_file_and_the_env_override() {
    let document = serde_json::json!({ "gateway": { "port": 5410, "host": "0.0.0.0" } });
    let resolver = Resolver::new().config_value("~/.codecoder/config.json", document);
    let (config, endpoint) = example::load(&resolver).unwrap();
    assert_eq!((config.gateway.port, config.gateway.host.as_str()), (5410, "0.0.0.0"));
    assert_eq!(endpoint.host_source.to_string(), "~/.codecoder/config.json: gateway.host");
    let (config, endpoint) = example::load(&resolver.env("GATEWAY_PORT", "6410")).unwrap();
    assert_eq!((config.gateway.port, endpoint.port), (6410, 6410));
}

#[test]
fn a_tokio_lease_outside_a_runtime_is_an_error_not_a_panic() {
    let err = ports_core::lease_test_port_tokio().unwrap_err();
    assert!(err.to_string().contains("needs a running tokio runtime"), "{err}");
}

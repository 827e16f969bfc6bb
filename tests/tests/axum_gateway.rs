//! The axum example served for real: on a tokio lease of a test port, and on the endpoint the
//! resolver gives the gateway, each answering a real HTTP request.

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
        // moves the gateway there and tokio binds `socket_addr()`.
        let port = ports_core::lease_test_port_tokio().unwrap().local_addr().unwrap().port();
        let endpoint = ZeroGateway::resolve_with(&Resolver::new().env("GATEWAY_PORT", port.to_string())).unwrap();
        assert_eq!(endpoint.source.to_string(), format!("GATEWAY_PORT={port} (env)"));
        let listener = tokio::net::TcpListener::bind(endpoint.socket_addr().unwrap()).await.unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, example::app()).await });
        let response = get(endpoint.socket_addr().unwrap(), "/health").await.unwrap();
        assert!(response.contains("zero-gateway ok"), "{response}");
        server.abort();
    });
}

#[test]
fn a_tokio_lease_outside_a_runtime_is_an_error_not_a_panic() {
    let err = ports_core::lease_test_port_tokio().unwrap_err();
    assert!(err.to_string().contains("needs a running tokio runtime"), "{err}");
}

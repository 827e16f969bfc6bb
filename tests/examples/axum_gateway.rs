//! The Zero Gateway as an axum service: its endpoint resolved from the registry (env var, then
//! config file, then the registry's 4410) and bound with tokio.
//!
//! ```sh
//! cargo run -p ports-tests --example axum_gateway            # 127.0.0.1:4410
//! GATEWAY_PORT=5410 cargo run -p ports-tests --example axum_gateway
//! ```

use axum::routing::get;
use axum::Router;
use ports_core::Service;
use ports_tests::ZeroGateway;

/// The gateway's routes (the test serves them on a leased port).
pub fn app() -> Router {
    Router::new().route("/health", get(|| async { "zero-gateway ok" }))
}

#[allow(dead_code)] // the test includes this file for `app` only
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let endpoint = ZeroGateway::resolve()?;
        // tokio's bind takes a SocketAddr: `socket_addr` resolves the endpoint's host.
        let listener = tokio::net::TcpListener::bind(endpoint.socket_addr()?).await?;
        println!("{} listening on {endpoint} ({})", ZeroGateway::ID, endpoint.source);
        axum::serve(listener, app()).await?;
        Ok(())
    })
}

//! The Zero Gateway as an axum service: its config parsed into its own serde `Config` with every
//! env override written in (so the `Config` and the resolver agree), its endpoint resolved from
//! the registry (env var, then config file, then the registry's 4410) and bound with tokio — a
//! port already taken names its holder.
//!
//! ```sh
//! cargo run -p ports-tests --example axum_gateway            # 127.0.0.1:4410
//! GATEWAY_PORT=5410 cargo run -p ports-tests --example axum_gateway
//! ```

use axum::routing::get;
use axum::Router;
use ports_core::{Endpoint, Resolver, Service};
use ports_tests::ZeroGateway;
use serde::Deserialize;

/// zero-common's config (`~/.codecoder/config.json`): the registry gives the defaults.
#[derive(Deserialize, Default)]
pub struct Config {
    /// The gateway's section.
    #[serde(default)]
    pub gateway: GatewayConfig,
}

/// `"gateway": { "port": ..., "host": ... }`.
#[derive(Deserialize)]
pub struct GatewayConfig {
    /// Its port (serde takes a function path: `port_of`).
    #[serde(default = "ports_core::port_of::<ZeroGateway>")]
    pub port: u16,
    /// Its host.
    #[serde(default = "ports_core::host_of::<ZeroGateway>")]
    pub host: String,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig { port: ports_core::port_of::<ZeroGateway>(), host: ports_core::host_of::<ZeroGateway>() }
    }
}

/// The gateway's routes (the test serves them on a leased port).
pub fn app() -> Router {
    Router::new().route("/health", get(|| async { "zero-gateway ok" }))
}

/// The app's config and the gateway's endpoint, from one resolver: the config file with the env
/// overrides written in, then deserialized — so `config.gateway.port` is the port bound.
pub fn load(resolver: &Resolver) -> Result<(Config, Endpoint), Box<dyn std::error::Error>> {
    let config: Config = serde_json::from_value(resolver.resolved_config(ZeroGateway::registry())?)?;
    let endpoint = ZeroGateway::resolve_with(resolver)?;
    Ok((config, endpoint))
}

#[allow(dead_code)] // the test includes this file for `app` and `load` only
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let (config, endpoint) = load(&Resolver::from_env())?;
        // A taken port fails naming its holder: "cannot bind 127.0.0.1:4410 (zero-gateway,
        // registry default): address in use, held by redis-server (pid 4242)".
        let listener = endpoint.bind_tokio().await?;
        println!(
            "{} listening on {endpoint} (port: {}; config says {})",
            ZeroGateway::ID,
            endpoint.source,
            config.gateway.port
        );
        axum::serve(listener, app()).await?;
        Ok(())
    })
}

//! The Zero daemon's ports: three annotated services and the API server, gathered by `ports!`,
//! resolved under the real environment and printed as a table.
//!
//! Try: `GATEWAY_PORT=5410 cargo run --example zero`, or point `CODECODER_CONFIG` at a file.

use ports_macros::ports;
use ports_tests::{ZeroChannels, ZeroGateway, ZeroWorkflow};

ports! {
    /// Everything the Zero daemon binds or calls.
    pub struct ZeroPorts {
        gateway: ZeroGateway,
        channels: ZeroChannels,
        workflow: ZeroWorkflow,
        api: "codecoder-api",
    }
}

fn main() -> std::process::ExitCode {
    let ports = match ZeroPorts::resolve() {
        Ok(ports) => ports,
        Err(error) => {
            eprintln!("error: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rows = [
        ("gateway", &ports.gateway),
        ("channels", &ports.channels),
        ("workflow", &ports.workflow),
        ("api", &ports.api),
    ];
    println!("{:<10} {:<22} source", "field", "endpoint");
    for (field, endpoint) in rows {
        println!("{field:<10} {:<22} {}", endpoint.to_string(), endpoint.source);
    }
    std::process::ExitCode::SUCCESS
}

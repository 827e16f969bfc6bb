// A documented `ports!` struct with visibility, field docs and attributes, under deny(warnings).
#![deny(warnings, missing_docs)]
//! Crate docs.

mod services {
    /// The gateway.
    #[ports_macros::service(port = 4410, group = "rust")]
    pub struct ZeroGateway;

    /// The channels.
    #[ports_macros::service(port = 4411, group = "rust")]
    pub struct ZeroChannels;
}

ports_macros::ports! {
    /// Everything the Zero daemon binds or calls.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ZeroPorts {
        /// Where the gateway listens.
        gateway: services::ZeroGateway,
        channels: crate::services::ZeroChannels,
        pub(crate) api: "codecoder-api",
        workflow: "zero-workflow",
    }
}

fn main() {
    let resolver = ports_core::Resolver::new().env("GATEWAY_PORT", "5410");
    let ports = ZeroPorts::resolve_with(&resolver).unwrap();
    assert_eq!(ports.gateway.to_string(), "127.0.0.1:5410");
    assert_eq!(ports.channels.port, 4411);
    assert_eq!(ports.api.port, 4400);
    assert_eq!(ports.workflow.port, 4412);
    assert_eq!(ports.clone(), ports);
}

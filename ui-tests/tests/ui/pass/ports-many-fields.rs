// Pairs of typed fields are checked in one const table, whatever their number.
#![deny(warnings)]

mod zero {
    #[ports_macros::service(port = 4410, group = "rust")]
    pub struct ZeroGateway;
    #[ports_macros::service(port = 4411, group = "rust")]
    pub struct ZeroChannels;
    #[ports_macros::service(port = 4412, group = "rust")]
    pub struct ZeroWorkflow;
}

ports_macros::ports! {
    struct Ports {
        gateway: zero::ZeroGateway,
        channels: zero::ZeroChannels,
        workflow: zero::ZeroWorkflow,
        api: "codecoder-api",
        web: "web-frontend",
    }
}

fn main() {
    let ports = Ports::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!([ports.gateway.port, ports.channels.port, ports.workflow.port, ports.api.port, ports.web.port], [4410, 4411, 4412, 4400, 4401]);
}

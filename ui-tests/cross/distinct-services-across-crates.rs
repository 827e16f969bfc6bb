#![deny(warnings)]
use ports_core::Service;

ports_macros::ports! {
    struct Ports {
        gateway: ports_tests::ZeroGateway,
        channels: ports_ui_other::ZeroChannels,
    }
}

fn main() {
    // Each type keeps the registry its crate was checked against.
    assert_eq!(ports_ui_other::LegacyGateway::registry().name, "Legacy");
    assert_eq!(ports_tests::ZeroGateway::registry().name, "CodeCoder");
    let ports = Ports::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!((ports.gateway.port, ports.channels.port), (4410, 4411));
}

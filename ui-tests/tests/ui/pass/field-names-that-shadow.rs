// Field names that match the generated code's own locals do not break it.
#![deny(warnings)]
#![allow(dead_code)]

#[ports_macros::service(port = 4410, group = "rust")]
struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        resolver: ZeroGateway,
        registry: "codecoder-api",
        a_port: "zero-channels",
        b_port: "zero-workflow",
    }
}

ports_macros::ports! {
    /// No fields at all.
    struct Nothing {}
}

fn main() {
    let ports = Ports::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!((ports.resolver.port, ports.registry.port, ports.a_port.port, ports.b_port.port), (4410, 4400, 4411, 4412));
    let _ = Nothing::resolve_with(&ports_core::Resolver::new()).unwrap();
}

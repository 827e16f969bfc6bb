// `#[cfg]` on a field applies to everything generated for it; fields named like the prelude's
// variants (`Ok`, `Err`, `Some`, `None`) are plain fields.
#![deny(warnings)]
#![allow(non_snake_case, dead_code)]

#[ports_macros::service(port = 4410, group = "rust")]
struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        #[cfg(any())]
        never: ZeroGateway,
        #[cfg(all())]
        api: "codecoder-api",
        Ok: "zero-channels",
        Err: "zero-workflow",
        Some: "web-frontend",
        None: "mcp-server",
    }
}

fn main() {
    let ports = Ports::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!(ports.gateway.port, 4410);
    assert_eq!(ports.api.port, 4400);
    assert_eq!((ports.Ok.port, ports.Err.port, ports.Some.port, ports.None.port), (4411, 4412, 4401, 4420));
}

// `crate = "..."` names ports_core through another path, as `#[serde(crate = "...")]` does.
#![deny(warnings)]

mod reexport {
    pub use ports_core as ports;
}

#[ports_macros::service(port = 4410, group = "rust", crate = "crate::reexport::ports")]
pub struct ZeroGateway;

ports_macros::ports! {
    crate = crate::reexport::ports;
    pub struct Ports {
        gateway: ZeroGateway,
        api: "codecoder-api",
    }
}

fn main() {
    use reexport::ports::Service;
    assert_eq!(ZeroGateway::PORT, 4410);
    let ports = Ports::resolve_with(&reexport::ports::Resolver::new()).unwrap();
    assert_eq!(ports.api.port, 4400);
}

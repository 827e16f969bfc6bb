#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        also_gateway: "zero-gateway",
    }
}

fn main() {}

#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        admin: ZeroGateway,
    }
}

fn main() {}

const GATEWAY: u16 = 4410;

#[ports_macros::service(port = GATEWAY, group = "rust")]
pub struct ZeroGateway;

fn main() {}

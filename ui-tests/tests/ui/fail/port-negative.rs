#[ports_macros::service(port = -4410, group = "rust")]
pub struct ZeroGateway;

fn main() {}

#[ports_macros::service(port, group = "rust")]
pub struct ZeroGateway;

fn main() {}

#[ports_macros::service(port = 0, group = "rust")]
pub struct ZeroGateway;

fn main() {}

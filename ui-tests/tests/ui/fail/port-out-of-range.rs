#[ports_macros::service(port = 70000, group = "rust")]
pub struct ZeroGateway;

fn main() {}

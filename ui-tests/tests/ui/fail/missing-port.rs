#[ports_macros::service(group = "rust")]
pub struct ZeroGateway;

fn main() {}

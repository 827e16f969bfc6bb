#[ports_macros::service(port = 8080, group = "rust")]
pub struct ZeroGateway;

fn main() {}

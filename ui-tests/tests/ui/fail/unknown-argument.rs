#[ports_macros::service(port = 4410, group = "rust", protocol = "http")]
pub struct ZeroGateway;

fn main() {}

#[ports_macros::service(port = 4410, group = "rust", crate = "not a path")]
pub struct ZeroGateway;

fn main() {}

#[ports_macros::service(port = 4410, group = "rust", port = 4411)]
pub struct ZeroGateway;

fn main() {}

#[ports_macros::service(port = 4410)]
pub struct ZeroGateway;

fn main() {}

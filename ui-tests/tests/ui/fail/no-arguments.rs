#[ports_macros::service]
pub struct ZeroGateway;

fn main() {}

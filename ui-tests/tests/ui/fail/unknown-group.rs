#[ports_macros::service(port = 4410, group = "database")]
pub struct ZeroGateway;

fn main() {}

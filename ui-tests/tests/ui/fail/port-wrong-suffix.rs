#[ports_macros::service(port = 4410u8, group = "rust")]
pub struct ZeroGateway;

fn main() {}

// PORTS_REGISTRY names a file that does not exist.
#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

fn main() {}

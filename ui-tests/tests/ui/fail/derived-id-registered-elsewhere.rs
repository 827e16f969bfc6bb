// `ZeroGateway` is `zero-gateway`, registered on 4410.
#[ports_macros::service(port = 4411, group = "rust")]
pub struct ZeroGateway;

fn main() {}

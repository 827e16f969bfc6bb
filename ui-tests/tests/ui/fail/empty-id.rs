// An empty id is one error, on the id.
#[ports_macros::service(port = 4410, group = "rust", id = "")]
pub struct ZeroGateway;

fn main() {}

// A string literal with a suffix is not a group id.
#[ports_macros::service(port = 4410, group = "rust"sfx)]
pub struct ZeroGateway;

fn main() {}

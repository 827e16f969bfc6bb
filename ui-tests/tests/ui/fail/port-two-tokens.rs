// A port written as two tokens (a space before its suffix) is one bad value, not a missing comma.
#[ports_macros::service(port = 4410 u16, group = "rust")]
pub struct ZeroGateway;

fn main() {}

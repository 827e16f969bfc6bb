// A suffix other than `u16` on an in-range port: the suffix is named as the problem, with the
// two spellings that are accepted.
#[ports_macros::service(port = 4410i32, group = "rust")]
pub struct ZeroGateway;

fn main() {}

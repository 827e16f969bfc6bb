// `ZeroGateway` is `zero-gateway`, registered as 4410 in `rust`: one error that says both
// fixes at once, not "write port = 4410" and then, after that fix, "4410 is outside the group".
#[ports_macros::service(port = 4430, group = "integration")]
pub struct ZeroGateway;

fn main() {}

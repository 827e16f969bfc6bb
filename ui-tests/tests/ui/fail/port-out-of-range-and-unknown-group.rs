// The port and the group are checked independently: both are reported.
#[ports_macros::service(port = 70000, group = "rusty")]
pub struct ZeroScheduler;

fn main() {}

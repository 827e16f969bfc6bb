#[ports_macros::service(port = 4410, group = "database")]
pub struct ZeroScheduler;

fn main() {}

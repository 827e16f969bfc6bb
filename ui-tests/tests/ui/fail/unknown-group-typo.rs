#[ports_macros::service(port = 4410, group = "rsut")]
pub struct ZeroScheduler;

fn main() {}

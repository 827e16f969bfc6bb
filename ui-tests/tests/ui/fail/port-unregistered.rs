// 4413 is free in the rust group, but no service is registered on it.
#[ports_macros::service(port = 4413, group = "rust")]
pub struct ZeroScheduler;

fn main() {}

#[ports_macros::service(port = 8080, group = "rust")] // a new service, not the gateway
pub struct ZeroScheduler;

fn main() {}

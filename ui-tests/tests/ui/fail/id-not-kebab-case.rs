#[ports_macros::service(port = 4410, group = "rust", id = "Zero_Gateway")]
pub struct Gateway;

fn main() {}

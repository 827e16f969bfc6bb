#[ports_macros::service(port = 4413, group = "rust", id = "zero-gateway")]
pub struct Gateway;

fn main() {}

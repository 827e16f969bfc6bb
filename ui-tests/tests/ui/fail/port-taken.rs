use ports_macros::service;

#[service(port = 4410, group = "rust")]
pub struct MyGateway;

fn main() {}

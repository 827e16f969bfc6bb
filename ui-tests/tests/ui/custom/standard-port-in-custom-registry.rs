// 4410 is the standard's gateway, but this crate is checked against custom.json.
#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

#[ports_macros::service(port = 7001, group = "web")]
pub struct Checkout;

fn main() {}

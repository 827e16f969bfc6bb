#[ports_macros::service(port = 7000, group = "web")]
pub struct Storefront;

fn main() {}

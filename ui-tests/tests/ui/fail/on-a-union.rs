#[ports_macros::service(port = 4410, group = "rust")]
pub union ZeroGateway {
    a: u32,
}

fn main() {}

// Three problems in one attribute: all three are reported, each on its own token.
#[ports_macros::service(port = 4420, group = "rust", id = "Gateway", prot = 1)]
pub struct ZeroGateway;

fn main() {}

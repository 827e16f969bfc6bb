// 4420 is the protocol group's; the rust group is 4410-4419.
#[ports_macros::service(port = 4420, group = "rust")]
pub struct McpProxy;

fn main() {}

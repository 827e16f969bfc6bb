// The id is the gateway's, the port the channels': the error gives the gateway's own port.
#[ports_macros::service(id = "zero-gateway", port = 4411, group = "rust")]
pub struct Gateway;

fn main() {}

// The attribute is wrong; the code that uses the type compiles against a stub, so the only
// error is the attribute's (no "no associated item `PORT`", no "trait bound not satisfied").
use ports_core::Service;

#[ports_macros::service(port = 4413, group = "rust")]
pub struct ZeroGatway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGatway,
        api: "codecoder-api",
    }
}

fn main() {
    let _ = ZeroGatway::PORT;
    let _ = ZeroGatway::resolve();
    let _ = Ports::resolve();
}

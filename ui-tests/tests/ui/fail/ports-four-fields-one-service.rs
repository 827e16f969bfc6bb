// Four fields of one service: one error for each field that repeats the first, naming it.
#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        admin: ZeroGateway,
        public: ZeroGateway,
        internal: ZeroGateway,
    }
}

fn main() {}

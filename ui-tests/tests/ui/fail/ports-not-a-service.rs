// A field type that is not a #[service] type: one error, on the type, that says what a field
// must be (beside another, valid field, so the const table of pairs is generated too).
#[ports_macros::service(port = 4410, group = "rust")]
pub struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        db: String,
    }
}

fn main() {}

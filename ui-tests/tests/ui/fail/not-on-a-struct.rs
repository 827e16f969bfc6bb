#[ports_macros::service(port = 4410, group = "rust")]
fn gateway() {}

fn main() {
    gateway();
}

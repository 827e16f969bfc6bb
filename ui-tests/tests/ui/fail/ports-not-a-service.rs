ports_macros::ports! {
    struct Ports {
        db: String,
    }
}

fn main() {}

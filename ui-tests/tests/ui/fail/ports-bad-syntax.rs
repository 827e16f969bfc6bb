ports_macros::ports! {
    struct Ports {
        gateway,
    }
}

fn main() {}

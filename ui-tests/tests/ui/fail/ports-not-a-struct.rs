ports_macros::ports! {
    enum Ports {
        Gateway,
    }
}

fn main() {}

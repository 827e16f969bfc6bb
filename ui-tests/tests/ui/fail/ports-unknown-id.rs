ports_macros::ports! {
    struct Ports {
        api: "codecoder-apii",
    }
}

fn main() {}

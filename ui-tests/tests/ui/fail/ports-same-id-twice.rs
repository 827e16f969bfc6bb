ports_macros::ports! {
    struct Ports {
        api: "codecoder-api",
        backend: "codecoder-api",
    }
}

fn main() {}

// A missing comma between fields is one error, after the field that lacks it.
ports_macros::ports! {
    struct Ports {
        api: "codecoder-api"
        web: "web-frontend",
    }
}

fn main() {}

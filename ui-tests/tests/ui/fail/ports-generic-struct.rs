// A ports! struct has Endpoint fields only: generics are refused with one error.
ports_macros::ports! {
    struct Ports<T> where T: Clone {
        api: "codecoder-api",
    }
}

fn main() {}

// A ports! struct has Endpoint fields only: generics are refused with one error, whether they
// are parameters, a where clause, or both.
ports_macros::ports! {
    struct Ports<T> where T: Clone {
        api: "codecoder-api",
    }
}

ports_macros::ports! {
    struct Params<T> {
        api: "codecoder-api",
    }
}

ports_macros::ports! {
    struct Bounds where u8: Clone {
        api: "codecoder-api",
    }
}

fn main() {}

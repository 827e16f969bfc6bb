// `crate = path;` names where ports_core is; a misspelled key is not taken for it.
ports_macros::ports! {
    krate = ::ports_core;
    pub struct Ports {
        api: "codecoder-api",
    }
}

fn main() {}

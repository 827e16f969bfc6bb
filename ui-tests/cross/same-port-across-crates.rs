// `ports_ui_other` is checked against its own ports.json, where 4410 is `legacy-gateway`;
// here 4410 is the standard's `zero-gateway`. Each crate is right on its own; together, in one
// process, they collide, and const evaluation of `<T as Service>::PORT` says so.
ports_macros::ports! {
    struct Ports {
        gateway: ports_tests::ZeroGateway,
        legacy: ports_ui_other::LegacyGateway,
    }
}

fn main() {}

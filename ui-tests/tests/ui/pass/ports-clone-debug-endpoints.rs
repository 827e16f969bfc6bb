// A `ports!` struct is `Clone` and `Debug` without asking, and `endpoints()` lists every field as
// (field, service id, endpoint) in declaration order, fields under a false `#[cfg]` left out.
// A struct that derives `Debug` itself (as before `ports!` did) still compiles.
#![deny(warnings)]

#[ports_macros::service(port = 4410, group = "rust")]
struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        #[cfg(any())]
        never: "mcp-server",
        api: "codecoder-api",
    }
}

ports_macros::ports! {
    #[derive(Debug, PartialEq)]
    struct Derived {
        gateway: ZeroGateway,
    }
}

ports_macros::ports! {
    struct Empty {}
}

fn main() {
    let ports = Ports::resolve_with(&ports_core::Resolver::new().env("GATEWAY_PORT", "5410")).unwrap();
    let copy = ports.clone();
    let rows: Vec<(&str, &str, String)> = copy.endpoints().map(|(f, id, e)| (f, id, e.to_string())).collect();
    assert_eq!(
        rows,
        [("gateway", "zero-gateway", "127.0.0.1:5410".to_owned()), ("api", "codecoder-api", "127.0.0.1:4400".to_owned())]
    );
    assert_eq!(ports.endpoints().len(), 2);
    let debug = format!("{ports:?}");
    assert!(debug.starts_with("Ports { gateway: Endpoint {"), "{debug}");
    assert!(debug.contains("api: Endpoint {"), "{debug}");

    let derived = Derived::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!(derived.clone(), derived);
    assert!(format!("{derived:?}").starts_with("Derived { gateway: "));

    let empty = Empty::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!(empty.endpoints().count(), 0);
    assert_eq!(format!("{:?}", empty.clone()), "Empty");
}

//! Cases checked against `registries/malformed.json`, named by `PORTS_REGISTRY`. One test per
//! binary: the variable is set for this process (and the cargo that trybuild runs) only.

#[test]
fn malformed_registry() {
    let registry = concat!(env!("CARGO_MANIFEST_DIR"), "/registries/malformed.json");
    std::env::set_var("PORTS_REGISTRY", registry);
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/malformed/*.rs");
}

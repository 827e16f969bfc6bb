//! Cases checked against `registries/custom.json`, named by `PORTS_REGISTRY`. One test per
//! binary: the variable is set for this process (and the cargo that trybuild runs) only.

#[test]
fn custom_registry() {
    let registry = concat!(env!("CARGO_MANIFEST_DIR"), "/registries/custom.json");
    std::env::set_var("PORTS_REGISTRY", registry);
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/custom/custom-registry.rs");
    t.compile_fail("tests/ui/custom/standard-port-in-custom-registry.rs");
}

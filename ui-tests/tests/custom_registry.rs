//! Cases in `tests/ui/custom/`, checked against `registries/custom.json` (PORTS_REGISTRY).

mod support;

#[test]
fn custom_registry() {
    support::run_against_registry("custom", &["custom-registry.rs"]);
}

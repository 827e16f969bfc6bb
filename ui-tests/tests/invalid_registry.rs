//! Cases in `tests/ui/invalid/`, checked against `registries/invalid.json` (PORTS_REGISTRY).

mod support;

#[test]
fn invalid_registry() {
    support::run_against_registry("invalid", &[]);
}

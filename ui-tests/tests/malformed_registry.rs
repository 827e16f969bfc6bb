//! Cases in `tests/ui/malformed/`, checked against `registries/malformed.json` (PORTS_REGISTRY).

mod support;

#[test]
fn malformed_registry() {
    support::run_against_registry("malformed", &[]);
}

//! Cases in `tests/ui/missing/`, checked against `registries/missing.json` (PORTS_REGISTRY).

mod support;

#[test]
fn missing_registry() {
    support::run_against_registry("missing", &[]);
}

//! `ports!` over types from two crates checked against different registries (trybuild cases in
//! `ui-tests/cross/`). Runs here because the cases need `ports_tests` and `ports_ui_other`.

#[test]
fn cross_crate() {
    let t = trybuild::TestCases::new();
    t.pass("../ui-tests/cross/distinct-services-across-crates.rs");
    t.compile_fail("../ui-tests/cross/same-*-across-crates.rs");
}

//! Compile-fail cases against the embedded registry, and compile-pass cases for every item
//! shape. Each `.stderr` is reviewed by hand before it is committed.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

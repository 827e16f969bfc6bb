//! `ports doc --check`'s reading of a markdown document: never a panic on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../ports-cli/src/doctable.rs"]
#[allow(dead_code)]
mod doctable;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let registry = ports_core::Registry::embedded();
    let _ = doctable::drift(registry, &text);
});

//! `ports doc --check`'s reading of a markdown document: never a panic on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let registry = ports_core::Registry::embedded();
    let _ = ports_cli::doctable::drift(registry, &text);
});

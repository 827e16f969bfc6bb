//! Registry text → parse → validate → canonical JSON → parse again: never a panic, and a valid
//! registry survives the round trip unchanged. Text of the wrong shape: every problem listed,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ports_core::Registry;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = ports_core::decode(data.to_vec()) else { return };
    if let Err(error) = Registry::parse(&text) {
        let _ = error.to_string();
    }
    let Ok(registry) = Registry::parse_unvalidated(&text) else { return };
    let problems = registry.problems();
    let _ = registry.validate().map_err(|e| e.to_string());
    if problems.is_empty() {
        let again = Registry::parse(&registry.to_json_pretty().expect("the model always serializes")).expect("a valid registry round-trips");
        assert_eq!(again, registry);
        for group in &registry.groups {
            let _ = registry.next_free(&group.id);
        }
    }
});

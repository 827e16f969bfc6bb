//! Arbitrary claims (id, port, group) and allocations against the embedded registry: never a
//! panic, and a granted claim is exactly the registered entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ports_core::{Claim, Registry};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let port = u16::from_le_bytes([data[0], data[1]]);
    let text = String::from_utf8_lossy(&data[2..]);
    let (id, group) = text.split_once('\n').unwrap_or((&text, "rust"));
    let registry = Registry::embedded();
    let claim = Claim { id, port, group, name: "Fuzz" };
    match registry.check_claim(&claim) {
        Ok(entry) => assert!(entry.id == id && entry.port == port && entry.group == group),
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in errors {
                let _ = error.to_string();
                let _ = error.field();
            }
        }
    }
    let _ = registry.allocate(id, group, Some(port)).map_err(|e| e.to_string());
});

//! Helpers for generated code. Not public API.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

pub use crate::model::Registry;
pub use crate::resolve::{Endpoint, ResolveError, Resolver};
pub use crate::service::Service;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};

/// The registry parsed from a file that a crate embedded with `include_bytes!`, parsed once per
/// process and content (the macros validated the same bytes at compile time).
#[must_use]
pub fn registry_from_source(text: &'static [u8]) -> &'static Registry {
    static CACHE: OnceLock<Mutex<HashMap<&'static [u8], &'static Registry>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    cache.entry(text).or_insert_with(|| {
        // The text was validated at compile time; should it have changed between the check and
        // the `include_bytes!`, fall back to an empty registry rather than abort the program.
        let registry =
            std::str::from_utf8(text).ok().and_then(|t| Registry::parse(t).ok()).unwrap_or_else(|| Registry {
                schema: None,
                name: String::new(),
                block: crate::model::Block { start: 1, end: 1 },
                groups: Vec::new(),
                services: Vec::new(),
            });
        Box::leak(Box::new(registry))
    })
}

/// `a == b` in a const context.
#[must_use]
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Fails when two fields of a `ports!` struct resolved to the same endpoint.
///
/// # Errors
///
/// [`ResolveError::Collision`] naming both fields.
pub fn check_collisions(fields: &[(&str, &Endpoint)]) -> Result<(), ResolveError> {
    for (i, (first, a)) in fields.iter().enumerate() {
        for (second, b) in &fields[i + 1..] {
            if a.port == b.port && hosts_overlap(&a.host, &b.host) {
                return Err(ResolveError::Collision {
                    first: (*first).to_owned(),
                    first_endpoint: (*a).clone(),
                    second: (*second).to_owned(),
                    second_endpoint: (*b).clone(),
                });
            }
        }
    }
    Ok(())
}

fn hosts_overlap(a: &str, b: &str) -> bool {
    let wildcard = |h: &str| matches!(h, "0.0.0.0" | "::" | "[::]" | "");
    a == b || wildcard(a) || wildcard(b)
}

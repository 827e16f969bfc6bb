//! Helpers for generated code. Not public API.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

pub use crate::model::Registry;
pub use crate::resolve::{Endpoint, ResolveError, Resolver};
pub use crate::service::Service;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};

/// The registry parsed from a file that a crate embedded with `include_bytes!`, parsed once per
/// process and embedded copy (the macros validated the same bytes at compile time). Keyed by
/// address: the services of one crate share one allocation, and a lookup does not hash the file.
#[must_use]
pub fn registry_from_source(text: &'static [u8]) -> &'static Registry {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), &'static Registry>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    cache.entry((text.as_ptr() as usize, text.len())).or_insert_with(|| {
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

/// Fails when two fields of a `ports!` struct resolved to colliding endpoints
/// ([`Endpoint::collides_with`], the one rule), naming the first pair.
///
/// # Errors
///
/// [`ResolveError::Collision`] naming both fields.
pub fn check_collisions(fields: &[(&str, &Endpoint)]) -> Result<(), ResolveError> {
    match crate::resolve::collisions(fields.iter().map(|(_, e)| *e)).first() {
        None => Ok(()),
        Some(&(i, j)) => Err(ResolveError::Collision {
            first: fields[i].0.to_owned(),
            first_endpoint: Box::new(fields[i].1.clone()),
            second: fields[j].0.to_owned(),
            second_endpoint: Box::new(fields[j].1.clone()),
        }),
    }
}

/// One field of a `ports!` struct, as the compile-time check sees it.
#[derive(Clone, Copy)]
pub struct FieldClaim {
    /// The field's name.
    pub field: &'static str,
    /// The type or registry id as written.
    pub what: &'static str,
    /// The service id.
    pub id: &'static str,
    /// The service's registered port.
    pub port: u16,
    /// A registry id written as a string (pairs of those are checked by the macro itself).
    pub by_id: bool,
    /// The type's `#[service]` failed: its error is reported there, not again here.
    pub stub: bool,
}

/// The compile-time check of field `k` of a `ports!` struct against the fields before it: the
/// same service, or the same registered port, is a panic — which, in the `const` item the macro
/// emits for the field, is how const evaluation reports the error, at that field. One loop per
/// field, in one table: a struct of 300 fields checks in one pass of the const evaluator.
///
/// # Panics
///
/// That is its purpose: at compile time, naming both fields.
#[track_caller]
pub const fn check_field(fields: &[FieldClaim], struct_name: &str, k: usize) {
    let this = &fields[k];
    if this.stub {
        return;
    }
    let mut j = 0;
    while j < k {
        let other = &fields[j];
        j += 1;
        if other.stub || (other.by_id && this.by_id) {
            continue;
        }
        let same = str_eq(other.id, this.id);
        if same || other.port == this.port {
            let msg = Message::new()
                .push("ports!: fields `")
                .push(other.field)
                .push("` (")
                .push(other.what)
                .push(") and `")
                .push(this.field)
                .push("` (")
                .push(this.what)
                .push(") of `")
                .push(struct_name);
            let msg = if same {
                msg.push("` are the same service `").push(this.id).push("`; keep one of them")
            } else {
                msg.push("` use the same port; each service of a process needs its own port")
            };
            panic!("{}", msg.as_str());
        }
    }
}

/// A message built at compile time (const evaluation cannot format).
pub struct Message {
    buf: [u8; 1024],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Message { buf: [0; 1024], len: 0 }
    }

    const fn push(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut end = bytes.len();
        if end > self.buf.len() - self.len {
            end = self.buf.len() - self.len;
            // Cut on a character boundary.
            while end > 0 && end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
                end -= 1;
            }
        }
        let mut i = 0;
        while i < end {
            self.buf[self.len + i] = bytes[i];
            i += 1;
        }
        self.len += end;
        self
    }

    const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.buf.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "ports!: two fields clash",
        }
    }
}

/// Every const of a `#[service]` impl in one item.
#[derive(Clone, Copy)]
pub struct Info {
    /// `Service::ID`.
    pub id: &'static str,
    /// `Service::NAME`.
    pub name: &'static str,
    /// `Service::PORT`.
    pub port: u16,
    /// `Service::GROUP`.
    pub group: &'static str,
    /// `Service::ENV`.
    pub env: Option<&'static str>,
    /// `Service::CONFIG`.
    pub config: Option<&'static str>,
    /// The registry file the type was checked against, when not the embedded one.
    pub source: Option<&'static [u8]>,
}

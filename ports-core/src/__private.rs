//! Helpers for generated code. Not public API.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

pub use crate::model::Registry;
pub use crate::resolve::{Endpoint, ResolveError, Resolver};
pub use crate::service::Service;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};

/// The registry parsed from a file that a crate embedded with `include_bytes!`, parsed once per
/// process and embedded copy (the macros validated the same file at compile time). Keyed by
/// address: the services of one crate share one allocation, and a lookup does not hash the file.
///
/// # Errors
///
/// [`ResolveError::EmbeddedRegistry`] when the copy does not parse: the file changed between the
/// macros' check and rustc's `include_bytes!` (an edit during the build). Never a fallback.
pub fn registry_from_source(text: &'static [u8]) -> Result<&'static Registry, ResolveError> {
    type Parsed = Result<&'static Registry, ResolveError>;
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), Parsed>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .entry((text.as_ptr() as usize, text.len()))
        .or_insert_with(|| {
            let text = std::str::from_utf8(text)
                .map_err(|e| crate::RegistryError::Encoding { path: None, offset: e.valid_up_to() }.to_string());
            match text.and_then(|t| Registry::parse(t).map_err(|e| e.to_string())) {
                Ok(registry) => Ok(&*Box::leak(Box::new(registry))),
                Err(message) => Err(ResolveError::EmbeddedRegistry { message }),
            }
        })
        .clone()
}

/// The registry a [`Service`] was checked against, for resolving it: the copy that `#[service]`
/// embedded, else [`Service::registry`] (the embedded standard, or a hand-written impl's own).
///
/// # Errors
///
/// As [`registry_from_source`].
pub fn registry_of<S: Service + ?Sized>() -> Result<&'static Registry, ResolveError> {
    match S::__INFO.source {
        Some(bytes) => registry_from_source(bytes),
        None => Ok(S::registry()),
    }
}

/// [`registry_from_source`] for [`Service::registry`], which cannot return an error.
///
/// # Panics
///
/// When the copy does not parse, with [`ResolveError::EmbeddedRegistry`]'s message: only after
/// the registry file changed during the build (resolving reports the same as an error).
#[must_use]
pub fn registry_or_panic(text: &'static [u8]) -> &'static Registry {
    match registry_from_source(text) {
        Ok(registry) => registry,
        Err(error) => panic!("{error}"),
    }
}

/// The body of a `ports!` struct's `endpoints()`: its `(field, id, endpoint)` rows, in
/// declaration order (fields under a false `#[cfg]` left out of the array by the compiler).
pub fn endpoints<'a, const N: usize>(
    rows: [(&'static str, &'static str, &'a Endpoint); N],
) -> core::array::IntoIter<(&'static str, &'static str, &'a Endpoint), N> {
    rows.into_iter()
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
            let clash = field_clash(
                [other.field, other.what],
                [this.field, this.what],
                struct_name,
                if same { Some(this.id) } else { None },
                this.port,
            );
            panic!("{}", clash.as_str());
        }
    }
}

/// The one wording of two fields of a `ports!` struct that cannot be in one process: the same
/// service, or two services on the same registered port. Used by the macro for pairs of
/// registry ids and by [`check_field`] (const evaluation) for pairs involving a type, so that
/// both read alike. `first` and `second` are each `[field name, type or id as written]`.
///
/// ```
/// # use ports_core::__private::field_clash;
/// let text = field_clash(["api", "\"codecoder-api\""], ["web", "\"web-frontend\""], "Ports", None, 4400);
/// assert_eq!(
///     text.as_str(),
///     "ports!: fields `api` (\"codecoder-api\") and `web` (\"web-frontend\") of `Ports` both use port 4400; each service of a process needs its own port"
/// );
/// ```
#[must_use]
pub const fn field_clash(
    first: [&str; 2],
    second: [&str; 2],
    struct_name: &str,
    same_service: Option<&str>,
    port: u16,
) -> Message {
    let msg = Message::new()
        .push("ports!: fields `")
        .push(first[0])
        .push("` (")
        .push(first[1])
        .push(") and `")
        .push(second[0])
        .push("` (")
        .push(second[1])
        .push(") of `")
        .push(struct_name);
    match same_service {
        Some(id) => msg.push("` are the same service `").push(id).push("`; keep one of them"),
        None => msg.push("` both use port").push_port(port).push("; each service of a process needs its own port"),
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

    /// ` 4410`: a space, then the port in decimal.
    const fn push_port(mut self, port: u16) -> Self {
        let mut digits = [0u8; 5];
        let (mut n, mut len) = (port, 0);
        loop {
            digits[4 - len] = b'0' + (n % 10) as u8;
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if self.len < self.buf.len() {
            self.buf[self.len] = b' ';
            self.len += 1;
        }
        let mut i = 5 - len;
        while i < 5 && self.len < self.buf.len() {
            self.buf[self.len] = digits[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The text.
    #[must_use]
    pub const fn as_str(&self) -> &str {
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

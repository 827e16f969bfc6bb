//! Where the generated code finds ports-core: the one place its path is built, and the one
//! check that the crate can name it.

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;

/// `crate = path` when the user gave one (a re-export), else `::ports_core`.
pub(crate) fn path(given: Option<&syn::Path>) -> TokenStream {
    match given {
        Some(path) => quote!(#path),
        None => quote!(::ports_core),
    }
}

/// With no `crate = path` given, reports a crate that does not depend on ports-core.
pub(crate) fn check_dependency(given: Option<&syn::Path>, cx: &mut Ctxt) {
    if given.is_none() {
        if let Some(message) = missing_ports_core() {
            cx.error_at(Span::call_site(), message);
        }
    }
}

/// When the crate being compiled does not list `ports-core` in its Cargo.toml, the message that
/// says so (the generated code names `::ports_core`, so E0433 "failed to resolve" would be the
/// only clue). Reported once per compiler process; `None` when the dependency is there, or when
/// the manifest cannot be read (no guess is made then).
fn missing_ports_core() -> Option<String> {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let manifest = Path::new(&dir).join("Cargo.toml");
    let text = ports_core::read_text(&manifest, 1 << 20).ok()?;
    if text.contains("ports-core") || text.contains("ports_core") {
        return None;
    }
    if REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    Some(
        "this crate does not depend on ports-core, which the generated code names as `::ports_core`: add `ports-core` to its [dependencies], or, where a crate re-exports it, say where: #[service(crate = \"that_crate::ports_core\", ...)] / ports! { crate = that_crate::ports_core; ... }".to_owned(),
    )
}

//! `#[service(port = N, group = "G", id = "...", crate = "path")]`, by phase: `parse` (the
//! arguments, by one table of keys) → `check` (ports-core's `Registry::check_claim`) →
//! `expand` (the item and `impl Service`), or `fallback` (the item and a stub impl, so that the
//! user sees the real error and no cascade).

mod check;
mod expand;
mod fallback;
pub(crate) mod parse;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use crate::registry::{self, Failure};

pub(crate) use expand::{registry_expr, track};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = parse::parse(args, &mut cx);
    let input = match syn::parse2::<DeriveInput>(item.clone()) {
        Ok(input) if !matches!(input.data, syn::Data::Union(_)) => input,
        Ok(input) => {
            cx.error_spanned(input.ident, "#[service] goes on a struct or an enum, not a union");
            return fallback::fallback(item, None, &args, cx);
        }
        Err(_) => {
            cx.error_at(Span::call_site(), "#[service] goes on a struct or an enum");
            return fallback::fallback(item, None, &args, cx);
        }
    };
    let loaded = match registry::current() {
        Ok(loaded) => loaded,
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            return fallback::fallback(item, Some(&input), &args, cx);
        }
        // Another attribute of this compilation already reported the registry; one error about
        // the file is enough.
        Err(Failure::Reported) => return fallback::fallback(item, Some(&input), &args, cx),
    };
    if args.krate.is_none() {
        if let Some(message) = registry::missing_ports_core() {
            cx.error_at(Span::call_site(), message);
        }
    }
    match check::check(&args, &input, loaded, &mut cx) {
        Some(entry) if cx.is_empty() => {
            let service = expand::impl_service(&input, &parse::krate(&args), entry, loaded);
            quote! { #item #service }
        }
        _ => fallback::fallback(item, Some(&input), &args, cx),
    }
}

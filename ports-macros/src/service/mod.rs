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
    let mut cx = Ctxt::new();
    let args = parse::parse(args, &mut cx);
    let krate = crate::krate::path(args.krate.as_ref());
    let input = match syn::parse2::<DeriveInput>(item.clone()) {
        Ok(input) if !matches!(input.data, syn::Data::Union(_)) => input,
        Ok(input) => {
            cx.error_spanned(input.ident, "#[service] goes on a struct or an enum, not a union");
            return fallback::fallback(item, None, &krate, cx.check());
        }
        Err(_) => {
            cx.error_at(Span::call_site(), "#[service] goes on a struct or an enum");
            return fallback::fallback(item, None, &krate, cx.check());
        }
    };
    let loaded = match registry::current() {
        Ok(loaded) => loaded,
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            return fallback::fallback(item, Some(&input), &krate, cx.check());
        }
        // Another attribute of this compilation already reported the registry; one error about
        // the file is enough.
        Err(Failure::Reported) => return fallback::fallback(item, Some(&input), &krate, cx.check()),
    };
    crate::krate::check_dependency(args.krate.as_ref(), &mut cx);
    let entry = check::check(&args, &input, loaded, &mut cx);
    match (entry, cx.check()) {
        (Some(entry), None) => {
            let service = expand::impl_service(&input, &krate, entry, loaded);
            quote! { #item #service }
        }
        (_, errors) => fallback::fallback(item, Some(&input), &krate, errors),
    }
}

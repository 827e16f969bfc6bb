//! The code `ports!` emits: the struct, `resolve`/`resolve_with`, and the const checks.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::{Ident, Token, Type, Visibility};

use super::check::check_ids;
use super::parse::{Field, Input, Kind};
use crate::ctxt::Ctxt;
use crate::registry::{self, Failure};
use crate::service::{registry_expr, track};

pub(super) fn expand(input: &Input) -> TokenStream {
    let mut cx = Ctxt::new();
    let krate = crate::krate::path(input.krate.as_ref());
    let loaded = match registry::current() {
        Ok(loaded) => Some(loaded),
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            None
        }
        Err(Failure::Reported) => None,
    };
    crate::krate::check_dependency(input.krate.as_ref(), &mut cx);
    let known = loaded.map(|loaded| check_ids(input, loaded, &mut cx)).unwrap_or_default();
    let checks = const_checks(input, &krate, &known);
    let Input { attrs, vis, name, fields, .. } = input;
    let field_defs = fields.iter().map(|f| {
        let Field { attrs, vis: field_vis, name, .. } = f;
        let field_vis = if matches!(field_vis, Visibility::Inherited) { vis } else { field_vis };
        let has_doc = attrs.iter().any(|a| a.path().is_ident("doc"));
        let doc = (!has_doc).then(|| {
            let doc = format!("The endpoint of `{}`.", f.describe());
            quote!(#[doc = #doc])
        });
        quote!(#(#attrs)* #doc #field_vis #name: #krate::Endpoint)
    });
    let registry = loaded.map_or_else(|| quote!(#krate::Registry::embedded()), |l| registry_expr(&krate, l));
    // Hygienic names, so that a field named `resolver`, `fields` or `Ok` shadows nothing.
    let resolver = Ident::new("resolver", Span::mixed_site());
    let list = Ident::new("fields", Span::mixed_site());
    let locals: Vec<Ident> =
        (0..fields.len()).map(|i| format_ident!("field_{}", i, span = Span::mixed_site())).collect();
    let resolves = fields.iter().zip(&locals).map(|(f, local)| {
        let cfgs = f.cfgs();
        let name = f.name.to_string();
        let value = match &f.kind {
            // The same form as the const table's `<T as Service>::ID`, so that a type that is not a
            // service gives one error, not two that differ only in a note.
            Kind::Type(ty) => quote_spanned! {ty_span(ty)=> <#ty as #krate::Service>::resolve_with(&#resolver)? },
            Kind::Id(id) => quote! { #resolver.resolve_id(#registry, #id)? },
        };
        quote! {
            #(#cfgs)*
            let #local = #value;
            #(#cfgs)*
            #list.push((#name, &#local));
        }
    });
    let inits = fields.iter().zip(&locals).map(|(f, local)| {
        let cfgs = f.cfgs();
        let name = &f.name;
        quote!(#(#cfgs)* #name: #local)
    });
    let endpoints = fields.iter().map(|f| {
        let cfgs = f.cfgs();
        let (name, field) = (f.name.to_string(), &f.name);
        let id = match &f.kind {
            Kind::Type(ty) => quote_spanned! {ty_span(ty)=> <#ty as #krate::Service>::ID },
            Kind::Id(id) => quote!(#id),
        };
        quote!(#(#cfgs)* (#name, #id, &self.#field))
    });
    let derive = derive_clone_debug(attrs);
    let count = fields.len();
    let errors = cx.check().map(|e| e.to_compile_error());
    let track = loaded.map(track);
    let doc_resolve = format!("Resolves every field of `{name}` under the real environment (env vars, then `CODECODER_CONFIG` or `~/.codecoder/config.json`, then the registry), reading the config file once.\n\n# Errors\n\nA bad override, a malformed config file, or two fields on one endpoint.");
    let doc_with = "Resolves every field under a resolver built in code.\n\n# Errors\n\nAs `resolve`.";
    let doc_endpoints = "Every field's endpoint, in declaration order, as `(field name, service id, endpoint)`: for banners, health pages and metrics.";
    quote! {
        #(#attrs)*
        #derive
        #vis struct #name {
            #(#field_defs,)*
        }

        impl #name {
            #[doc = #doc_resolve]
            #vis fn resolve() -> #krate::__private::Result<Self, #krate::ResolveError> {
                Self::resolve_with(&#krate::Resolver::from_env())
            }

            #[doc = #doc_with]
            #vis fn resolve_with(#resolver: &#krate::Resolver) -> #krate::__private::Result<Self, #krate::ResolveError> {
                let mut #list: ::std::vec::Vec<(&str, &#krate::Endpoint)> = ::std::vec::Vec::with_capacity(#count);
                #(#resolves)*
                #krate::__private::check_collisions(&#list)?;
                #krate::__private::Ok(Self { #(#inits),* })
            }

            #[doc = #doc_endpoints]
            #vis fn endpoints(&self) -> impl ::core::iter::ExactSizeIterator<Item = (&'static str, &'static str, &#krate::Endpoint)> + '_ {
                #krate::__private::endpoints([#(#endpoints),*])
            }
        }

        #checks
        #track
        #errors
    }
}

/// `#[derive(Clone, Debug)]`, less what the user's own `#[derive(...)]` already names (by the
/// last segment of the path), so that a struct written with `#[derive(Debug)]` before `ports!`
/// derived it still compiles.
fn derive_clone_debug(attrs: &[syn::Attribute]) -> Option<TokenStream> {
    let mut given = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        // An unparsable derive is the compiler's to report, on the user's tokens.
        if let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
            given.extend(paths.iter().filter_map(|p| p.segments.last().map(|s| s.ident.to_string())));
        }
    }
    let missing: Vec<TokenStream> = [("Clone", quote!(::core::clone::Clone)), ("Debug", quote!(::core::fmt::Debug))]
        .into_iter()
        .filter(|(name, _)| !given.iter().any(|g| g == name))
        .map(|(_, path)| path)
        .collect();
    (!missing.is_empty()).then(|| quote!(#[derive(#(#missing),*)]))
}

fn ty_span(ty: &Type) -> Span {
    syn::spanned::Spanned::span(ty)
}

/// The compile-time checks of every pair that involves a type, evaluated by the compiler (a
/// type's consts may come from another crate): one table of the fields as an associated const,
/// and one `const` item per field, spanned on it, that checks it against the fields before it.
/// Fields under `#[cfg]` are left to the run-time check.
fn const_checks(input: &Input, krate: &TokenStream, known: &HashMap<usize, (String, u16)>) -> TokenStream {
    let name = &input.name;
    let struct_name = name.to_string();
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    for (i, field) in input.fields.iter().enumerate() {
        if !field.cfgs().is_empty() {
            continue;
        }
        let field_name = field.name.to_string();
        let what = field.describe();
        let row = match &field.kind {
            Kind::Type(ty) => quote! {
                #krate::__private::FieldClaim {
                    field: #field_name, what: #what,
                    id: <#ty as #krate::Service>::ID, port: <#ty as #krate::Service>::PORT,
                    by_id: false, stub: <#ty as #krate::Service>::__STUB,
                }
            },
            Kind::Id(_) => {
                let Some((id, port)) = known.get(&i) else { continue };
                quote! {
                    #krate::__private::FieldClaim {
                        field: #field_name, what: #what, id: #id, port: #port, by_id: true, stub: false,
                    }
                }
            }
        };
        rows.push(row);
        spans.push(field.name.span());
    }
    if rows.iter().len() < 2 || input.fields.iter().all(|f| matches!(f.kind, Kind::Id(_))) {
        return TokenStream::new();
    }
    let table = Ident::new("__PORTS_FIELDS", Span::mixed_site());
    let checks = spans.iter().enumerate().skip(1).map(|(k, span)| {
        // Every token on the field, so that the const evaluator's error points at it.
        let krate = respan(krate.clone(), *span);
        let mut name = name.clone();
        name.set_span(*span);
        quote_spanned! {*span=>
            const _: () = #krate::__private::check_field(#name::#table, #struct_name, #k);
        }
    });
    quote! {
        impl #name {
            const #table: &'static [#krate::__private::FieldClaim] = &[#(#rows),*];
        }
        #(#checks)*
    }
}

fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner = proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

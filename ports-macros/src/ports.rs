//! `ports! { [crate = path;] #[attrs] vis struct Name { field: Type | "registry-id", ... } }`:
//! parse → check the registry ids here, every pair that involves a type by const evaluation →
//! expand.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{braced, Attribute, Generics, Ident, LitStr, Token, Type, Visibility};

use crate::ctxt::Ctxt;
use crate::registry::{self, Failure, Loaded};
use crate::service::{registry_expr, track};

struct Input {
    krate: Option<syn::Path>,
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    fields: Vec<Field>,
}

struct Field {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    kind: Kind,
}

enum Kind {
    /// A `#[service]` type.
    Type(Box<Type>),
    /// A registry id with no Rust type.
    Id(LitStr),
}

const SHAPE: &str = "ports! expects `struct Name { field: ServiceType, field: \"registry-id\", ... }`";

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let krate = if input.peek(Token![crate]) && input.peek2(Token![=]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            let path = input.parse()?;
            input.parse::<Token![;]>()?;
            Some(path)
        } else {
            None
        };
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error(SHAPE));
        }
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        let mut generics: Generics = input.parse()?;
        if input.peek(Token![where]) {
            generics.where_clause = Some(input.parse()?);
        }
        if !generics.params.is_empty() || generics.where_clause.is_some() {
            return Err(syn::Error::new_spanned(
                generics.to_token_stream(),
                format!("a ports! struct cannot be generic: every field of `{name}` is a `ports_core::Endpoint`; remove the parameters"),
            ));
        }
        if !input.peek(syn::token::Brace) {
            return Err(input.error(SHAPE));
        }
        let body;
        braced!(body in input);
        let mut fields = Vec::new();
        while !body.is_empty() {
            let field: Field = body.parse()?;
            if !body.is_empty() {
                if !body.peek(Token![,]) {
                    return Err(body
                        .error(format!("expected `,` after field `{}`: fields are separated by commas", field.name)));
                }
                body.parse::<Token![,]>()?;
            }
            fields.push(field);
        }
        if !input.is_empty() {
            return Err(input.error("ports! declares one struct; unexpected tokens after it"));
        }
        Ok(Input { krate, attrs, vis, name, fields })
    }
}

impl Parse for Field {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name = input.call(syn::ext::IdentExt::parse_any)?;
        input.parse::<Token![:]>()?;
        let kind = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            if !lit.suffix().is_empty() {
                return Err(syn::Error::new_spanned(
                    &lit,
                    format!("unexpected suffix `{}` on a registry id", lit.suffix()),
                ));
            }
            Kind::Id(lit)
        } else {
            Kind::Type(input.parse()?)
        };
        Ok(Field { attrs, vis, name, kind })
    }
}

impl Field {
    /// The field's type or registry id as the user wrote it, for messages.
    fn describe(&self) -> String {
        match &self.kind {
            Kind::Type(ty) => quote!(#ty)
                .to_string()
                .replace(" :: ", "::")
                .replace(":: ", "::")
                .replace(" < ", "<")
                .replace(" >", ">")
                .replace(" ,", ","),
            Kind::Id(lit) => format!("{:?}", lit.value()),
        }
    }

    /// The field's `#[cfg(...)]` attributes, to repeat on every statement about it.
    fn cfgs(&self) -> Vec<&Attribute> {
        self.attrs.iter().filter(|a| a.path().is_ident("cfg")).collect()
    }
}

pub(crate) fn expand(tokens: TokenStream) -> TokenStream {
    match syn::parse2::<Input>(tokens) {
        Ok(input) => expand_input(&input),
        Err(error) => error.to_compile_error(),
    }
}

fn expand_input(input: &Input) -> TokenStream {
    let mut cx = Ctxt::default();
    let krate = match &input.krate {
        Some(path) => quote!(#path),
        None => quote!(::ports_core),
    };
    let loaded = match registry::current() {
        Ok(loaded) => Some(loaded),
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            None
        }
        Err(Failure::Reported) => None,
    };
    if input.krate.is_none() {
        if let Some(message) = registry::missing_ports_core() {
            cx.error_at(Span::call_site(), message);
        }
    }
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
            Kind::Type(ty) => quote_spanned! {ty_span(ty)=> #resolver.resolve::<#ty>()? },
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
    let count = fields.len();
    let errors = cx.check().map(|e| e.to_compile_error());
    let track = loaded.map(track);
    let doc_resolve = format!("Resolves every field of `{name}` under the real environment (env vars, then `CODECODER_CONFIG` or `~/.codecoder/config.json`, then the registry), reading the config file once.\n\n# Errors\n\nA bad override, a malformed config file, or two fields on one endpoint.");
    let doc_with = "Resolves every field under a resolver built in code.\n\n# Errors\n\nAs `resolve`.";
    quote! {
        #(#attrs)*
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
        }

        #checks
        #track
        #errors
    }
}

fn ty_span(ty: &Type) -> Span {
    syn::spanned::Spanned::span(ty)
}

/// Registry ids are checked here: an unknown id (with the closest), and two id fields that are
/// the same service or share a port. Returns the (id, port) of each known id field, by index.
fn check_ids(input: &Input, loaded: &Loaded, cx: &mut Ctxt) -> HashMap<usize, (String, u16)> {
    let mut known = HashMap::new();
    let mut by_id: HashMap<String, &Field> = HashMap::new();
    let mut by_port: HashMap<u16, &Field> = HashMap::new();
    for (i, field) in input.fields.iter().enumerate() {
        let Kind::Id(lit) = &field.kind else { continue };
        let id = lit.value();
        let entry = match loaded.registry.require_service(&id) {
            Ok(entry) => entry,
            Err(unknown) => {
                let text = unknown.to_string().replacen("the registry", &loaded.label, 1);
                cx.error_spanned(lit, text);
                continue;
            }
        };
        if let Some(first) = by_id.get(&id) {
            cx.error_spanned(
                lit,
                format!("fields `{}` and `{}` are the same service `{id}`; keep one of them", first.name, field.name),
            );
        } else if let Some(first) = by_port.get(&entry.port) {
            cx.error_spanned(lit, format!("fields `{}` and `{}` both use port {}", first.name, field.name, entry.port));
        } else {
            by_id.insert(id.clone(), field);
            by_port.insert(entry.port, field);
        }
        known.insert(i, (id, entry.port));
    }
    known
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

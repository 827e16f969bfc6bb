//! `ports! { [crate = path;] #[attrs] vis struct Name { field: Type | "registry-id", ... } }`:
//! parse → check the registry ids here, the type pairs by const evaluation → expand.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{braced, Attribute, Ident, LitStr, Token, Type, Visibility};

use crate::ctxt::Ctxt;
use crate::registry::{self, Failure};
use crate::service::{registry_expr, track_env};

struct Input {
    krate: Option<syn::Path>,
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    fields: Punctuated<Field, Token![,]>,
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
            return Err(input.error("ports! expects `struct Name { field: ServiceType, field: \"registry-id\", ... }`"));
        }
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        let body;
        braced!(body in input);
        let fields = body.parse_terminated(Field::parse, Token![,])?;
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
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        let kind = if input.peek(LitStr) { Kind::Id(input.parse()?) } else { Kind::Type(input.parse()?) };
        Ok(Field { attrs, vis, name, kind })
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
    // Registry ids are checked here; each known id gives (field, id, port).
    let mut known = Vec::new();
    if let Some(loaded) = loaded {
        for field in &input.fields {
            let Kind::Id(lit) = &field.kind else { continue };
            let id = lit.value();
            match loaded.registry.service(&id) {
                Some(entry) => known.push((field, id, entry.port)),
                None => {
                    let closest = loaded
                        .registry
                        .closest_service(&id)
                        .map(|s| format!("; did you mean `{}`?", s.id))
                        .unwrap_or_default();
                    cx.error_spanned(lit, format!("no service `{id}` in {}{closest}", loaded.label));
                }
            }
        }
    }
    for (i, (first, first_id, first_port)) in known.iter().enumerate() {
        for (second, second_id, second_port) in &known[i + 1..] {
            let (a, b) = (&first.name, &second.name);
            if first_id == second_id {
                cx.error_spanned(
                    second.kind_tokens(),
                    format!("fields `{a}` and `{b}` are the same service `{first_id}`; keep one of them"),
                );
            } else if first_port == second_port {
                cx.error_spanned(second.kind_tokens(), format!("fields `{a}` and `{b}` both use port {first_port}"));
            }
        }
    }
    let checks = const_checks(input, &krate, &known);
    let Input { attrs, vis, name, fields, .. } = input;
    let field_defs = fields.iter().map(|f| {
        let Field { attrs, vis: field_vis, name, .. } = f;
        let field_vis = if matches!(field_vis, Visibility::Inherited) { vis } else { field_vis };
        let has_doc = attrs.iter().any(|a| a.path().is_ident("doc"));
        let doc = (!has_doc).then(|| {
            let what = f.kind_tokens().to_string();
            let doc = format!("The endpoint of `{what}`.");
            quote!(#[doc = #doc])
        });
        quote!(#(#attrs)* #doc #field_vis #name: #krate::Endpoint)
    });
    let names: Vec<&Ident> = fields.iter().map(|f| &f.name).collect();
    let name_strs: Vec<String> = names.iter().map(ToString::to_string).collect();
    let registry = loaded.map_or_else(|| quote!(#krate::Registry::embedded()), |l| registry_expr(&krate, l));
    // Hygienic, so that a field named `resolver` does not shadow the parameter.
    let resolver = Ident::new("resolver", Span::mixed_site());
    let resolves = fields.iter().map(|f| {
        let name = &f.name;
        match &f.kind {
            Kind::Type(ty) => quote_spanned! {ty_span(ty)=>
                let #name = #resolver.resolve::<#ty>()?;
            },
            Kind::Id(id) => quote! {
                let #name = #resolver.resolve_id(#registry, #id)?;
            },
        }
    });
    let errors = cx.check().map(|e| e.to_compile_error());
    let track = track_env();
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
                #(#resolves)*
                #krate::__private::check_collisions(&[#((#name_strs, &#names)),*])?;
                #krate::__private::Ok(Self { #(#names),* })
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

    fn kind_tokens(&self) -> TokenStream {
        match &self.kind {
            Kind::Type(ty) => quote!(#ty),
            Kind::Id(lit) => quote!(#lit),
        }
    }
}

/// Compile-time checks of every pair that involves a type: evaluated by the compiler, since the
/// type's consts may come from another crate. A stub (`PORT == 0`, emitted when the type's own
/// `#[service]` failed) is skipped so its error is not repeated here.
fn const_checks(input: &Input, krate: &TokenStream, known: &[(&Field, String, u16)]) -> TokenStream {
    let fields: Vec<&Field> = input.fields.iter().collect();
    let mut checks = Vec::new();
    for (i, first) in fields.iter().enumerate() {
        for second in &fields[i + 1..] {
            let (a, b) = (&first.name, &second.name);
            let consts = |f: &Field| -> Option<(TokenStream, TokenStream)> {
                match &f.kind {
                    Kind::Type(ty) => {
                        Some((quote!(<#ty as #krate::Service>::ID), quote!(<#ty as #krate::Service>::PORT)))
                    }
                    Kind::Id(_) => {
                        let (_, id, port) = known.iter().find(|(k, _, _)| std::ptr::eq(*k, f))?;
                        Some((quote!(#id), quote!(#port)))
                    }
                }
            };
            if matches!((&first.kind, &second.kind), (Kind::Id(_), Kind::Id(_))) {
                continue; // checked by the macro itself
            }
            let (Some((id_a, port_a)), Some((id_b, port_b))) = (consts(first), consts(second)) else { continue };
            let (ta, tb) = (first.describe(), second.describe());
            let same = format!(
                "ports!: fields `{a}` ({ta}) and `{b}` ({tb}) of `{}` are the same service; keep one of them",
                input.name
            );
            let port = format!(
                "ports!: fields `{a}` ({ta}) and `{b}` ({tb}) of `{}` use the same port; each service of a process needs its own port",
                input.name
            );
            let span = second.name.span();
            // Not a panic of this macro: a `panic!` in a `const` item is how the compiler's
            // const evaluation reports a failed check, with this message, at this span.
            checks.push(quote_spanned! {span=>
                const _: () = {
                    let (a_port, b_port): (u16, u16) = (#port_a, #port_b);
                    if a_port != 0 && b_port != 0 {
                        if #krate::__private::str_eq(#id_a, #id_b) {
                            ::core::panic!("{}", #same);
                        }
                        if a_port == b_port {
                            ::core::panic!("{}", #port);
                        }
                    }
                };
            });
        }
    }
    quote!(#(#checks)*)
}

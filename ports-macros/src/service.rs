//! `#[service(port = N, group = "G", id = "...", crate = "path")]`: parse → check (ports-core's
//! `Registry::check_claim`) → expand, or fall back to the item plus a stub impl.

use heck::ToKebabCase;
use ports_core::{port_from, Claim, ClaimField, ServiceEntry};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{DeriveInput, Ident, LitInt, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::registry::{self, Failure, Loaded};

const ACCEPTED: &str = "#[service] accepts `port = <integer>`, `group = \"<group id>\"`, and optionally `id = \"<service id>\"` and `crate = \"<path to ports_core>\"`";

/// One `key = value` argument, the value kept as raw tokens until its key says what it must be.
struct Arg {
    key: Ident,
    value: TokenStream,
    eq_span: Span,
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = if input.peek(Token![crate]) {
            let kw: Token![crate] = input.parse()?;
            Ident::new("crate", kw.span)
        } else {
            input.call(syn::ext::IdentExt::parse_any)?
        };
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(key.span(), format!("expected `{key} = ...`; {ACCEPTED}")));
        }
        let eq: Token![=] = input.parse()?;
        let mut value = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            value.extend([input.parse::<TokenTree>()?]);
        }
        Ok(Arg { key, value, eq_span: eq.span })
    }
}

/// The arguments, each with the token it came from (for spans).
#[derive(Default)]
struct Args {
    port: Option<(u16, LitInt)>,
    group: Option<LitStr>,
    id: Option<LitStr>,
    krate: Option<syn::Path>,
    /// The keys written, valid or not (so a bad `port = x` is not also reported missing).
    written: Vec<String>,
}

fn parse_args(tokens: TokenStream, cx: &mut Ctxt) -> Args {
    let mut args = Args::default();
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(parsed) => parsed,
        Err(error) => {
            cx.push(error);
            // Unparsable arguments: do not also report the ones that seem missing.
            args.written = ["port", "group"].map(String::from).to_vec();
            return args;
        }
    };
    let mut port_seen = false;
    for arg in parsed {
        let key = arg.key.to_string();
        args.written.push(key.clone());
        let repeated = match key.as_str() {
            "port" => std::mem::replace(&mut port_seen, true),
            "group" => args.group.is_some(),
            "id" => args.id.is_some(),
            "crate" => args.krate.is_some(),
            _ => {
                cx.error_spanned(&arg.key, format!("unknown argument `{key}`; {ACCEPTED}"));
                continue;
            }
        };
        if repeated {
            cx.error_spanned(&arg.key, format!("`{key}` is given more than once; {ACCEPTED}"));
            continue;
        }
        let value = arg.value;
        if value.is_empty() {
            cx.error_at(arg.eq_span, format!("`{key} =` needs a value; {ACCEPTED}"));
            continue;
        }
        match key.as_str() {
            "port" => args.port = parse_port(value, cx),
            "group" => args.group = parse_str(value, "group", "\"rust\"", cx),
            "id" => args.id = parse_str(value, "id", "\"zero-gateway\"", cx),
            _ => {
                if let Some(lit) = parse_str(value, "crate", "\"::ports_core\"", cx) {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => args.krate = Some(path),
                        Err(_) => cx.error_spanned(&lit, "`crate` must be a path, e.g. crate = \"::ports_core\""),
                    }
                }
            }
        }
    }
    args
}

fn parse_port(value: TokenStream, cx: &mut Ctxt) -> Option<(u16, LitInt)> {
    const RANGE: &str = "a port is an integer literal from 1 to 65535, e.g. port = 4410";
    match syn::parse2::<LitInt>(value.clone()) {
        Ok(lit) if lit.suffix().is_empty() || lit.suffix() == "u16" => {
            match lit.base10_parse::<u64>().ok().and_then(port_from) {
                Some(port) => Some((port, lit)),
                None => {
                    cx.error_spanned(value, format!("port {} is out of range: {RANGE}", lit.base10_digits()));
                    None
                }
            }
        }
        _ => {
            cx.error_spanned(value, format!("expected an integer literal: {RANGE}"));
            None
        }
    }
}

fn parse_str(value: TokenStream, key: &str, example: &str, cx: &mut Ctxt) -> Option<LitStr> {
    match syn::parse2::<LitStr>(value.clone()) {
        Ok(lit) => Some(lit),
        Err(_) => {
            cx.error_spanned(value, format!("`{key}` takes a string literal, e.g. {key} = {example}"));
            None
        }
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = parse_args(args, &mut cx);
    let input = match syn::parse2::<DeriveInput>(item.clone()) {
        Ok(input) if !matches!(input.data, syn::Data::Union(_)) => input,
        Ok(input) => {
            cx.error_spanned(input.ident, "#[service] goes on a struct or an enum, not a union");
            return fallback(item, None, &args, cx);
        }
        Err(_) => {
            cx.error_at(Span::call_site(), "#[service] goes on a struct or an enum");
            return fallback(item, None, &args, cx);
        }
    };
    if !args.written.iter().any(|k| k == "port") {
        cx.error_at(Span::call_site(), format!("missing `port = <integer>`; {ACCEPTED}"));
    }
    if !args.written.iter().any(|k| k == "group") {
        cx.error_at(Span::call_site(), format!("missing `group = \"<group id>\"`; {ACCEPTED}"));
    }
    let loaded = match registry::current() {
        Ok(loaded) => Some(loaded),
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            None
        }
        Err(Failure::Reported) => {
            // Another attribute of this compilation already reported the registry; one error
            // about the file is enough.
            return fallback(item, Some(&input), &args, cx);
        }
    };
    let type_name = syn::ext::IdentExt::unraw(&input.ident).to_string();
    let default_id = type_name.to_kebab_case();
    let id = args.id.as_ref().map_or(default_id, LitStr::value);
    let checked = match (loaded, &args.port, &args.group) {
        (Some(loaded), Some((port, port_lit)), Some(group)) => {
            let claim = Claim { id: &id, port: *port, group: &group.value(), name: &type_name };
            match loaded.registry.check_claim(&claim) {
                Ok(entry) => Some((loaded, entry)),
                Err(errors) => {
                    for error in errors {
                        let span = match error.field() {
                            ClaimField::Port => port_lit.span(),
                            ClaimField::Group => group.span(),
                            ClaimField::Id => args.id.as_ref().map_or_else(|| input.ident.span(), LitStr::span),
                        };
                        let hint = hint(&error, loaded, &id, &type_name);
                        cx.error_at(span, format!("{error}{hint}"));
                    }
                    None
                }
            }
        }
        _ => None,
    };
    match (cx.check(), checked) {
        (None, Some((loaded, entry))) => {
            let krate = krate(&args);
            let service = impl_service(&input, &krate, entry, loaded);
            quote! { #item #service }
        }
        (error, _) => {
            let mut cx = Ctxt::default();
            cx.extend(error);
            fallback(item, Some(&input), &args, cx)
        }
    }
}

/// What to do next, for the claims whose fix is an edit of the registry.
fn hint(error: &ports_core::ClaimError, loaded: &Loaded, id: &str, type_name: &str) -> String {
    match error {
        ports_core::ClaimError::Unregistered { port, group, .. } if loaded.file.is_none() => format!(
            "\n  the registry in force is {}, which cannot be edited: `ports init` writes it as ports.json at the workspace root, then `ports add {id} --group {group} --name {type_name} --port {port}` registers the service",
            loaded.label
        ),
        ports_core::ClaimError::Unregistered { port, group, .. } => format!(
            "\n  the registry in force is {}: edit it, or run `ports add {id} --group {group} --name {type_name} --port {port}`",
            loaded.label
        ),
        _ => String::new(),
    }
}

fn krate(args: &Args) -> TokenStream {
    match &args.krate {
        Some(path) => quote!(#path),
        None => quote!(::ports_core),
    }
}

/// The registry expression of generated code: the embedded one, or the crate's file through
/// `include_bytes!` (which also makes cargo re-check the crate when the file changes).
///
/// Measured choices (bench/macro-cost.py): bytes, not `include_str!`, which rustc handles several
/// times slower; and a constant expression, not a `static`, so that identical contents share one
/// allocation and the binary holds one copy of the registry, not one per service.
pub(crate) fn registry_expr(krate: &TokenStream, loaded: &Loaded) -> TokenStream {
    match &loaded.file {
        None => quote!(#krate::Registry::embedded()),
        Some(file) => {
            let file = file.to_string_lossy();
            quote!(#krate::__private::registry_from_source(::core::include_bytes!(#file)))
        }
    }
}

/// `const _` that makes cargo re-check the crate when `PORTS_REGISTRY` changes. Emitted by the
/// first macro call of each compiler process only: one `option_env!` puts the variable in the
/// crate's dep-info, and a copy per service would cost compile time for nothing.
pub(crate) fn track_env() -> TokenStream {
    static EMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if EMITTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return TokenStream::new();
    }
    quote! {
        const _: ::core::option::Option<&str> = ::core::option_env!("PORTS_REGISTRY");
    }
}

fn impl_service(input: &DeriveInput, krate: &TokenStream, entry: &ServiceEntry, loaded: &Loaded) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let ServiceEntry { id, name, port, group, .. } = entry;
    let opt = |value: &Option<String>| match value {
        Some(v) => quote!(#krate::__private::Some(#v)),
        None => quote!(#krate::__private::None),
    };
    let env = opt(&entry.env);
    let config = opt(&entry.config);
    // The trait's default `registry()` is the embedded one: only a file needs a body.
    let registry = loaded.file.is_some().then(|| {
        let expr = registry_expr(krate, loaded);
        quote! {
            fn registry() -> &'static #krate::Registry {
                #expr
            }
        }
    });
    let track = track_env();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Service for #ident #ty_generics #where_clause {
            const ID: &'static str = #id;
            const NAME: &'static str = #name;
            const PORT: u16 = #port;
            const GROUP: &'static str = #group;
            const ENV: #krate::__private::Option<&'static str> = #env;
            const CONFIG: #krate::__private::Option<&'static str> = #config;
            #registry
        }
        #track
    }
}

/// The item unchanged plus a stub impl (PORT 0 marks a stub; `ports!` skips it), so that the
/// user sees the real error and not "no associated item `PORT`" wherever the type is used.
fn fallback(item: TokenStream, input: Option<&DeriveInput>, args: &Args, cx: Ctxt) -> TokenStream {
    let errors = cx.check().map(|e| e.to_compile_error());
    let Some(input) = input else { return quote! { #item #errors } };
    let krate = krate(args);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let stub = quote_spanned! {Span::call_site()=>
        #[automatically_derived]
        impl #impl_generics #krate::Service for #ident #ty_generics #where_clause {
            const ID: &'static str = "";
            const NAME: &'static str = "";
            const PORT: u16 = 0;
            const GROUP: &'static str = "";
            const ENV: #krate::__private::Option<&'static str> = #krate::__private::None;
            const CONFIG: #krate::__private::Option<&'static str> = #krate::__private::None;
        }
    };
    quote! { #item #stub #errors }
}

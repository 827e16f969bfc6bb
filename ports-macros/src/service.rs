//! `#[service(port = N, group = "G", id = "...", crate = "path")]`: parse (`attr`) → check
//! (ports-core's `Registry::check_claim`) → expand, or fall back to the item plus a stub impl.

use heck::{ToKebabCase, ToTitleCase};
use ports_core::{Claim, ClaimError, ClaimField, ServiceEntry};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{DeriveInput, LitStr};

use crate::attr::{self, Args};
use crate::ctxt::Ctxt;
use crate::registry::{self, Failure, Loaded};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = attr::parse(args, &mut cx);
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
    let loaded = match registry::current() {
        Ok(loaded) => loaded,
        Err(Failure::Report(message)) => {
            cx.error_at(Span::call_site(), message);
            return fallback(item, Some(&input), &args, cx);
        }
        // Another attribute of this compilation already reported the registry; one error about
        // the file is enough.
        Err(Failure::Reported) => return fallback(item, Some(&input), &args, cx),
    };
    if args.krate.is_none() {
        if let Some(message) = registry::missing_ports_core() {
            cx.error_at(Span::call_site(), message);
        }
    }
    match check(&args, &input, loaded, &mut cx) {
        Some(entry) if cx.is_empty() => {
            let service = impl_service(&input, &krate(&args), entry, loaded);
            quote! { #item #service }
        }
        _ => fallback(item, Some(&input), &args, cx),
    }
}

/// The claim against the registry. The id, the group and the port are checked independently,
/// so that every problem of the attribute is reported at once.
fn check<'r>(args: &Args, input: &DeriveInput, loaded: &'r Loaded, cx: &mut Ctxt) -> Option<&'r ServiceEntry> {
    let registry = loaded.registry;
    let type_name = syn::ext::IdentExt::unraw(&input.ident).to_string();
    let id = args.id.as_ref().map_or_else(|| type_name.to_kebab_case(), LitStr::value);
    let id_span = args.id.as_ref().map_or_else(|| input.ident.span(), LitStr::span);
    let derived = args.id.is_none();
    let report = |cx: &mut Ctxt, span: Span, error: &ClaimError| {
        let mut message = error.to_string();
        if derived && matches!(error, ClaimError::BadId { .. }) {
            message.push_str(&format!(
                " (the id comes from the type name `{type_name}`; write id = \"...\" to choose one)"
            ));
        }
        if let ClaimError::PortTaken { owner, .. } = error {
            message.push_str(&format!(", or write id = \"{owner}\" if this type is that service"));
        }
        if let ClaimError::Unregistered { .. } = error {
            message.push_str(&format!("\n  the registry in force is {}", loaded.label));
            if loaded.file.is_none() {
                message.push_str(
                    ", which cannot be edited: `ports init` writes it as ports.json at the workspace root first",
                );
            }
        }
        cx.error_at(span, message);
    };
    let (Some((port, port_lit)), Some(group)) = (&args.port, &args.group) else {
        // No usable port or group: check what can be checked alone.
        if let Some(group) = &args.group {
            if let Err(unknown) = registry.require_group(&group.value()) {
                report(cx, group.span(), &ClaimError::UnknownGroup(unknown));
            }
        }
        if !ports_core::is_kebab_id(&id) {
            report(cx, id_span, &ClaimError::BadId { id });
        }
        return None;
    };
    let name = type_name.to_title_case();
    let claim = Claim { id: &id, port: *port, group: &group.value(), name: &name };
    match registry.check_claim(&claim) {
        Ok(entry) => Some(entry),
        Err(errors) => {
            for error in &errors {
                let span = match error.field() {
                    ClaimField::Port => port_lit.span(),
                    ClaimField::Group => group.span(),
                    ClaimField::Id => id_span,
                };
                report(cx, span, error);
            }
            None
        }
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

/// `const _` items that make cargo re-check the crate when `PORTS_REGISTRY` or the registry file
/// changes. Emitted once per compiler process (once per file): one `option_env!` puts the
/// variable in the crate's dep-info, one `include_bytes!` the file; a copy per service would
/// cost compile time for nothing.
pub(crate) fn track(loaded: &Loaded) -> TokenStream {
    static TRACKED: std::sync::Mutex<Vec<Option<std::path::PathBuf>>> = std::sync::Mutex::new(Vec::new());
    let mut tracked = TRACKED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = TokenStream::new();
    if tracked.is_empty() {
        tracked.push(None);
        out.extend(quote! {
            const _: ::core::option::Option<&str> = ::core::option_env!("PORTS_REGISTRY");
        });
    }
    if let Some(file) = &loaded.file {
        if !tracked.iter().any(|t| t.as_ref() == Some(file)) {
            tracked.push(Some(file.clone()));
            let file = file.to_string_lossy();
            out.extend(quote! {
                const _: &[u8] = ::core::include_bytes!(#file);
            });
        }
    }
    out
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
    // Aliases are rare: only a service that has some gets the consts.
    let list = |name: TokenStream, values: &[String]| {
        (!values.is_empty()).then(|| quote!(const #name: &'static [&'static str] = &[#(#values),*];))
    };
    let env_aliases = list(quote!(ENV_ALIASES), &entry.env_aliases);
    let config_aliases = list(quote!(CONFIG_ALIASES), &entry.config_aliases);
    // The trait's default `registry()` is the embedded one: only a file needs a body.
    let registry = loaded.file.is_some().then(|| {
        let expr = registry_expr(krate, loaded);
        quote! {
            fn registry() -> &'static #krate::Registry {
                #expr
            }
        }
    });
    let track = track(loaded);
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Service for #ident #ty_generics #where_clause {
            const ID: &'static str = #id;
            const NAME: &'static str = #name;
            const PORT: u16 = #port;
            const GROUP: &'static str = #group;
            const ENV: #krate::__private::Option<&'static str> = #env;
            const CONFIG: #krate::__private::Option<&'static str> = #config;
            #env_aliases
            #config_aliases
            #registry
        }
        #track
    }
}

/// The item unchanged plus a stub impl marked `__STUB = true`, so that the user sees the real
/// error and not "no associated item `PORT`" wherever the type is used; `ports!` skips stubs in
/// its checks, so the error is not repeated there either.
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
            #[doc(hidden)]
            const __STUB: bool = true;
        }
    };
    quote! { #item #stub #errors }
}

//! The code `#[service]` emits for a claim that holds: `impl Service` with the registry's entry,
//! tied to the registry file it was checked against.

use ports_core::ServiceEntry;
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::registry::Loaded;

/// The registry expression of generated code, in a function that returns
/// `Result<_, ResolveError>`: the embedded one, or the crate's file through `include_bytes!`
/// (which also makes cargo re-check the crate when the file changes), parsed at run time — a
/// copy that does not parse is an error there (`?`), never a silent fallback.
///
/// Measured choices (bench/macro-cost.py): bytes, not `include_str!`, which rustc handles several
/// times slower; and a constant expression, not a `static`, so that identical contents share one
/// allocation and the binary holds one copy of the registry, not one per service.
pub(crate) fn registry_expr(krate: &TokenStream, loaded: &Loaded) -> TokenStream {
    match &loaded.file {
        None => quote!(#krate::Registry::embedded()),
        Some(file) => quote!(#krate::__private::registry_from_source(::core::include_bytes!(#file))?),
    }
}

/// `const _` items that make cargo re-check the crate when `PORTS_REGISTRY`, the registry file,
/// or — on the embedded registry — the rebuild stamp (`registry::rebuild_stamp`) changes.
/// Emitted once per compiler process (once per file): one `option_env!` puts the variable in the
/// crate's dep-info, one `include_bytes!` each file; a copy per service would cost compile time
/// for nothing.
pub(crate) fn track(loaded: &Loaded) -> TokenStream {
    static TRACKED: std::sync::Mutex<Vec<Option<String>>> = std::sync::Mutex::new(Vec::new());
    let mut tracked = TRACKED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = TokenStream::new();
    if tracked.is_empty() {
        tracked.push(None);
        out.extend(quote! {
            const _: ::core::option::Option<&str> = ::core::option_env!("PORTS_REGISTRY");
        });
    }
    for file in loaded.file.iter().chain(&loaded.stamp) {
        if !tracked.iter().any(|t| t.as_ref() == Some(file)) {
            tracked.push(Some(file.clone()));
            out.extend(quote! {
                const _: &[u8] = ::core::include_bytes!(#file);
            });
        }
    }
    out
}

pub(super) fn impl_service(
    input: &DeriveInput,
    krate: &TokenStream,
    entry: &ServiceEntry,
    loaded: &Loaded,
) -> TokenStream {
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
    let track = track(loaded);
    // Every const in one item, the registry file's bytes included: measured against six consts
    // and a `fn registry()` holding the `include_bytes!`, this compiles in two thirds of the time
    // (bench/macro-cost.py), and the bytes are one interned allocation in the binary, not one
    // per service.
    let source = match &loaded.file {
        Some(file) => quote!(#krate::__private::Some(::core::include_bytes!(#file))),
        None => quote!(#krate::__private::None),
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Service for #ident #ty_generics #where_clause {
            const __INFO: #krate::__private::Info = #krate::__private::Info {
                id: #id,
                name: #name,
                port: #port,
                group: #group,
                env: #env,
                config: #config,
                source: #source,
            };
            #env_aliases
            #config_aliases
        }
        #track
    }
}

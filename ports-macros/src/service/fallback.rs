//! What `#[service]` emits when a check fails.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;

/// The item unchanged plus a stub impl marked `__STUB = true`, so that the user sees the real
/// error and not "no associated item `PORT`" wherever the type is used; `ports!` skips stubs in
/// its checks, so the error is not repeated there either.
pub(super) fn fallback(
    item: TokenStream,
    input: Option<&DeriveInput>,
    krate: &TokenStream,
    errors: Option<syn::Error>,
) -> TokenStream {
    let errors = errors.map(|e| e.to_compile_error());
    let Some(input) = input else { return quote! { #item #errors } };
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

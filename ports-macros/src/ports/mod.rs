//! `ports! { [crate = path;] #[attrs] vis struct Name { field: Type | "registry-id", ... } }`,
//! by phase: `parse` → `check` (the registry ids, here) → `expand` (the struct, its resolver,
//! and the const checks of every pair that involves a type, evaluated by the compiler).

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;

pub(crate) fn expand(tokens: TokenStream) -> TokenStream {
    match syn::parse2::<parse::Input>(tokens) {
        Ok(input) => expand::expand(&input),
        Err(error) => error.to_compile_error(),
    }
}

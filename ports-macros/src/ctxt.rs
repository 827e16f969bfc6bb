//! One error accumulator per macro call: every problem is recorded, then reported together.

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// The errors of one macro call. It must be consumed by [`Ctxt::check`]: a context dropped
/// unchecked would lose its errors and let wrong code compile, so in a debug build (how cargo
/// builds proc macros by default) dropping one panics, naming the bug — as serde_derive's
/// `Ctxt` does. This is a guard against a bug of this crate, never a reaction to input.
pub(crate) struct Ctxt {
    /// `None` once checked.
    errors: Option<Vec<syn::Error>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Ctxt { errors: Some(Vec::new()) }
    }

    fn errors(&mut self) -> &mut Vec<syn::Error> {
        // A checked context is consumed by `check`, so this is always `Some`; should it not be,
        // the errors still go somewhere rather than nowhere.
        self.errors.get_or_insert_with(Vec::new)
    }

    pub(crate) fn error_at(&mut self, span: Span, message: impl Display) {
        self.errors().push(syn::Error::new(span, message));
    }

    pub(crate) fn error_spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors().push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors().push(error);
    }

    /// All errors as one `syn::Error`, or `None`. Consumes the context.
    pub(crate) fn check(mut self) -> Option<syn::Error> {
        let mut errors = self.errors.take()?.into_iter();
        let mut first = errors.next()?;
        for error in errors {
            first.combine(error);
        }
        Some(first)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if cfg!(debug_assertions) && self.errors.is_some() && !std::thread::panicking() {
            panic!("ports-macros bug: a Ctxt was dropped without `check`, so its errors would be lost");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;
    use proc_macro2::Span;

    #[test]
    fn check_returns_every_error_in_order() {
        let mut cx = Ctxt::new();
        cx.error_at(Span::call_site(), "first");
        cx.error_at(Span::call_site(), "second");
        let messages: Vec<String> = cx.check().into_iter().flatten().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
        assert!(Ctxt::new().check().is_none());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a Ctxt was dropped without `check`")]
    fn an_unchecked_context_panics_when_dropped() {
        let mut cx = Ctxt::new();
        cx.error_at(Span::call_site(), "lost");
        drop(cx);
    }
}

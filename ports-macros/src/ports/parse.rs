//! The tokens of `ports!`, as a typed view that keeps each syn node for its span.

use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{braced, Attribute, Generics, Ident, LitStr, Token, Type, Visibility};

pub(super) struct Input {
    pub(super) krate: Option<syn::Path>,
    pub(super) attrs: Vec<Attribute>,
    pub(super) vis: Visibility,
    pub(super) name: Ident,
    pub(super) fields: Vec<Field>,
}

pub(super) struct Field {
    pub(super) attrs: Vec<Attribute>,
    pub(super) vis: Visibility,
    pub(super) name: Ident,
    pub(super) kind: Kind,
}

pub(super) enum Kind {
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
            // Spanned on the parameters, else on the where clause (which `Generics` does not print).
            let (tokens, what) = match (generics.params.is_empty(), &generics.where_clause) {
                (true, clause) => (clause.to_token_stream(), "the where clause"),
                (false, Some(_)) => (generics.to_token_stream(), "the parameters and the where clause"),
                (false, None) => (generics.to_token_stream(), "the parameters"),
            };
            return Err(syn::Error::new_spanned(
                tokens,
                format!("a ports! struct cannot be generic: every field of `{name}` is a `ports_core::Endpoint`; remove {what}"),
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
    pub(super) fn describe(&self) -> String {
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
    pub(super) fn cfgs(&self) -> Vec<&Attribute> {
        self.attrs.iter().filter(|a| a.path().is_ident("cfg")).collect()
    }
}

//! Parsing the arguments of `#[service(...)]`: one table of accepted keys drives parsing, the
//! repeated/missing checks and the text that lists what is accepted.

use ports_core::port_from;
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitInt, LitStr, Token};

use crate::ctxt::Ctxt;

/// The parsed arguments, each value with the token it came from (for spans).
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) port: Option<(u16, LitInt)>,
    pub(crate) group: Option<LitStr>,
    pub(crate) id: Option<LitStr>,
    pub(crate) krate: Option<syn::Path>,
}

/// One accepted key: its name, what its value looks like, whether it must be given, and how
/// its value is read into [`Args`].
struct Key {
    name: &'static str,
    shape: &'static str,
    required: bool,
    read: fn(TokenStream, &mut Args, &mut Ctxt),
}

const KEYS: &[Key] = &[
    Key { name: "port", shape: "<integer>", required: true, read: read_port },
    Key { name: "group", shape: "\"<group id>\"", required: true, read: read_group },
    Key { name: "id", shape: "\"<service id>\"", required: false, read: read_id },
    Key { name: "crate", shape: "\"<path to ports_core>\"", required: false, read: read_crate },
];

/// `#[service] accepts ...`, from the table.
pub(crate) fn accepted() -> String {
    let show = |k: &Key| format!("`{} = {}`", k.name, k.shape);
    let required: Vec<String> = KEYS.iter().filter(|k| k.required).map(show).collect();
    let optional: Vec<String> = KEYS.iter().filter(|k| !k.required).map(show).collect();
    format!("#[service] accepts {}, and optionally {}", required.join(", "), optional.join(" and "))
}

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
            input.call(Ident::parse_any)?
        };
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(key.span(), format!("expected `{key} = ...`; {}", accepted())));
        }
        let eq: Token![=] = input.parse()?;
        let mut value = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            // `group = "rust" port = 4411`: the next `key =` after a value is a missing comma,
            // one error there, rather than a bad `group` and a missing `port`.
            if !value.is_empty() && input.peek(Ident::peek_any) && input.peek2(Token![=]) {
                let next = input.fork().call(Ident::parse_any)?;
                return Err(input.error(format!("expected `,` before `{next}`: arguments are separated by commas")));
            }
            value.extend([input.parse::<TokenTree>()?]);
        }
        Ok(Arg { key, value, eq_span: eq.span })
    }
}

/// Parses the attribute's arguments; every problem goes to `cx`.
pub(crate) fn parse(tokens: TokenStream, cx: &mut Ctxt) -> Args {
    let mut args = Args::default();
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(parsed) => parsed,
        Err(error) => {
            // Unparsable arguments: do not also report the ones that seem missing.
            cx.push(error);
            return args;
        }
    };
    let mut written: Vec<&'static str> = Vec::new();
    for arg in parsed {
        let name = arg.key.to_string();
        let Some(key) = KEYS.iter().find(|k| k.name == name) else {
            cx.error_spanned(&arg.key, format!("unknown argument `{name}`; {}", accepted()));
            continue;
        };
        if written.contains(&key.name) {
            cx.error_spanned(&arg.key, format!("`{name}` is given more than once; {}", accepted()));
            continue;
        }
        written.push(key.name);
        if arg.value.is_empty() {
            cx.error_at(arg.eq_span, format!("`{name} =` needs a value; {}", accepted()));
            continue;
        }
        (key.read)(arg.value, &mut args, cx);
    }
    for key in KEYS.iter().filter(|k| k.required && !written.contains(&k.name)) {
        cx.error_at(Span::call_site(), format!("missing `{} = {}`; {}", key.name, key.shape, accepted()));
    }
    args
}

fn read_port(value: TokenStream, args: &mut Args, cx: &mut Ctxt) {
    const RANGE: &str = "a port is an integer literal from 1 to 65535, e.g. port = 4410";
    let Ok(lit) = syn::parse2::<LitInt>(value.clone()) else {
        cx.error_spanned(value, format!("expected an integer literal: {RANGE}"));
        return;
    };
    let Some(port) = lit.base10_parse::<u64>().ok().and_then(port_from) else {
        cx.error_spanned(value, format!("port {} is out of range: {RANGE}", lit.base10_digits()));
        return;
    };
    match lit.suffix() {
        "" | "u16" => args.port = Some((port, lit)),
        suffix => {
            let why = match suffix {
                "u8" | "i8" => format!("`{suffix}` cannot hold ports (they go up to 65535)"),
                _ => format!("a port is a `u16`, not `{suffix}`"),
            };
            cx.error_spanned(
                &lit,
                format!("the suffix `{suffix}` is the problem: {why}; write port = {port} or port = {port}u16"),
            );
        }
    }
}

fn read_str(value: TokenStream, key: &str, example: &str, cx: &mut Ctxt) -> Option<LitStr> {
    match syn::parse2::<LitStr>(value.clone()) {
        Ok(lit) if lit.suffix().is_empty() => Some(lit),
        Ok(lit) => {
            cx.error_spanned(
                &lit,
                format!("`{key}` takes a plain string literal, without the suffix `{}`", lit.suffix()),
            );
            None
        }
        Err(_) => {
            cx.error_spanned(value, format!("`{key}` takes a string literal, e.g. {key} = {example}"));
            None
        }
    }
}

fn read_group(value: TokenStream, args: &mut Args, cx: &mut Ctxt) {
    args.group = read_str(value, "group", "\"rust\"", cx);
}

fn read_id(value: TokenStream, args: &mut Args, cx: &mut Ctxt) {
    args.id = read_str(value, "id", "\"zero-gateway\"", cx);
}

fn read_crate(value: TokenStream, args: &mut Args, cx: &mut Ctxt) {
    if let Some(lit) = read_str(value, "crate", "\"::ports_core\"", cx) {
        match lit.parse::<syn::Path>() {
            Ok(path) => args.krate = Some(path),
            Err(_) => cx.error_spanned(&lit, "`crate` must be a path, e.g. crate = \"::ports_core\""),
        }
    }
}

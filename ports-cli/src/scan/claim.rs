//! `#[service(port = N, group = "G", id = "..")]` claims in Rust source: the checked source of
//! truth, which `scan` does not report unless they contradict the registry, and which `move`
//! rewrites (port and group). A light reader of tokens, not a Rust parser: the attribute may
//! spread over lines and be written with a path (`#[ports_macros::service(..)]`); the type it
//! is on gives the id when none is written (`ZeroGateway` → `zero-gateway`, as the macro
//! derives it).

use heck::ToKebabCase;

/// A `#[service(..)]` attribute with a port literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustClaim {
    /// The byte range of the port's digits.
    pub port: (usize, usize),
    /// The port claimed.
    pub port_value: u16,
    /// The byte range of the group string's contents (between the quotes), if written.
    pub group: Option<(usize, usize)>,
    /// The id claimed: `id = ".."`, else the kebab-case of the type's name.
    pub id: Option<String>,
}

/// Every claim in a Rust source text.
#[must_use]
pub fn claims(text: &[u8]) -> Vec<RustClaim> {
    let mut found = Vec::new();
    for at in memchr::memmem::find_iter(text, b"service") {
        if let Some(claim) = claim_at(text, at) {
            found.push(claim);
        }
    }
    found
}

/// Past whitespace and comments (`// ..` to the end of the line, `/* .. */`).
fn skip_ws(text: &[u8], mut i: usize) -> usize {
    loop {
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        let rest = &text[i..];
        if rest.starts_with(b"//") {
            i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            i += memchr::memmem::find(&rest[2..], b"*/").map_or(rest.len(), |e| e + 4);
        } else {
            return i;
        }
    }
}

fn skip_ws_back(text: &[u8], mut i: usize) -> usize {
    while i > 0 && text[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// How far past its `service` word a claim (the attribute and the name of the item it is on) is
/// looked for, and how many path segments before it: each occurrence of the word costs a bounded
/// amount of work, so a file full of `service(` or `service::` is read in linear time.
const WINDOW: usize = 8 << 10;
const MAX_SEGMENTS: usize = 8;

/// A claim whose `service` word starts at `at`.
fn claim_at(text: &[u8], at: usize) -> Option<RustClaim> {
    if at > 0 && ident_byte(text[at - 1]) || text.get(at + 7).is_some_and(|&b| ident_byte(b)) {
        return None;
    }
    let text = &text[..text.len().min(at + WINDOW)];
    // Backwards: `#[` then an optional path `a::b::`.
    let mut i = skip_ws_back(text, at);
    let mut segments = 0;
    while i >= 2 && &text[i - 2..i] == b"::" {
        segments += 1;
        if segments > MAX_SEGMENTS {
            return None;
        }
        i = skip_ws_back(text, i - 2);
        let start = text[..i].iter().rposition(|&b| !ident_byte(b)).map_or(0, |p| p + 1);
        if start == i {
            // A path from the crate root: `#[::ports_macros::service(..)]`.
            break;
        }
        i = skip_ws_back(text, start);
    }
    // Inside `#[cfg_attr(predicate, ..., service(..))]`: the attribute starts before `cfg_attr`.
    let in_cfg_attr = i > 0 && text[i - 1] == b',';
    if in_cfg_attr {
        i = cfg_attr_start(text, i - 1)?;
    }
    if i == 0 || text[i - 1] != b'[' {
        return None;
    }
    let hash = skip_ws_back(text, i - 1);
    if hash == 0 || text[hash - 1] != b'#' {
        return None;
    }
    let open = skip_ws(text, at + 7);
    if text.get(open) != Some(&b'(') {
        return None;
    }
    let (args, close) = arguments(text, open + 1)?;
    let close = if in_cfg_attr { closing_paren(text, close + 1)? } else { close };
    let bracket = skip_ws(text, close + 1);
    if text.get(bracket) != Some(&b']') {
        return None;
    }
    let mut port = None;
    let mut group = None;
    let mut id = None;
    for (key, value) in args {
        match (key, value) {
            ("port", Value::Int(start, end)) => port = Some((start, end)),
            ("group", Value::Str(start, end)) => group = Some((start, end)),
            ("id", Value::Str(start, end)) => id = std::str::from_utf8(&text[start..end]).ok().map(str::to_owned),
            _ => {}
        }
    }
    let (start, end) = port?;
    let port_value = std::str::from_utf8(&text[start..end]).ok()?.parse().ok()?;
    let id = id.or_else(|| type_name(text, bracket + 1).map(|name| name.to_kebab_case()));
    Some(RustClaim { port: (start, end), port_value, group, id })
}

/// The offset of `cfg_attr` in `#[cfg_attr(predicate, .., service` whose comma before `service`
/// is at `comma`, after whitespace is skipped back from it: where the `[` is looked for.
fn cfg_attr_start(text: &[u8], comma: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = comma;
    let floor = comma.saturating_sub(1024);
    loop {
        if i <= floor {
            return None;
        }
        i -= 1;
        match text[i] {
            b')' => depth += 1,
            b'(' if depth == 0 => break,
            b'(' => depth -= 1,
            b'[' | b']' | b';' | b'{' | b'}' => return None,
            _ => {}
        }
    }
    let end = skip_ws_back(text, i);
    let start = end.checked_sub(8)?;
    (&text[start..end] == b"cfg_attr" && (start == 0 || !ident_byte(text[start - 1])))
        .then(|| skip_ws_back(text, start))
}

/// The offset of the `)` that closes the parenthesis open at `i` (depth 1 there), within a
/// bounded window.
fn closing_paren(text: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    let ceiling = i.saturating_add(1024).min(text.len());
    while i < ceiling {
        match text[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => i += memchr::memchr(b'"', &text[i + 1..ceiling])? + 1,
            _ => {}
        }
        i += 1;
    }
    None
}

enum Value {
    /// The digits of an integer literal (its suffix left out).
    Int(usize, usize),
    /// The contents of a string literal.
    Str(usize, usize),
    Other,
}

/// The `key = value` arguments from `i` to the closing parenthesis, and its offset.
fn arguments(text: &[u8], mut i: usize) -> Option<(Vec<(&'static str, Value)>, usize)> {
    let mut args = Vec::new();
    loop {
        i = skip_ws(text, i);
        match text.get(i)? {
            b')' => return Some((args, i)),
            b',' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let key_start = i;
        while i < text.len() && ident_byte(text[i]) {
            i += 1;
        }
        let key = match &text[key_start..i] {
            b"port" => "port",
            b"group" => "group",
            b"id" => "id",
            b"" => return None,
            _ => "",
        };
        i = skip_ws(text, i);
        if text.get(i) != Some(&b'=') {
            return None;
        }
        i = skip_ws(text, i + 1);
        let value = match text.get(i)? {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while *text.get(j)? != b'"' {
                    j += if text[j] == b'\\' { 2 } else { 1 };
                }
                i = j + 1;
                Value::Str(start, j)
            }
            // A raw string: `r"rust"`, `r#"rust"#`.
            b'r' if matches!(text.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = text[i + 1..].iter().take_while(|&&b| b == b'#').count();
                let quote = i + 1 + hashes;
                if text.get(quote) != Some(&b'"') {
                    return None;
                }
                let start = quote + 1;
                let mut closing = vec![b'"'];
                closing.resize(1 + hashes, b'#');
                let end = start + memchr::memmem::find(&text[start..], &closing)?;
                i = end + closing.len();
                Value::Str(start, end)
            }
            b'0'..=b'9' => {
                let start = i;
                while i < text.len() && text[i].is_ascii_digit() {
                    i += 1;
                }
                let end = i;
                while i < text.len() && ident_byte(text[i]) {
                    i += 1; // a suffix
                }
                Value::Int(start, end)
            }
            _ => {
                while i < text.len() && !matches!(text[i], b',' | b')') {
                    i += 1;
                }
                Value::Other
            }
        };
        args.push((key, value));
    }
}

/// The name of the struct or enum after an attribute: other attributes, comments and
/// visibility skipped.
fn type_name(text: &[u8], mut i: usize) -> Option<&str> {
    for _ in 0..64 {
        i = skip_ws(text, i);
        let rest = &text[i..];
        if rest.starts_with(b"//") {
            i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            i += memchr::memmem::find(rest, b"*/").map_or(rest.len(), |e| e + 2);
        } else if rest.starts_with(b"#") {
            // Another attribute: to its closing bracket.
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match text.get(j)? {
                    b'[' => depth += 1,
                    b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else {
            let start = i;
            while i < text.len() && ident_byte(text[i]) {
                i += 1;
            }
            let word = std::str::from_utf8(&text[start..i]).ok()?;
            match word {
                "pub" => {
                    let next = skip_ws(text, i);
                    if text.get(next) == Some(&b'(') {
                        i = next + memchr::memchr(b')', &text[next..])? + 1;
                    }
                }
                "struct" | "enum" | "union" => {
                    let start = skip_ws(text, i);
                    let mut end = start;
                    while end < text.len() && ident_byte(text[end]) {
                        end += 1;
                    }
                    return std::str::from_utf8(&text[start..end]).ok().filter(|n| !n.is_empty());
                }
                _ => return None,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str) -> Option<(u16, Option<String>, Option<String>)> {
        let found = claims(source.as_bytes());
        assert!(found.len() <= 1, "{found:?}");
        found.into_iter().next().map(|c| {
            let group = c.group.map(|(s, e)| source[s..e].to_owned());
            (c.port_value, group, c.id)
        })
    }

    #[test]
    fn claims_in_every_shape() {
        let gw = |port, group: &str, id: &str| Some((port, Some(group.to_owned()), Some(id.to_owned())));
        type Case<'a> = (&'a str, Option<(u16, Option<String>, Option<String>)>);
        let table: &[Case<'_>] = &[
            ("#[service(port = 4410, group = \"rust\")]\npub struct ZeroGateway;", gw(4410, "rust", "zero-gateway")),
            (
                "#[ports_macros::service(\n    port = 4411,\n    group = \"rust\",\n)]\n/// Doc.\n#[derive(Debug)]\npub(crate) struct ZeroChannels { x: u8 }",
                gw(4411, "rust", "zero-channels"),
            ),
            ("#[service(group = \"rust\", port = 4412u16, id = \"zero-workflow\")] enum W {}", gw(4412, "rust", "zero-workflow")),
            ("# [ service ( port = 4410 , group = \"rust\" ) ] struct HTTPServer;", gw(4410, "rust", "http-server")),
            ("#[::ports_macros::service(port = 4410, group = \"rust\")] struct ZeroGateway;", gw(4410, "rust", "zero-gateway")),
            ("fn service(port: u16) {}", None),
            ("#[service(group = \"rust\")] struct NoPort;", None),
            ("#[derive(service)] struct X;", None),
            ("#[other(port = 4410)] struct X;", None),
            ("#[service(port = 4410, group = \"ru", None),
            (
                "#[service(\n    group = \"rust\", // the Zero group\n    /* see ADR 7 */ port = 4410,\n)] struct ZeroGateway;",
                gw(4410, "rust", "zero-gateway"),
            ),
            ("#[service(port = 4410 /* x */, group = r\"rust\")] struct ZeroGateway;", gw(4410, "rust", "zero-gateway")),
            ("#[service(port = 4410, group = r#\"rust\"#)] struct ZeroGateway;", gw(4410, "rust", "zero-gateway")),
            (
                "#[cfg_attr(feature = \"zero\", service(port = 4411, group = \"rust\"))] struct ZeroChannels;",
                gw(4411, "rust", "zero-channels"),
            ),
            (
                "#[cfg_attr(all(unix, feature = \"z\"), derive(Debug), ports_macros::service(port = 4411, group = \"rust\"), allow(x))]\nstruct ZeroChannels;",
                gw(4411, "rust", "zero-channels"),
            ),
            ("fn f(a: u8, service(x)) {}", None),
            ("#[cfg_attr(test, service(port = 4410, group = \"rust\")", None),
        ];
        for (source, want) in table {
            assert_eq!(one(source), *want, "{source}");
        }
    }

    #[test]
    fn the_port_span_covers_the_digits_only() {
        let source = "#[service(port = 4410u16, group = \"rust\")] struct ZeroGateway;";
        let claim = &claims(source.as_bytes())[0];
        assert_eq!(&source[claim.port.0..claim.port.1], "4410");
    }
}

//! One file's text, literal by literal: lines found as the literals are (one pass), the
//! `ports:ignore` lines skipped, each line's names found once, each literal attributed and
//! classified. Linear in the text.

use super::claim::{claims, RustClaim};
use super::classify::{classify, Context, Style, Verdict};
use super::lexer::{Lexer, Literal};
use super::names::{attribute_into, Index, Name, Via};

/// A line containing this is skipped.
pub const IGNORE_MARK: &[u8] = b"ports:ignore";

/// One literal of the block in a file, with its verdict.
#[derive(Debug, Clone)]
pub struct Occurrence<'a> {
    /// Its bytes in the file.
    pub literal: Literal,
    /// Its line, from 1.
    pub line: u32,
    /// Its column, in characters, from 1.
    pub column: u32,
    /// The verdict.
    pub verdict: Verdict<'a>,
    /// The `#[service]` claim it is the port of.
    pub claim: Option<&'a RustClaim>,
    /// Whether its line holds `ports:ignore`: not classified, left as it is by every rewrite.
    pub ignored: bool,
}

/// Characters in UTF-8 bytes: the bytes that do not continue a character.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// UTF-8's byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Calls `sink` for every port literal of `text`, in order; those on `ports:ignore` lines are
/// marked `ignored` and not classified.
pub fn scan_text(index: &Index<'_>, text: &[u8], style: Style, mut sink: impl FnMut(Occurrence<'_>)) {
    let lexer = Lexer::new(index.registry.block);
    let claims = if style == Style::Rust { claims(text) } else { Vec::new() };
    let mut literals = lexer.literals(text).peekable();
    let mut line_no: usize = 1;
    let mut counted_to = 0;
    // Buffers reused line after line.
    let mut batch: Vec<Literal> = Vec::new();
    let mut relative: Vec<Literal> = Vec::new();
    let mut names: Vec<Name> = Vec::new();
    let mut attributed: Vec<Option<usize>> = Vec::new();
    let mut named_on_line: Vec<usize> = Vec::new();
    while let Some(first) = literals.next() {
        line_no += memchr::memchr_iter(b'\n', &text[counted_to..first.start]).count();
        counted_to = first.start;
        let line_start = memchr::memrchr(b'\n', &text[..first.start]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &text[first.end..]).map_or(text.len(), |i| first.end + i);
        batch.clear();
        batch.push(first);
        while let Some(next) = literals.next_if(|l| l.start < line_end) {
            batch.push(next);
        }
        let line = &text[line_start..line_end];
        let ignored = memchr::memmem::find(line, IGNORE_MARK).is_some();
        relative.clear();
        relative.extend(batch.iter().map(|l| Literal {
            start: l.start - line_start,
            end: l.end - line_start,
            port: l.port,
        }));
        if ignored {
            names.clear();
        } else {
            index.names_into(line, &mut names);
        }
        attribute_into(&relative, &names, &mut attributed);
        // The services the line names by id or human name, once per line (for Markdown).
        named_on_line.clear();
        if style == Style::Markdown {
            named_on_line.extend(names.iter().filter_map(|n| match n.service {
                Some((s, Via::Id | Via::Name)) => Some(s),
                _ => None,
            }));
            named_on_line.sort_unstable();
            named_on_line.dedup();
        }
        // A byte-order mark is no character of the first line: editors do not show it.
        let bom = if line_start == 0 && text.starts_with(BOM) { BOM.len() } else { 0 };
        let (mut column, mut column_at) = (1, line_start + bom);
        for (literal, &named) in batch.iter().zip(&attributed) {
            column += chars(&text[column_at..literal.start]);
            column_at = literal.start;
            let owner = index.owner(literal.port);
            let owner_on_line = owner.is_some_and(|o| named_on_line.binary_search(&o).is_ok());
            let claim = claims.binary_search_by_key(&literal.start, |c| c.port.0).ok().map(|i| &claims[i]);
            let named = named.map(|n| {
                let name = &names[n];
                (name.service, std::str::from_utf8(&line[name.start..name.end]).unwrap_or_default())
            });
            let cx =
                Context { port: literal.port, style, named, owner_on_line, claim: claim.and_then(|c| c.id.as_deref()) };
            let verdict =
                if ignored { Verdict { belongs_to: None, finding: None, fix: None } } else { classify(index, &cx) };
            sink(Occurrence {
                literal: *literal,
                line: u32::try_from(line_no).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
                verdict,
                claim,
                ignored,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use ports_core::Registry;

    use super::*;

    fn positions(text: &[u8]) -> Vec<(u32, u32)> {
        let index = Index::new(Registry::embedded());
        let mut found = Vec::new();
        scan_text(&index, text, Style::Other, |o| found.push((o.line, o.column)));
        found
    }

    #[test]
    fn columns_count_characters_and_skip_a_byte_order_mark() {
        assert_eq!(positions(b"WEB=4401\n"), [(1, 5)]);
        assert_eq!(positions(b"\xEF\xBB\xBFWEB=4401\nX=4401"), [(1, 5), (2, 3)]);
        assert_eq!(positions("é=4401 ü=4402".as_bytes()), [(1, 3), (1, 10)]);
    }
}

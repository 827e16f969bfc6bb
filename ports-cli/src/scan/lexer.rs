//! The port literals of a text: a decimal integer of the block standing alone — not part of a
//! longer number (`44100`), a version or a decimal (`1.4410.2`, `4410.5`), a hex literal or a
//! word (`0x4410`, `4410ms`, `v4410`; a Rust integer suffix is no word: `4410u16` is a port),
//! an issue number (`#4410`) — and not an end of a range (`4404-4409`).
//!
//! One pass, linear in the text: `memchr`'s substring finder for the block's common decimal
//! prefix (`44` for 4400-4449), then a constant-time check of each hit's neighbours.

use ports_core::Block;

/// A port literal: its byte range in the text and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal {
    /// The offset of its first digit.
    pub start: usize,
    /// The offset just past its last digit.
    pub end: usize,
    /// The port.
    pub port: u16,
}

/// What the lexer needs of the block, computed once per scan.
#[derive(Debug, Clone)]
pub struct Lexer {
    block: Block,
    /// The decimal prefix every port of the block shares (empty when none).
    prefix: Vec<u8>,
    /// The number of digits of every port of the block, when they all have the same.
    digits: Option<usize>,
}

impl Lexer {
    /// The lexer for `block`.
    #[must_use]
    pub fn new(block: Block) -> Lexer {
        let (start, end) = (block.start.to_string(), block.end.to_string());
        let digits = (start.len() == end.len()).then_some(start.len());
        let prefix = if digits.is_some() {
            start.bytes().zip(end.bytes()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
        } else {
            Vec::new()
        };
        Lexer { block, prefix, digits }
    }

    /// Every port literal of the block in `text`, in order.
    pub fn literals<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = Literal> + 't {
        let candidates: Box<dyn Iterator<Item = usize> + 't> = if self.prefix.is_empty() {
            Box::new((0..text.len()).filter(move |&i| text[i].is_ascii_digit()))
        } else {
            Box::new(memchr::memmem::find_iter(text, &self.prefix))
        };
        candidates.filter_map(move |start| self.literal_at(text, start))
    }

    fn literal_at(&self, text: &[u8], start: usize) -> Option<Literal> {
        if start > 0 && text[start - 1].is_ascii_digit() {
            return None; // inside a longer number
        }
        // At most six digits are looked at: a longer run is no port, whatever its length.
        let run = text[start..].iter().take(6).take_while(|b| b.is_ascii_digit()).count();
        let end = start + run;
        if run > 5 || self.digits.is_some_and(|d| run != d) {
            return None;
        }
        let port = text[start..end].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        let port = u16::try_from(port).ok()?;
        if !self.block.contains(port) {
            return None;
        }
        let before = start.checked_sub(1).map(|i| text[i]);
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        // A Rust integer suffix is part of the literal (`4410u16`, `4410_u16`), not a word.
        let suffixed = end + rust_suffix(&text[end..]);
        let after = text.get(suffixed).copied();
        if before.is_some_and(word) || after.is_some_and(word) {
            return None;
        }
        // An issue or pull request (`#4410`, `PR #4410`), not a port.
        if before == Some(b'#') {
            return None;
        }
        // A signed number (`-4410`, `x = +4410`); `${PORT:-4410}` (a shell default) is a port.
        if matches!(before, Some(b'-' | b'+'))
            && start
                .checked_sub(2)
                .is_none_or(|i| matches!(text[i], b' ' | b'\t' | b'\n' | b'=' | b'(' | b'[' | b'{' | b','))
        {
            return None;
        }
        // The value of a key that is no port: `GATEWAY_TIMEOUT=4410`, `retries: 4410`.
        if key_before(text, start).is_some_and(names_no_port) {
            return None;
        }
        let digit_at = |i: Option<usize>| i.and_then(|i| text.get(i)).is_some_and(u8::is_ascii_digit);
        // A version or a decimal: `1.4410`, `4410.2`.
        if (before == Some(b'.') && digit_at(start.checked_sub(2))) || (after == Some(b'.') && digit_at(Some(end + 1)))
        {
            return None;
        }
        // A range: `A-B`, either end.
        if (after == Some(b'-') && digit_at(Some(end + 1))) || (before == Some(b'-') && digit_at(start.checked_sub(2)))
        {
            return None;
        }
        Some(Literal { start, end, port })
    }
}

/// The key a value at `start` is assigned to (`KEY=`, `key: `, `"key": `, `key = `, the shell
/// default `${KEY:-`), when there is one just before it on its line. A `:` with nothing between
/// it and the value and no quote before it is a host's (`orders-ms:4410`), not a key's.
fn key_before(text: &[u8], start: usize) -> Option<&[u8]> {
    let floor = start.saturating_sub(128);
    let mut i = start;
    let back = |i: &mut usize, skip: &dyn Fn(u8) -> bool| {
        while *i > floor && skip(text[*i - 1]) {
            *i -= 1;
        }
    };
    back(&mut i, &|b| matches!(b, b'"' | b'\'' | b' ' | b'\t'));
    if i == floor {
        return None;
    }
    let spaced = i < start;
    match text[i - 1] {
        b'=' => i -= 1,
        b'-' if i >= floor + 2 && text[i - 2] == b':' => i -= 2,
        b':' if spaced || (i >= floor + 2 && matches!(text[i - 2], b'"' | b'\'')) => i -= 1,
        _ => return None,
    }
    back(&mut i, &|b| matches!(b, b'"' | b'\'' | b' ' | b'\t'));
    let end = i;
    back(&mut i, &|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (i < end).then(|| &text[i..end])
}

/// Words that, last in a key, say its value is not a port (`GATEWAY_TIMEOUT`, `maxRetries`).
const NO_PORT_WORDS: &[&str] = &[
    "bytes", "count", "delay", "gid", "id", "interval", "limit", "max", "memory", "min", "ms", "pid", "replicas",
    "retries", "retry", "seconds", "secs", "size", "threads", "timeout", "ttl", "uid", "version", "weight", "workers",
];

/// Whether `key`'s last word (split on `_`, `-`, `.` and camelCase) is one of [`NO_PORT_WORDS`].
fn names_no_port(key: &[u8]) -> bool {
    let start = key
        .iter()
        .enumerate()
        .rev()
        .find(|&(i, &b)| {
            matches!(b, b'_' | b'-' | b'.') || (i > 0 && b.is_ascii_uppercase() && key[i - 1].is_ascii_lowercase())
        })
        .map_or(0, |(i, &b)| if b.is_ascii_uppercase() { i } else { i + 1 });
    let word = &key[start..];
    // No allocation: this runs for every literal that follows a key.
    NO_PORT_WORDS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// The length of the Rust integer suffix `rest` starts with (`u16`, `_u16`, `usize`...), or 0.
fn rust_suffix(rest: &[u8]) -> usize {
    const SUFFIXES: [&[u8]; 12] =
        [b"u8", b"u16", b"u32", b"u64", b"u128", b"usize", b"i8", b"i16", b"i32", b"i64", b"i128", b"isize"];
    let underscore = usize::from(rest.first() == Some(&b'_'));
    let rest = &rest[underscore..];
    SUFFIXES
        .iter()
        .filter(|s| rest.starts_with(s))
        .map(|s| s.len())
        .max()
        .filter(|&len| !rest.get(len).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_'))
        .map_or(0, |len| underscore + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(text: &str) -> Vec<u16> {
        Lexer::new(Block { start: 4400, end: 4449 }).literals(text.as_bytes()).map(|l| l.port).collect()
    }

    #[test]
    fn literals_of_the_readme_rules() {
        let table: &[(&str, &[u16])] = &[
            ("PORT=4410", &[4410]),
            ("listen 4410;", &[4410]),
            ("\"4410\"", &[4410]),
            ("localhost:4411/x", &[4411]),
            ("44100", &[]),
            ("144100", &[]),
            ("4410ms", &[]),
            ("v4410", &[]),
            ("0x4410", &[]),
            ("1.4410.2", &[]),
            ("4410.5", &[]),
            ("version 1.4410", &[]),
            ("4404-4409", &[]),
            ("4404 - 4409", &[4404, 4409]),
            ("-4410", &[]),
            ("x = +4410, y=-4411", &[]),
            ("${PORT:-4410}", &[4410]),
            ("a:-4410 b=4411", &[4410, 4411]),
            ("GATEWAY_TIMEOUT=4410 GATEWAY_PORT=4411", &[4411]),
            ("retries: 4410", &[]),
            ("\"maxRetries\": 4410, \"port\": 4411", &[4411]),
            ("pid=4410 uid 4411", &[4411]),
            ("gateway.timeout = 4410", &[]),
            ("TIMEOUT_PORT=4410", &[4410]),
            (
                "http://orders-ms:4410 KAFKA=kafka-ms:4411 \"user-ms:4412\" redis://cache.max:4413",
                &[4410, 4411, 4412, 4413],
            ),
            ("\"timeout\":4410 'retries':4411 retries:4412", &[4412]),
            ("${GATEWAY_TIMEOUT:-4410} ${GATEWAY_PORT:-4411}", &[4411]),
            ("4410.", &[4410]),
            ("4450", &[]),
            ("4399", &[]),
            ("_4410", &[]),
            ("4410_", &[]),
            ("4410u16", &[4410]),
            ("port = 4410_u16,", &[4410]),
            ("4410usize", &[4410]),
            ("4410u", &[]),
            ("4410u16x", &[]),
            ("4410u1600", &[]),
            ("PR #4410", &[]),
            ("issue #4410, port 4411", &[4411]),
            ("(4410,4411)", &[4410, 4411]),
            ("4410\n4411", &[4410, 4411]),
            ("४४१०", &[]),
            ("", &[]),
        ];
        for (text, want) in table {
            assert_eq!(ports(text), *want, "{text:?}");
        }
    }

    #[test]
    fn positions_are_byte_offsets() {
        let lexer = Lexer::new(Block { start: 4400, end: 4449 });
        let found: Vec<Literal> = lexer.literals("é 4410".as_bytes()).collect();
        assert_eq!(found, [Literal { start: 3, end: 7, port: 4410 }]);
    }

    #[test]
    fn a_block_without_a_common_prefix() {
        let lexer = Lexer::new(Block { start: 90, end: 110 });
        let found: Vec<u16> = lexer.literals(b"a 95 b 105 c 89 d 111 e 1000").map(|l| l.port).collect();
        assert_eq!(found, [95, 105]);
    }

    #[test]
    fn many_ports_on_one_line_are_all_found() {
        let line = "4410 ".repeat(20_000);
        assert_eq!(ports(&line).len(), 20_000);
    }
}

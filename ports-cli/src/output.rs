//! Tables, colour (only on a terminal, never with NO_COLOR) and JSON printing.

use std::io::IsTerminal;

use serde::Serialize;

use crate::failure::Failure;

pub(crate) fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn paint(code: &str, text: &str, enabled: bool) -> String {
    if enabled {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

pub(crate) fn red(text: &str) -> String {
    paint("31", text, color_enabled())
}

pub(crate) fn green(text: &str) -> String {
    paint("32", text, color_enabled())
}

pub(crate) fn bold(text: &str) -> String {
    paint("1", text, color_enabled())
}

pub(crate) fn error_text(message: &str) -> String {
    let enabled = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal();
    format!("{} {message}", paint("1;31", "error:", enabled))
}

/// The width of `text` in a terminal: CJK and full-width characters take two columns.
pub(crate) fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// A plain table: a header row and rows, columns padded to their widest cell (the last one
/// not padded). `decorate` may colour a cell after padding.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let render = |cells: Vec<String>| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < cells.len() {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        line.trim_end().to_owned()
    };
    let mut out = bold(&render(header.iter().map(|h| (*h).to_owned()).collect()));
    out.push('\n');
    for row in rows {
        out.push_str(&render(row.clone()));
        out.push('\n');
    }
    out
}

pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

//! Everything the command prints goes through here: one locked handle, a closed pipe ends the
//! command quietly, any other write error (a full disk, `> /dev/full`) is one line on standard
//! error and exit 2 — never a panic. Also: tables, colour (only on a terminal, never with
//! NO_COLOR), JSON.

use std::fmt::Display;
use std::io::{ErrorKind, IsTerminal, Write};

use crate::failure::Failure;

/// Runs `write` on one buffered, locked handle on standard output, flushed at the end; a
/// write error is worded by [`write_failure`].
///
/// # Errors
///
/// The write failure (quiet for a closed pipe).
pub fn with_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    write(&mut stdout).and_then(|()| stdout.flush()).map_err(|e| write_failure(&e))
}

/// A write error on standard output as the command's outcome: quiet for a closed pipe, else
/// exit 2 naming the error.
#[must_use]
pub fn write_failure(error: &std::io::Error) -> Failure {
    if error.kind() == ErrorKind::BrokenPipe {
        Failure::quiet()
    } else {
        Failure::usage(format!("cannot write to standard output: {error}"))
    }
}

/// Writes a line to standard error; a failure to do so is ignored (there is nowhere left to
/// report it).
pub fn warn(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

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

/// `error: message`, the prefix red on a terminal.
#[must_use]
pub fn error_text(message: &str) -> String {
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
/// not padded). Cells are printed with their control characters escaped. A cell may be
/// coloured after padding through `paint_cell`.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    table_painted(header, rows, |_, _, cell| cell.to_owned())
}

pub(crate) fn table_painted(
    header: &[&str],
    rows: &[Vec<String>],
    paint_cell: impl Fn(usize, usize, &str) -> String,
) -> String {
    let columns = header.len();
    let rows: Vec<Vec<String>> =
        rows.iter().map(|r| r.iter().map(|c| ports_core::escape_control(c).into_owned()).collect()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let render = |r: usize, cells: &[String], paint: &dyn Fn(usize, usize, &str) -> String| {
        let mut line = String::new();
        let last = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        for (i, cell) in cells.iter().enumerate().take(last) {
            line.push_str(&paint(r, i, cell));
            if i + 1 < last {
                line.push_str(&" ".repeat(widths[i].saturating_sub(width(cell)) + 2));
            }
        }
        line
    };
    let head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut out = bold(&render(0, &head, &|_, _, c| c.to_owned()));
    out.push('\n');
    for (r, row) in rows.iter().enumerate() {
        out.push_str(&render(r, row, &paint_cell));
        out.push('\n');
    }
    out
}

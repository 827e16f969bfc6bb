//! A command's outcome as data, and the one place that prints it: the text renderer, the JSON
//! renderer (serde), and for `scan` the SARIF and GitHub renderers, each writing to one
//! buffered handle on standard output.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

use crate::failure::Failure;
use crate::out;

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: tables and `path:line:column: kind: message` lines.
    Text,
    /// JSON, for scripts (`--json` is the same).
    Json,
    /// SARIF 2.1.0, for code-scanning tools (`scan` only).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=..::`), for annotations (`scan` only).
    Github,
}

impl Format {
    /// The name, as `--format` takes it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

/// What a command computed: serializable as JSON, renderable as text, with its exit code.
pub trait Report: Serialize {
    /// The text for standard output (tables, lines), ending in a newline when not empty.
    fn text(&self) -> String;

    /// The exit code: 0 ok, 1 a problem found.
    fn code(&self) -> u8 {
        0
    }

    /// Lines for standard error, in every format: warnings and notes, already worded.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// The file this command wrote, if any: once it is written, a failure to print the
    /// confirmation is a note, not a failed command.
    fn written(&self) -> Option<String> {
        None
    }

    /// Writes the report in `format`. Text and JSON by default; a command that has more
    /// formats (`scan`) overrides this.
    ///
    /// # Errors
    ///
    /// A write error, or [`io::ErrorKind::Unsupported`] for a format the command does not have.
    fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Text => out.write_all(self.text().as_bytes()),
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::other)?;
                out.write_all(b"\n")
            }
            other => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("--format {} is only for `ports scan`", other.name()),
            )),
        }
    }
}

/// Prints `report` in `format` on standard output and its notes on standard error, and returns
/// its exit code. A closed pipe ends quietly; any other write error is exit 2 (unless a file was
/// already written, which a failed confirmation does not undo).
///
/// # Errors
///
/// The write failure, as [`out::write_failure`] words it.
pub fn emit<R: Report>(report: &R, format: Format) -> Result<ExitCode, Failure> {
    let printed = out::with_stdout(|stdout| report.write(format, stdout));
    if printed.is_ok() {
        for note in report.notes() {
            out::warn(note);
        }
    }
    match (printed, report.written()) {
        (Ok(()), _) => Ok(ExitCode::from(report.code())),
        (Err(failure), Some(file)) if !failure.message.is_empty() => {
            out::warn(format!("note: {file} was written; {}", failure.message));
            Ok(ExitCode::from(report.code()))
        }
        (Err(failure), _) => Err(failure),
    }
}

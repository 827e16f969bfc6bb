//! A command's failure and its exit code.

use std::fmt::{self, Display};

/// Why a command stopped: `code` 1 for a problem found, 2 for usage or I/O; a quiet failure
/// (standard output closed by its reader) ends the command with no message.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The one line printed after `error:` (empty for a quiet failure).
    pub message: String,
}

impl Failure {
    /// A problem found (exit 1): an invalid registry, a flagged listener, drift.
    pub fn problem(message: impl Display) -> Self {
        Failure { code: 1, message: message.to_string() }
    }

    /// Usage or I/O (exit 2): an unknown group or id, a missing file.
    pub fn usage(message: impl Display) -> Self {
        Failure { code: 2, message: message.to_string() }
    }

    /// The reader of standard output went away (`ports list | head -1`): stop, say nothing,
    /// exit 0 as `head`'s writer conventionally does.
    #[must_use]
    pub fn quiet() -> Self {
        Failure { code: 0, message: String::new() }
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

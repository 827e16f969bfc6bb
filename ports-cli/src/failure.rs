//! A command's failure and its exit code.

use std::fmt::Display;

/// Why a command stopped: `code` 1 for a problem found, 2 for usage or I/O; a quiet failure
/// (standard output closed by its reader) ends the command with no message.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    /// A problem found (exit 1): an invalid registry, a flagged listener, drift.
    pub(crate) fn problem(message: impl Display) -> Self {
        Failure { code: 1, message: message.to_string() }
    }

    /// Usage or I/O (exit 2): an unknown group or id, a missing file.
    pub(crate) fn usage(message: impl Display) -> Self {
        Failure { code: 2, message: message.to_string() }
    }

    /// The reader of standard output went away (`ports list | head -1`): stop, say nothing,
    /// exit 0 as `head`'s writer conventionally does.
    pub(crate) fn quiet() -> Self {
        Failure { code: 0, message: String::new() }
    }
}

//! A command's failure and its exit code.

use std::fmt::Display;

/// Why a command stopped: `code` 1 for a problem found, 2 for usage or I/O.
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
}

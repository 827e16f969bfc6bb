//! One module per command: each reads its arguments, asks ports-core, and returns a typed
//! report (`Serialize`, with its text rendering and exit code) that [`crate::report::emit`]
//! prints. Nothing here writes to standard output.

pub mod add;
pub mod check;
pub mod doc;
pub mod export;
pub mod init;
pub mod list;
pub mod move_service;
pub mod next;
pub mod remove;
pub mod resolve;
pub mod set;
pub mod status;

/// The line that says which registry a command used, for its text output.
#[must_use]
pub fn registry_line(label: &str) -> String {
    format!("registry: {label}\n")
}

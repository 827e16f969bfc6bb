//! The `ports` command as a library: each command computes a typed report, and one renderer
//! per format prints it. The `ports` binary is a thin shell over [`run`]; the library exists so
//! that every piece can be unit-tested, fuzzed and reused (as cargo's `ops` and ripgrep's
//! flags → search → printer crates are). It follows the CLI's version, with no stability
//! promise beyond the command line itself.
//!
//! The pipeline, as the modules are laid out:
//!
//! - [`cli`]: the flags, as clap sees them;
//! - [`context`]: the registry in force, located once (load → validate is ports-core's);
//! - [`commands`]: one module per command, each a function returning a [`Report`]
//!   (`Serialize`, plus its text rendering and exit code);
//! - [`scan`]: the repository scan in seams — walk → lexer → attribution → classifier →
//!   formats (text, JSON, SARIF, GitHub);
//! - [`report`]: prints a report in the chosen format through [`out`], the one handle on
//!   standard output (a closed pipe ends the command quietly; a full disk is an error);
//! - [`fsx`]: locked, atomic writes of the user's files; [`doctable`]: the standard's
//!   allocation tables.
//!
//! Exit codes: 0 ok, 1 a problem found (invalid registry, flagged listener, drift), 2 usage or
//! I/O error (unknown group or id, missing file).
//!
//! ```
//! use clap::Parser;
//!
//! // `ports next rust --json` against the embedded registry, as a report.
//! let located = ports_cli::context::Located::embedded();
//! let report = ports_cli::commands::next::next(&located, "rust")?;
//! assert_eq!(report.port, Some(4413));
//! # let _ = ports_cli::Cli::try_parse_from(["ports", "list"])?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod cli;
pub mod commands;
pub mod context;
pub mod doctable;
pub mod edit;
pub mod failure;
pub mod fsx;
pub mod out;
pub mod report;
pub mod scan;

use std::process::ExitCode;

pub use crate::cli::{Cli, Command};
use crate::context::Located;
pub use crate::failure::Failure;
pub use crate::report::Report;

/// Runs a parsed command line: the report computed, printed, and the exit code returned. A
/// failure is one line on standard error (`error: ...`).
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                out::warn(out::error_text(&failure.message));
            }
            ExitCode::from(failure.code)
        }
    }
}

/// The exit for an argument error or for `--help` / `--version`: their text printed where clap
/// sends it; a closed pipe is no error, a failed write (`ports --help > /dev/full`) is exit 2.
#[must_use]
pub fn clap_exit(error: &clap::Error) -> ExitCode {
    if let Err(write) = error.print() {
        if write.kind() != std::io::ErrorKind::BrokenPipe {
            out::warn(out::error_text(&format!("cannot write the help text: {write}")));
            return ExitCode::from(2);
        }
    }
    ExitCode::from(if error.use_stderr() { 2 } else { 0 })
}

fn dispatch(cli: Cli) -> Result<ExitCode, Failure> {
    let flag = cli.registry.as_deref();
    if let Command::Init { path } = &cli.command {
        return report::emit(&commands::init::init(path.as_deref(), flag)?, report::Format::Text);
    }
    let located = Located::find(flag)?;
    let json = |json: bool| if json { report::Format::Json } else { report::Format::Text };
    match cli.command {
        Command::Init { .. } => Ok(ExitCode::SUCCESS),
        Command::List { group, json: j } => report::emit(&commands::list::list(&located, group.as_deref())?, json(j)),
        Command::Check { json: j } => report::emit(&commands::check::check(&located)?, json(j)),
        Command::Next { group, json: j } => report::emit(&commands::next::next(&located, &group)?, json(j)),
        Command::Add(args) => report::emit(&commands::add::add(&located, &args)?, report::Format::Text),
        Command::Resolve { id, json: j } => {
            report::emit(&commands::resolve::resolve(&located, id.as_deref())?, json(j))
        }
        Command::Status { json: j } => report::emit(&commands::status::status(&located)?, json(j)),
        Command::Doc { check } => report::emit(&commands::doc::doc(&located, check.as_deref())?, report::Format::Text),
        Command::Export(args) => report::emit(&commands::export::export(&located, &args)?, report::Format::Text),
        Command::Scan(args) => {
            let format = args.format();
            report::emit(&scan::scan(&located, &args)?, format)
        }
        Command::Move(args) => {
            let request = commands::move_service::MoveRequest {
                id: &args.id,
                port: args.port,
                paths: &args.paths,
                exclude: &args.exclude,
                dry_run: args.dry_run,
            };
            report::emit(&commands::move_service::move_service(&located, &request)?, json(args.json))
        }
        Command::Remove(args) => {
            report::emit(&commands::remove::remove(&located, &args.id, &args.paths, &args.exclude)?, json(args.json))
        }
        Command::Set(args) => report::emit(&commands::set::set(&located, &args)?, report::Format::Text),
    }
}

//! `ports`: the port registry from the command line.
//!
//! Exit codes: 0 ok, 1 a problem found (invalid registry, flagged listener, drift), 2 usage or
//! I/O error (unknown group or id, missing file).
//!
//! Layout: `cli` (the flags, as clap sees them) → `context` (the registry in force, located
//! once) → `commands/*` (one thin module per command) over `fsx` (locked, atomic writes),
//! `sockets` (the socket tables) and `out` (every byte printed).
#![forbid(unsafe_code)]

mod cli;
mod commands;
mod context;
mod doctable;
mod failure;
mod fsx;
mod out;
mod sockets;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::context::Located;
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version go to standard output; a closed pipe there is no error.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                out::warn(out::error_text(&failure.message));
            }
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let flag = cli.registry.as_deref();
    let located = Located::find(flag)?;
    match cli.command {
        Command::Init { path } => commands::init::init(path.as_deref(), flag),
        Command::List { group, json } => commands::list::list(&located, group.as_deref(), json),
        Command::Check { json } => commands::check::check(&located, json),
        Command::Next { group, json } => commands::next::next(&located, &group, json),
        Command::Add(args) => commands::add::add(&located, &args),
        Command::Resolve { id, json } => commands::resolve::resolve(&located, id.as_deref(), json),
        Command::Status { json } => commands::status::status(&located, json),
        Command::Doc { check } => commands::doc::doc(&located, check.as_deref()),
        Command::Export(args) => commands::export::export(&located, &args),
        Command::Scan(args) => commands::scan::scan(
            &located,
            &commands::scan::ScanArgs {
                paths: &args.paths,
                json: args.json,
                strict: args.strict,
                exclude: &args.exclude,
            },
        ),
    }
}

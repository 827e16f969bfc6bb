//! `ports`: the port registry from the command line.
//!
//! Exit codes: 0 ok, 1 a problem found (invalid registry, flagged listener, drift), 2 usage or
//! I/O error (unknown group or id, missing file).
#![forbid(unsafe_code)]

mod add;
mod cli;
mod doc;
mod export;
mod failure;
mod output;
mod registry;
mod resolve;
mod status;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{}", output::error_text(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let registry_arg = cli.registry.as_deref();
    match cli.command {
        Command::Init { path } => registry::init(path.as_deref()),
        Command::List { group, json } => registry::list(registry_arg, group.as_deref(), json),
        Command::Check { json } => registry::check(registry_arg, json),
        Command::Next { group, json } => registry::next(registry_arg, &group, json),
        Command::Add(args) => add::add(registry_arg, &args),
        Command::Resolve { id, json } => resolve::resolve(registry_arg, id.as_deref(), json),
        Command::Status { json } => status::status(registry_arg, json),
        Command::Doc { check } => doc::doc(registry_arg, check.as_deref()),
        Command::Export(args) => export::export(registry_arg, &args),
    }
}

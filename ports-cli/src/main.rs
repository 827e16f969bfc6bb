//! `ports`: the port registry from the command line. The work is done by the `ports_cli`
//! library; this binary parses the arguments and hands them over.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match ports_cli::Cli::try_parse() {
        Ok(cli) => ports_cli::run(cli),
        Err(error) => ports_cli::clap_exit(&error),
    }
}

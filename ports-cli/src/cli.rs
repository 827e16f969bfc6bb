//! The command line, as clap sees it: the flags and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::report::Format;

/// The CodeCoder port registry: list, check and allocate ports, see who listens, keep the docs
/// and the non-Rust services in step.
#[derive(Debug, Parser)]
#[command(name = "ports", version, about, long_about = None)]
#[allow(missing_docs)] // the doc comment is clap's `about`
pub struct Cli {
    /// The registry file. Default: $PORTS_REGISTRY, else the nearest ports.json from the current
    /// directory up to the workspace or repository root, else the embedded standard.
    #[arg(long, global = true, value_name = "PATH")]
    pub registry: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the embedded standard as ports.json (at the root, or PATH, or --registry), never
    /// overwriting.
    Init {
        /// Where to write (a file, or a directory to hold ports.json).
        path: Option<PathBuf>,
    },
    /// List the registered services.
    List {
        /// Only this group.
        #[arg(long)]
        group: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate the registry: every problem, each naming its entries (exit 1 on problems).
    Check {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The next free port of a group (the standard's rule for a new service).
    Next {
        /// The group id (core, rust, protocol, integration, test in the standard).
        group: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Register a service on the next free port of its group (or --port), in the registry file.
    Add(AddArgs),
    /// The effective endpoint of one or every service, and where it came from.
    Resolve {
        /// The service id (default: every service).
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Each port of the block: free, or listening and by which process (exit 1 when a listener
    /// sits on an unregistered port).
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The standard's allocation tables, rendered from the registry.
    Doc {
        /// Compare the tables in FILE with the registry instead (exit 1 on drift).
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
    },
    /// The registry for the services that are not Rust: env lines or a TypeScript module.
    Export(ExportArgs),
    /// Every hard-coded port of the block in the repository (shell, .env, TypeScript, YAML,
    /// Dockerfiles, Markdown, Rust), checked against the registry (exit 1 on a problem).
    Scan(ScanArgs),
}

/// `ports scan`'s flags.
#[derive(Debug, Clone, Default, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the whole repository, from its root).
    pub paths: Vec<PathBuf>,
    /// Print JSON (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// How to print the findings: text, json, sarif (SARIF 2.1.0, for code scanning) or github
    /// (workflow commands, for annotations).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Treat hard-coded registered ports as problems too (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Skip paths matching GLOB (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

impl ScanArgs {
    /// The output format: `--format`, else `--json`, else text.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format.unwrap_or(if self.json { Format::Json } else { Format::Text })
    }
}

/// `ports add`'s flags.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The new service's id (kebab-case).
    pub id: String,
    /// Its group.
    #[arg(long)]
    pub group: String,
    /// Its human name.
    #[arg(long)]
    pub name: String,
    /// What it does.
    #[arg(long)]
    pub description: Option<String>,
    /// Its technology stack.
    #[arg(long)]
    pub stack: Option<String>,
    /// Its protocol (`http`).
    #[arg(long)]
    pub protocol: Option<String>,
    /// The env var that overrides its port; repeat for aliases (the first is canonical).
    #[arg(long, value_name = "VAR")]
    pub env: Vec<String>,
    /// Its key in the config file (dotted path); repeat for aliases (the first is canonical).
    #[arg(long, value_name = "KEY")]
    pub config: Vec<String>,
    /// A specific port (checked) instead of the next free one.
    #[arg(long)]
    pub port: Option<u16>,
}

/// What `ports export` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// `NAME=port` lines for sh, docker compose and dotenv.
    Env,
    /// A TypeScript module.
    Ts,
}

/// `ports export`'s flags.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format.
    pub format: ExportFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub out: Option<PathBuf>,
    /// Compare FILE with what would be written (exit 1 when it differs).
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

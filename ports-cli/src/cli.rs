//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The CodeCoder port registry: list, check and allocate ports, see who listens, keep the docs
/// and the non-Rust services in step.
#[derive(Debug, Parser)]
#[command(name = "ports", version, about, long_about = None)]
pub(crate) struct Cli {
    /// The registry file. Default: $PORTS_REGISTRY, else the nearest ports.json from the current
    /// directory up to the workspace or repository root, else the embedded standard.
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) registry: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to scan (default: the whole repository, from its root).
    pub(crate) paths: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Treat hard-coded registered ports as problems too (exit 1).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Skip paths matching GLOB (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// The new service's id (kebab-case).
    pub(crate) id: String,
    /// Its group.
    #[arg(long)]
    pub(crate) group: String,
    /// Its human name.
    #[arg(long)]
    pub(crate) name: String,
    /// What it does.
    #[arg(long)]
    pub(crate) description: Option<String>,
    /// Its technology stack.
    #[arg(long)]
    pub(crate) stack: Option<String>,
    /// Its protocol (`http`).
    #[arg(long)]
    pub(crate) protocol: Option<String>,
    /// The env var that overrides its port; repeat for aliases (the first is canonical).
    #[arg(long, value_name = "VAR")]
    pub(crate) env: Vec<String>,
    /// Its key in the config file (dotted path); repeat for aliases (the first is canonical).
    #[arg(long, value_name = "KEY")]
    pub(crate) config: Vec<String>,
    /// A specific port (checked) instead of the next free one.
    #[arg(long)]
    pub(crate) port: Option<u16>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    /// `NAME=port` lines for sh, docker compose and dotenv.
    Env,
    /// A TypeScript module.
    Ts,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The format.
    pub(crate) format: ExportFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub(crate) out: Option<PathBuf>,
    /// Compare FILE with what would be written (exit 1 when it differs).
    #[arg(long, value_name = "FILE")]
    pub(crate) check: Option<PathBuf>,
}

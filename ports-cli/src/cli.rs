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
    /// directory up to the repository root (the nearest .git, else Cargo.lock), else the embedded
    /// standard.
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
    /// Dockerfiles, Markdown, Rust), checked against the registry (exit 1 on a problem);
    /// `--fix` rewrites each number that contradicts the service named on its line.
    Scan(ScanArgs),
    /// Move a service to another port (and the group it lies in), and every occurrence of its
    /// old port in the repository with it: shell, .env, TypeScript, YAML, JSON, Markdown, Rust
    /// and its `#[service]` claim. Lines that name someone else, `ports:ignore` lines and ignored
    /// files stay, and are listed.
    Move(MoveArgs),
    /// Remove a service from the registry (its port becomes free) and list every occurrence of
    /// its port left in the repository.
    Remove(RemoveArgs),
    /// Edit a registered service: its name, description, stack, protocol; add an env var or a
    /// config key alias.
    Set(SetArgs),
}

/// `ports move`'s flags.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The service id.
    pub id: String,
    /// Its new port (it takes the group the port lies in).
    pub port: u16,
    /// Files or directories to rewrite (default: the whole repository, from its root).
    pub paths: Vec<PathBuf>,
    /// Leave paths matching GLOB alone (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print the unified diff of the registry and every file; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ports remove`'s flags.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The service id.
    pub id: String,
    /// Files or directories to search for its port (default: the whole repository).
    pub paths: Vec<PathBuf>,
    /// Leave paths matching GLOB out (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The optional facts of a service, as `add` and `set` take them.
#[derive(Debug, Args)]
pub struct Details {
    /// What it does.
    #[arg(long)]
    pub description: Option<String>,
    /// Its technology stack.
    #[arg(long)]
    pub stack: Option<String>,
    /// Its protocol (`http`).
    #[arg(long)]
    pub protocol: Option<String>,
}

/// `ports set`'s flags.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The service id.
    pub id: String,
    /// Its new human name.
    #[arg(long)]
    pub name: Option<String>,
    /// Its description, stack and protocol.
    #[command(flatten)]
    pub details: Details,
    /// Add an env var that overrides its port (the first one stays canonical); repeatable.
    #[arg(long, value_name = "VAR")]
    pub add_env: Vec<String>,
    /// Add a config key (dotted path) it is read from; repeatable.
    #[arg(long, value_name = "KEY")]
    pub add_config: Vec<String>,
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
    /// Rewrite each number that contradicts the registered service named on its line to that
    /// service's port (only the digits change), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the unified diff instead of writing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
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
    /// Its description, stack and protocol.
    #[command(flatten)]
    pub details: Details,
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

//! Annotated services shared by the integration tests and the demo: the Zero services of the
//! standard, declared as a Zero crate would declare them.
#![forbid(unsafe_code)]
// The generated code must stay quiet under the strictest lints a user may turn on.
#![deny(warnings, missing_docs, clippy::pedantic)]

use ports_macros::service;

/// Authentication, routing and quotas (4410).
#[service(port = 4410, group = "rust")]
#[derive(Debug, Default)]
pub struct ZeroGateway;

/// Telegram/Discord/Slack/Feishu/WeCom channels (4411).
#[service(port = 4411, group = "rust")]
#[derive(Debug)]
pub struct ZeroChannels {
    /// Enabled channel names.
    pub channels: Vec<String>,
}

/// Webhook/Cron/Git integration (4412): an enum works too.
#[service(port = 4412, group = "rust")]
#[derive(Debug)]
pub enum ZeroWorkflow {
    /// Incoming webhooks.
    Webhook,
    /// Scheduled jobs.
    Cron,
}

ports_macros::ports! {
    /// The Zero daemon's ports: the three Zero services and the API server it calls.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DaemonPorts {
        gateway: ZeroGateway,
        channels: ZeroChannels,
        workflow: ZeroWorkflow,
        api: "codecoder-api",
    }
}

/// The README's Rust examples, compiled (and run, where they end) as doctests of this crate:
/// `cargo test -p ports-tests --doc`.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

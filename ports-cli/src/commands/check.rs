//! `ports check [--json]`: every problem of the registry, each naming its entries.

use ports_core::{Problem, Registry, RegistryError};
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out::{green, red};
use crate::report::Report;

/// The registry's validity and every problem found.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// The registry checked.
    pub registry: String,
    /// Whether it is valid (exit 0) or not (exit 1).
    pub valid: bool,
    /// Every problem, each naming its entries.
    pub problems: Vec<ProblemReport>,
    /// The text summary line.
    #[serde(skip)]
    summary: String,
}

/// One problem of a registry.
#[derive(Debug, Serialize)]
pub struct ProblemReport {
    /// What is wrong, naming the entry.
    pub message: String,
    /// For a JSON syntax error or a value of the wrong shape: the path of the value
    /// (`services[2].port`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// For a JSON syntax error, or the first value of the wrong shape: the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// For a JSON syntax error, or the first value of the wrong shape: the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For text that is not UTF-8: the offset of the first bad byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

impl ProblemReport {
    fn message(message: String) -> Self {
        ProblemReport { message, at: None, line: None, column: None, offset: None }
    }

    fn of(error: &RegistryError) -> Vec<ProblemReport> {
        match error {
            RegistryError::Syntax { at, line, column, message, .. } => vec![ProblemReport {
                at: Some(at.clone()),
                line: Some(*line),
                column: Some(*column),
                ..ProblemReport::message(message.clone())
            }],
            RegistryError::Encoding { offset, .. } => vec![ProblemReport {
                offset: Some(*offset),
                ..ProblemReport::message(ports_core::ReadError::NotUtf8 { offset: *offset }.to_string())
            }],
            RegistryError::Invalid { problems, .. } => problems
                .iter()
                .map(|p| match p {
                    Problem::Shape { at, position, .. } => ProblemReport {
                        at: Some(at.clone()),
                        line: position.map(|(line, _)| line),
                        column: position.map(|(_, column)| column),
                        ..ProblemReport::message(p.to_string())
                    },
                    _ => ProblemReport::message(p.to_string()),
                })
                .collect(),
            other => vec![ProblemReport::message(other.to_string())],
        }
    }
}

/// `ports check`.
///
/// # Errors
///
/// The registry file cannot be read (exit 2); an invalid one is a report with `valid: false`.
pub fn check(located: &Located) -> Result<CheckReport, Failure> {
    let name = located.label();
    let result = match &located.discovery.path {
        None => Registry::parse(Registry::EMBEDDED_JSON),
        Some(path) => match Registry::read_text(path) {
            Ok(text) => Registry::parse(&text),
            Err(e @ RegistryError::Encoding { .. }) => Err(e),
            Err(e) => return Err(located.read_failure(e)),
        },
    };
    Ok(match result {
        Ok(registry) => CheckReport {
            summary: format!(
                "{} {name}: valid ({} services in {} groups, block {})\n",
                green("ok"),
                registry.services.len(),
                registry.groups.len(),
                registry.block
            ),
            registry: name,
            valid: true,
            problems: Vec::new(),
        },
        Err(error) => CheckReport {
            problems: ProblemReport::of(&error),
            summary: format!("{} {}\n", red("invalid"), error.with_path(&name)),
            registry: name,
            valid: false,
        },
    })
}

impl Report for CheckReport {
    fn text(&self) -> String {
        self.summary.clone()
    }

    fn code(&self) -> u8 {
        u8::from(!self.valid)
    }
}

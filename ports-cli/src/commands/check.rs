//! `ports check [--json]`: every problem of the registry, each naming its entries.

use std::process::ExitCode;

use ports_core::{Registry, RegistryError};
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, green, red};

#[derive(Serialize)]
struct CheckJson {
    registry: String,
    valid: bool,
    problems: Vec<ProblemJson>,
}

#[derive(Serialize)]
struct ProblemJson {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<usize>,
}

impl ProblemJson {
    fn message(message: String) -> Self {
        ProblemJson { message, at: None, line: None, column: None, offset: None }
    }
}

pub(crate) fn check(located: &Located, json: bool) -> Result<ExitCode, Failure> {
    let name = located.label();
    let result = match &located.discovery.path {
        None => Registry::parse_unvalidated(Registry::EMBEDDED_JSON),
        Some(path) => match Registry::read_text(path) {
            Ok(text) => Registry::parse_unvalidated(&text),
            Err(e @ RegistryError::Encoding { .. }) => Err(e),
            Err(e) => return Err(located.read_failure(e)),
        },
    }
    .and_then(|registry| registry.validate().map(|()| registry));
    let code = if result.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    if json {
        let problems = match &result {
            Ok(_) => Vec::new(),
            Err(RegistryError::Syntax { at, line, column, message, .. }) => vec![ProblemJson {
                at: Some(at.clone()),
                line: Some(*line),
                column: Some(*column),
                ..ProblemJson::message(message.clone())
            }],
            Err(RegistryError::Encoding { offset, .. }) => vec![ProblemJson {
                offset: Some(*offset),
                ..ProblemJson::message(format!("not UTF-8 text: invalid byte at offset {offset}"))
            }],
            Err(RegistryError::Invalid { problems, .. }) => {
                problems.iter().map(|p| ProblemJson::message(p.to_string())).collect()
            }
            Err(other) => vec![ProblemJson::message(other.to_string())],
        };
        out::print_json(&CheckJson { registry: name, valid: result.is_ok(), problems })?;
    } else {
        match result {
            Ok(registry) => out::line(format!(
                "{} {name}: valid ({} services in {} groups, block {})",
                green("ok"),
                registry.services.len(),
                registry.groups.len(),
                registry.block
            ))?,
            Err(error) => out::line(format!("{} {}", red("invalid"), error.with_path(&name)))?,
        }
    }
    Ok(code)
}

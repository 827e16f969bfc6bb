//! `ports doc`: the standard's allocation tables rendered from the registry (`doctable`), and
//! `ports doc --check FILE`, which names each row of FILE that drifts from the registry.
//!
//! Rows whose first cell is a range (`4404-4409`), or whose service is "预留", are reserved
//! space, not services, and are not compared.

use std::path::Path;

use ports_core::escape_control;
use serde::Serialize;

use crate::context::Located;
use crate::doctable::{drift, render};
use crate::failure::Failure;
use crate::fsx;
use crate::out::{green, red};
use crate::report::Report;

/// The largest document `--check` reads.
const CHECK_LIMIT: u64 = 64 << 20;

/// The tables, or how a document drifts from them.
#[derive(Debug, Serialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum DocReport {
    /// `ports doc`: the tables as markdown.
    Render {
        /// The registry used.
        registry: String,
        /// The markdown.
        markdown: String,
    },
    /// `ports doc --check FILE`.
    Check {
        /// The registry used.
        registry: String,
        /// The file checked.
        file: String,
        /// The rows compared.
        rows: usize,
        /// Each difference, `LINE: what` (exit 1 when any).
        drift: Vec<String>,
    },
}

/// `ports doc [--check FILE]`.
///
/// # Errors
///
/// The registry cannot be loaded; FILE cannot be read.
pub fn doc(located: &Located, check: Option<&Path>) -> Result<DocReport, Failure> {
    let registry = located.load()?;
    let Some(file) = check else {
        return Ok(DocReport::Render { registry: located.label(), markdown: render(&registry) });
    };
    let text = fsx::read_checked(file, CHECK_LIMIT)?;
    Ok(DocReport::Check {
        registry: located.label(),
        file: escape_control(&file.display().to_string()).into_owned(),
        rows: registry.services.iter().filter(|s| registry.in_block(s.port)).count(),
        drift: drift(&registry, &text),
    })
}

impl Report for DocReport {
    fn text(&self) -> String {
        match self {
            DocReport::Render { markdown, .. } => markdown.clone(),
            DocReport::Check { file, rows, drift, registry } if drift.is_empty() => format!(
                "{} {file}: the allocation tables match the registry ({rows} services)\n{}",
                green("ok"),
                super::registry_line(registry)
            ),
            DocReport::Check { file, drift, registry, .. } => {
                let mut text = String::new();
                for difference in drift {
                    text.push_str(&format!("{} {file}:{}\n", red("drift"), escape_control(difference)));
                }
                text.push_str(&format!(
                    "{} difference(s); `ports doc` prints the tables as the registry has them\n",
                    drift.len()
                ));
                text.push_str(&super::registry_line(registry));
                text
            }
        }
    }

    fn code(&self) -> u8 {
        match self {
            DocReport::Check { drift, .. } => u8::from(!drift.is_empty()),
            DocReport::Render { .. } => 0,
        }
    }

    fn notes(&self) -> Vec<String> {
        match self {
            // The markdown is the output; the registry is named beside it.
            DocReport::Render { registry, .. } => vec![format!("registry: {registry}")],
            DocReport::Check { .. } => Vec::new(),
        }
    }
}

//! `ports remove <id> [PATH...]`: the entry goes (its port becomes free), and every occurrence
//! of its port that `scan` attributes to it is listed (`path:line:column`): a removal cannot be
//! rewritten, so the report is the to-do list.

use std::path::PathBuf;

use serde::Serialize;

use crate::context::Located;
use crate::edit::Location;
use crate::failure::Failure;
use crate::fsx::RegistryEdit;
use crate::report::Report;
use crate::scan::names::Index;
use crate::scan::{Decision, Scope};

/// What a removal left behind.
#[derive(Debug, Serialize)]
pub struct RemoveReport {
    /// The registry.
    pub registry: String,
    /// The service removed.
    pub service: String,
    /// Its port, now free.
    pub port: u16,
    /// Every occurrence of the port attributed to it, to fix by hand.
    pub occurrences: Vec<Location>,
    /// Warnings of the walk.
    #[serde(skip)]
    warnings: Vec<String>,
}

/// `ports remove`.
///
/// # Errors
///
/// No registry file, an unknown id, a PATH that does not exist (exit 2, nothing written).
pub fn remove(located: &Located, id: &str, paths: &[PathBuf], exclude: &[String]) -> Result<RemoveReport, Failure> {
    let mut edit = RegistryEdit::open(located)?;
    let before = edit.registry.clone();
    let port = before.require_service(id).map_err(|e| Failure::usage(format!("{e}; nothing written")))?.port;
    edit.registry.services.retain(|s| s.id != id);
    let scope = Scope::new(located, paths, exclude)?;
    let index = Index::new(&before);
    let service = index.by_id(id);
    let rewrite = scope.rewrite(&index, &|o| {
        if o.literal.port == port && !o.ignored && o.verdict.belongs_to.is_some() && o.verdict.belongs_to == service {
            Decision::Leave(String::new())
        } else {
            Decision::Skip
        }
    });
    edit.commit()?;
    Ok(RemoveReport {
        registry: located.label(),
        service: id.to_owned(),
        port,
        occurrences: rewrite.left.into_iter().map(|l| l.at).collect(),
        warnings: rewrite.warnings,
    })
}

impl Report for RemoveReport {
    fn text(&self) -> String {
        let mut text = format!("removed `{}`; port {} is free\n", self.service, self.port);
        if !self.occurrences.is_empty() {
            text.push_str(&format!(
                "{} occurrence(s) of {} still name it; change them by hand:\n",
                self.occurrences.len(),
                self.port
            ));
            for at in &self.occurrences {
                text.push_str(&format!("  {at}\n"));
            }
        }
        text.push_str(&super::registry_line(&self.registry));
        text
    }

    fn notes(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn written(&self) -> Option<String> {
        Some(self.registry.clone())
    }
}

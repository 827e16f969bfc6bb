//! `ports next <group> [--json]`: the standard's rule for a new port.

use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::report::Report;

/// The next free port of a group.
#[derive(Debug, Serialize)]
pub struct NextReport {
    /// The registry used.
    pub registry: String,
    /// The group.
    pub group: String,
    /// Its first port.
    pub start: u16,
    /// Its last port.
    pub end: u16,
    /// The lowest port of the group no service has; `None` when the group is full (exit 1).
    pub port: Option<u16>,
    /// Why there is no port.
    #[serde(skip)]
    full: Option<String>,
}

/// `ports next`.
///
/// # Errors
///
/// The registry cannot be loaded; an unknown group (exit 2).
pub fn next(located: &Located, group: &str) -> Result<NextReport, Failure> {
    let registry = located.load()?;
    let found = registry.require_group(group).map_err(Failure::usage)?;
    let next = registry.next_free(group).map_err(Failure::usage)?;
    let full = next.is_none().then(|| ports_core::ClaimError::GroupFull { group: found.clone() }.to_string());
    Ok(NextReport {
        registry: located.label(),
        group: found.id.clone(),
        start: found.start,
        end: found.end,
        port: next,
        full,
    })
}

impl Report for NextReport {
    /// The port alone, so that `$(ports next rust)` is a number; the registry is named on
    /// standard error.
    fn text(&self) -> String {
        self.port.map(|p| format!("{p}\n")).unwrap_or_default()
    }

    fn code(&self) -> u8 {
        u8::from(self.port.is_none())
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = vec![format!("registry: {}", self.registry)];
        notes.extend(self.full.iter().map(|m| crate::out::error_text(m)));
        notes
    }
}

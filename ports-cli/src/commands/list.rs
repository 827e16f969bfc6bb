//! `ports list [--group G] [--json]`.

use ports_core::ServiceEntry;
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out;
use crate::report::Report;

/// The registered services (of one group, or all).
#[derive(Debug, Serialize)]
pub struct ListReport {
    /// The registry used.
    pub registry: String,
    /// The services, in registry order.
    pub services: Vec<ServiceEntry>,
}

/// `ports list`.
///
/// # Errors
///
/// The registry cannot be loaded; an unknown group (exit 2).
pub fn list(located: &Located, group: Option<&str>) -> Result<ListReport, Failure> {
    let registry = located.load()?;
    if let Some(group) = group {
        registry.require_group(group).map_err(Failure::usage)?;
    }
    let services = registry.services.into_iter().filter(|s| group.is_none_or(|g| s.group == g)).collect();
    Ok(ListReport { registry: located.label(), services })
}

impl Report for ListReport {
    fn text(&self) -> String {
        let dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
        let rows: Vec<Vec<String>> = self
            .services
            .iter()
            .map(|s| {
                vec![
                    s.port.to_string(),
                    s.id.clone(),
                    s.name.clone(),
                    s.group.clone(),
                    dash(s.stack.as_deref()),
                    dash(s.env.as_deref()),
                    dash(s.config.as_deref()),
                ]
            })
            .collect();
        let mut text = out::table(&["PORT", "ID", "NAME", "GROUP", "STACK", "ENV", "CONFIG"], &rows);
        text.push_str(&super::registry_line(&self.registry));
        text
    }
}

//! `ports list [--group G] [--json]`.

use std::process::ExitCode;

use ports_core::ServiceEntry;
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out;

#[derive(Serialize)]
struct ListJson<'a> {
    registry: String,
    services: Vec<&'a ServiceEntry>,
}

pub(crate) fn list(located: &Located, group: Option<&str>, json: bool) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    if let Some(group) = group {
        registry.require_group(group).map_err(Failure::usage)?;
    }
    let services: Vec<&ServiceEntry> =
        registry.services.iter().filter(|s| group.is_none_or(|g| s.group == g)).collect();
    if json {
        out::print_json(&ListJson { registry: located.label(), services })?;
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
    let rows: Vec<Vec<String>> = services
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
    out::print(out::table(&["PORT", "ID", "NAME", "GROUP", "STACK", "ENV", "CONFIG"], &rows))?;
    Ok(ExitCode::SUCCESS)
}

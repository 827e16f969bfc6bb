//! `ports next <group> [--json]`: the standard's rule for a new port.

use std::process::ExitCode;

use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out;

#[derive(Serialize)]
struct NextJson<'a> {
    group: &'a str,
    start: u16,
    end: u16,
    port: Option<u16>,
}

pub(crate) fn next(located: &Located, group: &str, json: bool) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    let found = registry.require_group(group).map_err(Failure::usage)?;
    let port = registry.free_ports(found).next();
    if json {
        out::print_json(&NextJson { group: &found.id, start: found.start, end: found.end, port })?;
    }
    match port {
        Some(port) => {
            if !json {
                out::line(port)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        None => Err(Failure::problem(format!("group {found} is full: every port has a service"))),
    }
}

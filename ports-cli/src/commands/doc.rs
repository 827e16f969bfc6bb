//! `ports doc`: the standard's allocation tables rendered from the registry (`doctable`), and
//! `ports doc --check FILE`, which names each row of FILE that drifts from the registry.
//!
//! Rows whose first cell is a range (`4404-4409`), or whose service is "预留", are reserved
//! space, not services, and are not compared.

use std::path::Path;
use std::process::ExitCode;

use ports_core::escape_control;

use crate::context::Located;
use crate::doctable::{drift, render};
use crate::failure::Failure;
use crate::fsx;
use crate::out::{self, green, red};

/// The largest document `--check` reads.
const CHECK_LIMIT: u64 = 64 << 20;

pub(crate) fn doc(located: &Located, check: Option<&Path>) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    let Some(file) = check else {
        out::print(render(&registry))?;
        return Ok(ExitCode::SUCCESS);
    };
    let text = fsx::read_checked(file, CHECK_LIMIT)?;
    let drift = drift(&registry, &text);
    let name = escape_control(&file.display().to_string()).into_owned();
    if drift.is_empty() {
        let rows = registry.services.iter().filter(|s| registry.in_block(s.port)).count();
        out::line(format!("{} {name}: the allocation tables match the registry ({rows} services)", green("ok")))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for difference in &drift {
        text.push_str(&format!("{} {name}:{}\n", red("drift"), escape_control(difference)));
    }
    text.push_str(&format!("{} difference(s); `ports doc` prints the tables as the registry has them\n", drift.len()));
    out::print(text)?;
    Ok(ExitCode::from(1))
}

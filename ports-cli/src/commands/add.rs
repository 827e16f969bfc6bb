//! `ports add`: a new service on the next free port of its group (`Registry::allocate`, the
//! standard's rule), written into the registry file under the lock, validated before it is
//! written, atomically (`fsx`), so that concurrent runs never lose an entry nor hand out one
//! port twice.

use ports_core::{ClaimError, ServiceEntry};
use serde::Serialize;

use crate::cli::AddArgs;
use crate::context::Located;
use crate::failure::Failure;
use crate::fsx;
use crate::report::Report;

/// The service added.
#[derive(Debug, Serialize)]
pub struct AddReport {
    /// The registry written.
    pub registry: String,
    /// The new service's id.
    pub id: String,
    /// Its port.
    pub port: u16,
    /// Its group.
    pub group: String,
}

/// `ports add`.
///
/// # Errors
///
/// No registry file, an unknown group (exit 2); a port taken or outside the group, a full
/// group, an entry that would break the registry (exit 1). Nothing is written then.
pub fn add(located: &Located, args: &AddArgs) -> Result<AddReport, Failure> {
    let mut edit = fsx::RegistryEdit::open(located)?;
    let registry = &mut edit.registry;
    let port = {
        let port = registry.allocate(&args.id, &args.group, args.port).map_err(|e| {
            let message = format!("{e}; nothing written");
            match e {
                ClaimError::UnknownGroup(_) => Failure::usage(message),
                _ => Failure::problem(message),
            }
        })?;
        let mut entry = ServiceEntry::new(port, &args.id, &args.name, &args.group);
        entry.description.clone_from(&args.details.description);
        entry.stack.clone_from(&args.details.stack);
        entry.protocol.clone_from(&args.details.protocol);
        if let Some((first, rest)) = args.env.split_first() {
            entry.env = Some(first.clone());
            entry.env_aliases = rest.to_vec();
        }
        if let Some((first, rest)) = args.config.split_first() {
            entry.config = Some(first.clone());
            entry.config_aliases = rest.to_vec();
        }
        registry.insert_in_port_order(entry);
        port
    };
    edit.commit()?;
    Ok(AddReport { registry: located.label(), id: args.id.clone(), port, group: args.group.clone() })
}

impl Report for AddReport {
    fn text(&self) -> String {
        format!("added `{}` on port {} (group {}) to {}\n", self.id, self.port, self.group, self.registry)
    }

    fn written(&self) -> Option<String> {
        Some(self.registry.clone())
    }
}

//! `ports set <id> [--name N] [--description D] [--stack S] [--protocol P] [--add-env VAR]...
//! [--add-config KEY]...`: edits a registered service in place; `--add-env`/`--add-config`
//! append an alias (the first name stays canonical). Validated as `add` is: an alias another
//! service has is refused, and nothing is written.

use serde::Serialize;

use crate::cli::SetArgs;
use crate::context::Located;
use crate::failure::Failure;
use crate::fsx::RegistryEdit;
use crate::report::Report;

/// The service as edited.
#[derive(Debug, Serialize)]
pub struct SetReport {
    /// The registry.
    pub registry: String,
    /// The service.
    pub service: ports_core::ServiceEntry,
    /// The fields changed.
    pub changed: Vec<&'static str>,
}

/// `ports set`.
///
/// # Errors
///
/// No registry file, an unknown id (exit 2); a change that breaks the registry (exit 1).
/// Nothing is written then.
pub fn set(located: &Located, args: &SetArgs) -> Result<SetReport, Failure> {
    let mut edit = RegistryEdit::open(located)?;
    edit.registry.require_service(&args.id).map_err(|e| Failure::usage(format!("{e}; nothing written")))?;
    let mut changed = Vec::new();
    let Some(entry) = edit.registry.services.iter_mut().find(|s| s.id == args.id) else {
        return Err(Failure::usage(format!("unknown service `{}`", args.id)));
    };
    if let Some(name) = &args.name {
        entry.name.clone_from(name);
        changed.push("name");
    }
    for (value, field, label) in [
        (&args.details.description, &mut entry.description, "description"),
        (&args.details.stack, &mut entry.stack, "stack"),
        (&args.details.protocol, &mut entry.protocol, "protocol"),
    ] {
        if let Some(value) = value {
            *field = Some(value.clone());
            changed.push(label);
        }
    }
    for var in &args.add_env {
        if entry.env.is_none() {
            entry.env = Some(var.clone());
        } else {
            entry.env_aliases.push(var.clone());
        }
        changed.push("env");
    }
    for key in &args.add_config {
        if entry.config.is_none() {
            entry.config = Some(key.clone());
        } else {
            entry.config_aliases.push(key.clone());
        }
        changed.push("config");
    }
    changed.dedup();
    if changed.is_empty() {
        return Err(Failure::usage(
            "nothing to change: give --name, --description, --stack, --protocol, --add-env or --add-config",
        ));
    }
    let service = entry.clone();
    edit.commit()?;
    Ok(SetReport { registry: located.label(), service, changed })
}

impl Report for SetReport {
    fn text(&self) -> String {
        format!("updated `{}` ({}) in {}\n", self.service.id, self.changed.join(", "), self.registry)
    }

    fn written(&self) -> Option<String> {
        Some(self.registry.clone())
    }
}

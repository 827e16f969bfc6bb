//! `ports add`: a new service on the next free port of its group (`Registry::allocate`, the
//! standard's rule), written into the registry file under the lock, validated before it is
//! written, atomically (`fsx`), so that concurrent runs never lose an entry nor hand out one
//! port twice.

use std::process::ExitCode;

use ports_core::{ClaimError, Registry, ServiceEntry};

use crate::cli::AddArgs;
use crate::context::Located;
use crate::failure::Failure;
use crate::fsx;
use crate::out;

pub(crate) fn add(located: &Located, args: &AddArgs) -> Result<ExitCode, Failure> {
    let name = located.label();
    let Some(path) = located.discovery.path.clone() else {
        return Err(Failure::usage(
            "no registry file: the embedded standard cannot be edited; run `ports init` to write it as ports.json, then add to that",
        ));
    };
    let real = fsx::real_path(&path);
    fsx::check_writable(&real, &name)?;
    let _lock = fsx::Lock::acquire(&real, &name)?;
    let bytes = ports_core::read_bytes(&real, ports_core::REGISTRY_LIMIT).map_err(|e| match e {
        ports_core::ReadError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            Failure::usage(format!("no registry at {name}; run `ports init` to create one"))
        }
        e => Failure::usage(format!("cannot read {name}: {e}")),
    })?;
    let text = ports_core::decode(bytes.clone()).map_err(|e| Failure::problem(format!("{name}: {e}")))?;
    let mut registry = Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(&name)))?;
    let port = registry.allocate(&args.id, &args.group, args.port).map_err(|e| {
        let message = format!("{e}; nothing written");
        match e {
            ClaimError::UnknownGroup(_) => Failure::usage(message),
            _ => Failure::problem(message),
        }
    })?;
    let mut entry = ServiceEntry::new(port, &args.id, &args.name, &args.group);
    entry.description.clone_from(&args.description);
    entry.stack.clone_from(&args.stack);
    entry.protocol.clone_from(&args.protocol);
    if let Some((first, rest)) = args.env.split_first() {
        entry.env = Some(first.clone());
        entry.env_aliases = rest.to_vec();
    }
    if let Some((first, rest)) = args.config.split_first() {
        entry.config = Some(first.clone());
        entry.config_aliases = rest.to_vec();
    }
    // Keep the file in port order: after the last service with a lower port.
    let at = registry.services.iter().rposition(|s| s.port < port).map_or(0, |i| i + 1);
    registry.services.insert(at, entry);
    if let Err(e) = registry.validate() {
        return Err(Failure::problem(format!("the new entry would break the registry; nothing written: {e}")));
    }
    fsx::replace(&real, &name, &fsx::like_original(&registry.to_json_pretty(), &bytes))?;
    out::confirm(format!("added `{}` on port {port} (group {}) to {name}", args.id, args.group), &name)?;
    Ok(ExitCode::SUCCESS)
}

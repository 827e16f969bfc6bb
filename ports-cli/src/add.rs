//! `ports add`: a new service on the next free port of its group, written into the registry
//! file under an exclusive lock, validated before it is written, atomically (temp file and
//! rename), so that concurrent runs never lose an entry nor hand out one port twice.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use ports_core::{Registry, ServiceEntry};

use crate::cli::AddArgs;
use crate::failure::Failure;
use crate::registry::{label, locate};

pub(crate) fn add(arg: Option<&Path>, args: &AddArgs) -> Result<ExitCode, Failure> {
    let discovery = locate(arg)?;
    let name = label(&discovery);
    let Some(path) = discovery.path.clone() else {
        return Err(Failure::usage(
            "no registry file: the embedded standard cannot be edited; run `ports init` to write it as ports.json, then add to that",
        ));
    };
    let (file, text) = lock_current(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Failure::usage(format!("no registry at {name}; run `ports init` to create one"))
        }
        _ => Failure::usage(format!("cannot open {name}: {e}")),
    })?;
    let mut registry = Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(&name)))?;
    let group = registry.require_group(&args.group).map_err(Failure::usage)?.clone();
    if let Some(existing) = registry.service(&args.id) {
        return Err(Failure::problem(format!(
            "service `{}` is already registered, on port {} ({}); nothing written",
            existing.id, existing.port, existing.group
        )));
    }
    let port = match args.port {
        Some(port) => {
            if !group.contains(port) {
                return Err(Failure::problem(format!("port {port} is outside group {group}; nothing written")));
            }
            if let Some(owner) = registry.service_at(port) {
                return Err(Failure::problem(format!(
                    "port {port} belongs to `{}` ({}); the next free port in `{}` is {}; nothing written",
                    owner.id,
                    owner.name,
                    group.id,
                    registry
                        .free_ports(&group)
                        .next()
                        .map_or_else(|| "none (the group is full)".to_owned(), |p| p.to_string())
                )));
            }
            port
        }
        None => registry.free_ports(&group).next().ok_or_else(|| {
            Failure::problem(format!("group {group} is full: every port has a service; nothing written"))
        })?,
    };
    let entry = ServiceEntry {
        port,
        id: args.id.clone(),
        name: args.name.clone(),
        group: group.id.clone(),
        description: args.description.clone(),
        stack: args.stack.clone(),
        protocol: None,
        env: args.env.clone(),
        config: args.config.clone(),
    };
    // Keep the file in port order: after the last service with a lower port.
    let at = registry.services.iter().rposition(|s| s.port < port).map_or(0, |i| i + 1);
    registry.services.insert(at, entry);
    if let Err(e) = registry.validate() {
        return Err(Failure::problem(format!("the new entry would break the registry; nothing written: {e}")));
    }
    write_atomically(&path, registry.to_json_pretty().as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write {name}: {e}")))?;
    drop(file);
    println!("added `{}` on port {port} (group {}) to {name}", args.id, group.id);
    Ok(ExitCode::SUCCESS)
}

/// Opens and exclusively locks the registry file, and reads it. The file is replaced by rename
/// on every write, so a lock taken on a file that has since been replaced is released and taken
/// again on the current one.
fn lock_current(path: &Path) -> std::io::Result<(File, String)> {
    loop {
        let mut file = File::options().read(true).write(true).open(path)?;
        file.lock()?;
        if same_file(&file, path)? {
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            return Ok((file, text));
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (held, current) = (file.metadata()?, std::fs::metadata(path)?);
    Ok(held.dev() == current.dev() && held.ino() == current.ino())
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> std::io::Result<bool> {
    Ok(true)
}

/// Writes `bytes` to a temp file beside `path`, then renames it over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

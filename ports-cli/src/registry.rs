//! Finding and reading the registry from the command line, and the commands that only read it:
//! `init`, `list`, `check`, `next`.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ports_core::{discover, find_root, Discovery, Origin, Registry, RegistryError};
use serde_json::json;

use crate::failure::Failure;
use crate::output::{self, green, print_json, red};

/// Where the registry in force is: `--registry`, else the spec's discovery from the current
/// directory (its own `ports.json` counts when no root is above it).
pub(crate) fn locate(arg: Option<&Path>) -> Result<Discovery, Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::usage(format!("cannot read the current directory: {e}")))?;
    Ok(match arg {
        Some(path) => Discovery {
            path: Some(if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) }),
            origin: Origin::Env(path.display().to_string()),
            root: find_root(&cwd),
        },
        None => discover(&cwd, std::env::var_os("PORTS_REGISTRY").as_deref(), true),
    })
}

/// How to name the registry to a user.
pub(crate) fn label(discovery: &Discovery) -> String {
    match (&discovery.path, &discovery.origin) {
        (None, _) => "the embedded registry".to_owned(),
        (Some(_), Origin::Env(given)) => given.clone(),
        (Some(path), _) => discovery.display_path().unwrap_or_else(|| path.display().to_string()),
    }
}

/// The registry's text: the file's, or the embedded one.
pub(crate) fn read_text(discovery: &Discovery) -> Result<String, Failure> {
    let Some(path) = &discovery.path else { return Ok(Registry::EMBEDDED_JSON.to_owned()) };
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => {
            Failure::usage(format!("no registry at {}; run `ports init` to create one", label(discovery)))
        }
        _ => Failure::usage(format!("cannot read {}: {e}", label(discovery))),
    })
}

/// The registry, valid: a malformed or invalid one is a problem (exit 1).
pub(crate) fn load(arg: Option<&Path>) -> Result<(Registry, Discovery), Failure> {
    let discovery = locate(arg)?;
    let text = read_text(&discovery)?;
    let registry = Registry::parse(&text).map_err(|e| Failure::problem(e.with_path(label(&discovery))))?;
    Ok((registry, discovery))
}

pub(crate) fn init(path: Option<&Path>) -> Result<ExitCode, Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::usage(format!("cannot read the current directory: {e}")))?;
    let target: PathBuf = match path {
        Some(p) if p.is_dir() => p.join("ports.json"),
        Some(p) => p.to_path_buf(),
        None => find_root(&cwd).unwrap_or(cwd).join("ports.json"),
    };
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            return Err(Failure::usage(format!("{} already exists; not overwriting it", target.display())));
        }
        Err(e) => return Err(Failure::usage(format!("cannot create {}: {e}", target.display()))),
    };
    std::io::Write::write_all(&mut file, Registry::EMBEDDED_JSON.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", target.display())))?;
    let r = Registry::embedded();
    println!(
        "wrote {} (the standard: {} services in {} groups); register a service with `ports add <id> --group <group> --name <name>`",
        target.display(),
        r.services.len(),
        r.groups.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list(arg: Option<&Path>, group: Option<&str>, json: bool) -> Result<ExitCode, Failure> {
    let (registry, discovery) = load(arg)?;
    if let Some(group) = group {
        registry.require_group(group).map_err(Failure::usage)?;
    }
    let services: Vec<_> = registry.services.iter().filter(|s| group.is_none_or(|g| s.group == g)).collect();
    if json {
        print_json(&json!({ "registry": label(&discovery), "services": services }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            vec![
                s.port.to_string(),
                s.id.clone(),
                s.name.clone(),
                s.group.clone(),
                dash(&s.stack),
                dash(&s.env),
                dash(&s.config),
            ]
        })
        .collect();
    print!("{}", output::table(&["PORT", "ID", "NAME", "GROUP", "STACK", "ENV", "CONFIG"], &rows));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn check(arg: Option<&Path>, json: bool) -> Result<ExitCode, Failure> {
    let discovery = locate(arg)?;
    let name = label(&discovery);
    let text = read_text(&discovery)?;
    let result = Registry::parse_unvalidated(&text).and_then(|registry| registry.validate().map(|()| registry));
    let code = if result.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    if json {
        let problems: Vec<serde_json::Value> = match &result {
            Ok(_) => Vec::new(),
            Err(RegistryError::Syntax { at, line, column, message, .. }) => {
                vec![json!({ "message": message, "at": at, "line": line, "column": column })]
            }
            Err(RegistryError::Invalid { problems, .. }) => {
                problems.iter().map(|p| json!({ "message": p.to_string() })).collect()
            }
            Err(other) => vec![json!({ "message": other.to_string() })],
        };
        print_json(&json!({ "registry": name, "valid": result.is_ok(), "problems": problems }))?;
    } else {
        match result {
            Ok(registry) => println!(
                "{} {name}: valid ({} services in {} groups, block {}-{})",
                green("ok"),
                registry.services.len(),
                registry.groups.len(),
                registry.block.start,
                registry.block.end
            ),
            Err(error) => println!("{} {}", red("invalid"), error.with_path(&name)),
        }
    }
    Ok(code)
}

pub(crate) fn next(arg: Option<&Path>, group: &str, json: bool) -> Result<ExitCode, Failure> {
    let (registry, _) = load(arg)?;
    let found = registry.require_group(group).map_err(Failure::usage)?;
    let port = registry.free_ports(found).next();
    if json {
        print_json(&json!({ "group": found.id, "start": found.start, "end": found.end, "port": port }))?;
    }
    match port {
        Some(port) => {
            if !json {
                println!("{port}");
            }
            Ok(ExitCode::SUCCESS)
        }
        None => Err(Failure::problem(format!("group {found} is full: every port has a service"))),
    }
}

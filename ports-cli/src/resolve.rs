//! `ports resolve`: the effective endpoint of one or every service under the current
//! environment and config file, and where each value came from.

use std::path::Path;
use std::process::ExitCode;

use ports_core::{Resolver, Source};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::output::{print_json, red, table};
use crate::registry::load;

fn source_json(source: &Source) -> Value {
    match source {
        Source::Env { var, value } => json!({ "kind": "env", "var": var, "value": value }),
        Source::Config { file, key } => json!({ "kind": "config", "file": file, "key": key }),
        _ => json!({ "kind": "default" }),
    }
}

pub(crate) fn resolve(arg: Option<&Path>, id: Option<&str>, json_out: bool) -> Result<ExitCode, Failure> {
    let (registry, _) = load(arg)?;
    let services: Vec<_> = match id {
        Some(id) => {
            let Some(service) = registry.service(id) else {
                let hint =
                    registry.closest_service(id).map(|s| format!("; did you mean `{}`?", s.id)).unwrap_or_default();
                return Err(Failure::usage(format!("no service `{id}` in the registry{hint}")));
            };
            vec![service]
        }
        None => registry.services.iter().collect(),
    };
    let resolver = Resolver::from_env();
    let mut rows = Vec::new();
    let mut items = Vec::new();
    let mut failed = false;
    for service in services {
        match resolver.resolve_id(&registry, &service.id) {
            Ok(endpoint) => {
                items.push(json!({
                    "id": service.id, "host": endpoint.host, "port": endpoint.port,
                    "endpoint": endpoint.to_string(), "source": source_json(&endpoint.source),
                }));
                rows.push(vec![service.id.clone(), endpoint.to_string(), endpoint.source.to_string()]);
            }
            Err(error) => {
                failed = true;
                items.push(json!({ "id": service.id, "error": error.to_string() }));
                rows.push(vec![service.id.clone(), red("error"), error.to_string()]);
            }
        }
    }
    if json_out {
        print_json(&json!({ "config": resolver.config_path(), "services": items }))?;
    } else {
        print!("{}", table(&["ID", "ENDPOINT", "SOURCE"], &rows));
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

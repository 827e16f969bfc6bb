//! `ports resolve [id] [--json]`: the effective endpoint of one or every service under the
//! current environment and config file, where each value came from, and whether two services
//! resolve to one endpoint (exit 1).

use std::process::ExitCode;

use ports_core::{collisions, Endpoint, Resolved, Resolver, Source};
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, red};

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum SourceJson {
    Env { var: String, value: String },
    Config { file: String, key: String },
    Default,
}

impl From<&Source> for SourceJson {
    fn from(source: &Source) -> Self {
        match source {
            Source::Env { var, value } => SourceJson::Env { var: var.clone(), value: value.clone() },
            Source::Config { file, key } => {
                SourceJson::Config { file: file.to_string_lossy().into_owned(), key: key.clone() }
            }
            Source::Default => SourceJson::Default,
        }
    }
}

#[derive(Serialize)]
struct ResolveJson {
    /// The config file read (lossy for a path that is not UTF-8: JSON strings are).
    config: Option<String>,
    services: Vec<ServiceJson>,
    collisions: Vec<CollisionJson>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ServiceJson {
    Ok {
        id: String,
        host: String,
        port: u16,
        endpoint: String,
        source: SourceJson,
        #[serde(skip_serializing_if = "Option::is_none")]
        host_source: Option<SourceJson>,
    },
    Err {
        id: String,
        error: String,
    },
}

#[derive(Serialize)]
struct CollisionJson {
    first: String,
    second: String,
    endpoint: String,
    message: String,
}

/// The collisions among resolved services, as (first, second, message), naming both and their
/// sources.
pub(crate) fn collision_messages(resolved: &[Resolved<'_>]) -> Vec<(String, String, String, String)> {
    let ok: Vec<(&str, &Endpoint)> =
        resolved.iter().filter_map(|r| Some((r.service.id.as_str(), r.result.as_ref().ok()?))).collect();
    collisions(ok.iter().map(|(_, e)| *e))
        .into_iter()
        .map(|(i, j)| {
            let ((a, ea), (b, eb)) = (ok[i], ok[j]);
            let message = format!(
                "`{a}` and `{b}` both resolve to port {}: `{a}` = {ea} from {}, `{b}` = {eb} from {}",
                ea.port, ea.source, eb.source
            );
            (a.to_owned(), b.to_owned(), ea.to_string(), message)
        })
        .collect()
}

pub(crate) fn resolve(located: &Located, id: Option<&str>, json_out: bool) -> Result<ExitCode, Failure> {
    let registry = located.load()?;
    if let Some(id) = id {
        registry.require_service(id).map_err(Failure::usage)?;
    }
    let resolver = Resolver::from_env();
    let all = resolver.resolve_all(&registry);
    let clashes = collision_messages(&all);
    // With an id, only the collisions that involve it.
    let clashes: Vec<_> = clashes.into_iter().filter(|(a, b, _, _)| id.is_none_or(|id| a == id || b == id)).collect();
    let shown: Vec<&Resolved<'_>> = all.iter().filter(|r| id.is_none_or(|id| r.service.id == id)).collect();
    let failed = shown.iter().any(|r| r.result.is_err());
    if json_out {
        let services = shown
            .iter()
            .map(|r| match &r.result {
                Ok(endpoint) => ServiceJson::Ok {
                    id: r.service.id.clone(),
                    host: endpoint.host.clone(),
                    port: endpoint.port,
                    endpoint: endpoint.to_string(),
                    source: (&endpoint.source).into(),
                    host_source: r.host_source.as_ref().map(Into::into),
                },
                Err(error) => ServiceJson::Err { id: r.service.id.clone(), error: error.to_string() },
            })
            .collect();
        let collisions = clashes
            .iter()
            .map(|(first, second, endpoint, message)| CollisionJson {
                first: first.clone(),
                second: second.clone(),
                endpoint: endpoint.clone(),
                message: message.clone(),
            })
            .collect();
        let config = resolver.config_path().map(|p| p.to_string_lossy().into_owned());
        out::print_json(&ResolveJson { config, services, collisions })?;
    } else {
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|r| match &r.result {
                Ok(endpoint) => {
                    let mut source = endpoint.source.to_string();
                    if let Some(host) = &r.host_source {
                        source.push_str(&format!("; host from {host}"));
                    }
                    vec![r.service.id.clone(), endpoint.to_string(), source]
                }
                Err(error) => vec![r.service.id.clone(), "error".to_owned(), error.to_string()],
            })
            .collect();
        let mut text = out::table_painted(&["ID", "ENDPOINT", "SOURCE"], &rows, |_, column, cell| {
            if column == 1 && cell == "error" {
                red(cell)
            } else {
                cell.to_owned()
            }
        });
        for (_, _, _, message) in &clashes {
            text.push_str(&format!("{} {}\n", red("collision:"), ports_core::escape_control(message)));
        }
        out::print(text)?;
    }
    Ok(if failed || !clashes.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

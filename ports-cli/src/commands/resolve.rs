//! `ports resolve [id] [--json]`: the effective endpoint of one or every service under the
//! current environment and config file, where each value came from, and whether two services
//! resolve to one endpoint (exit 1).

use ports_core::{Collision, Resolved, Resolver, Source};
use serde::Serialize;

use crate::context::Located;
use crate::failure::Failure;
use crate::out::{self, red};
use crate::report::Report;

/// Where a value came from, as JSON: `{"kind": "env", "var": .., "value": ..}`,
/// `{"kind": "config", "file": .., "key": ..}` or `{"kind": "default"}`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceReport {
    /// An env var.
    Env {
        /// Its name.
        var: String,
        /// Its value.
        value: String,
    },
    /// The config file.
    Config {
        /// The file (lossy for a path that is not UTF-8: JSON strings are).
        file: String,
        /// The key path.
        key: String,
    },
    /// The registry's default.
    Default,
}

impl From<&Source> for SourceReport {
    fn from(source: &Source) -> Self {
        match source {
            Source::Env { var, value } => SourceReport::Env { var: var.clone(), value: value.clone() },
            Source::Config { file, key } => {
                SourceReport::Config { file: file.to_string_lossy().into_owned(), key: key.clone() }
            }
            Source::Default => SourceReport::Default,
        }
    }
}

/// The effective endpoints, and the collisions among them.
#[derive(Debug, Serialize)]
pub struct ResolveReport {
    /// The registry used.
    pub registry: String,
    /// The config file read, `None` when there is none (lossy for a path that is not UTF-8:
    /// JSON strings are).
    pub config: Option<String>,
    /// Each service shown.
    pub services: Vec<ServiceReport>,
    /// Pairs of services that resolve to one endpoint (exit 1).
    pub collisions: Vec<Collision>,
}

/// One service's effective endpoint, or why it has none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ServiceReport {
    /// Resolved.
    Ok {
        /// The service id.
        id: String,
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// `host:port`.
        endpoint: String,
        /// Where the port came from.
        source: SourceReport,
        /// Where the host came from, when not the default.
        #[serde(skip_serializing_if = "Option::is_none")]
        host_source: Option<SourceReport>,
        /// The sources as the text table shows them.
        #[serde(skip)]
        shown: String,
    },
    /// Not resolved (exit 1).
    Err {
        /// The service id.
        id: String,
        /// Why.
        error: String,
    },
}

/// The collisions among resolved services: ports-core's one rule, message and JSON shape
/// ([`Collision`]), shared by `resolve` and `status`.
#[must_use]
pub fn collision_reports(resolved: &[Resolved<'_>]) -> Vec<Collision> {
    Collision::of_services(resolved.iter().filter_map(|r| r.result.as_ref().ok()))
}

/// `ports resolve [id]`, under the process's environment and config file.
///
/// # Errors
///
/// The registry cannot be loaded; an unknown id (exit 2).
pub fn resolve(located: &Located, id: Option<&str>) -> Result<ResolveReport, Failure> {
    let registry = located.load()?;
    if let Some(id) = id {
        registry.require_service(id).map_err(Failure::usage)?;
    }
    let resolver = Resolver::from_env();
    let all = resolver.resolve_all(&registry);
    // With an id, only the collisions that involve it.
    let collisions: Vec<Collision> =
        collision_reports(&all).into_iter().filter(|c| id.is_none_or(|id| c.first == id || c.second == id)).collect();
    let services = all
        .iter()
        .filter(|r| id.is_none_or(|id| r.service.id == id))
        .map(|r| match &r.result {
            Ok(endpoint) => ServiceReport::Ok {
                id: r.service.id.clone(),
                host: endpoint.host.clone(),
                port: endpoint.port,
                endpoint: endpoint.to_string(),
                source: (&endpoint.source).into(),
                host_source: (endpoint.host_source != Source::Default).then(|| (&endpoint.host_source).into()),
                shown: match &endpoint.host_source {
                    Source::Default => endpoint.source.to_string(),
                    host => format!("{}; host from {host}", endpoint.source),
                },
            },
            Err(error) => ServiceReport::Err { id: r.service.id.clone(), error: error.to_string() },
        })
        .collect();
    // Named only when there is a file there: a path that was looked at and found empty was
    // not read (the resolver treats a missing file as no overrides).
    let config = resolver.config_path().filter(|p| p.exists()).map(|p| p.to_string_lossy().into_owned());
    Ok(ResolveReport { registry: located.label(), config, services, collisions })
}

impl Report for ResolveReport {
    fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .services
            .iter()
            .map(|s| match s {
                ServiceReport::Ok { id, endpoint, shown, .. } => vec![id.clone(), endpoint.clone(), shown.clone()],
                ServiceReport::Err { id, error } => vec![id.clone(), "error".to_owned(), error.clone()],
            })
            .collect();
        let mut text = out::table_painted(&["ID", "ENDPOINT", "SOURCE"], &rows, |_, column, cell| {
            if column == 1 && cell == "error" {
                red(cell)
            } else {
                cell.to_owned()
            }
        });
        for collision in &self.collisions {
            text.push_str(&format!("{} {}\n", red("collision:"), ports_core::escape_control(&collision.to_string())));
        }
        text.push_str(&super::registry_line(&self.registry));
        text
    }

    fn code(&self) -> u8 {
        let failed = self.services.iter().any(|s| matches!(s, ServiceReport::Err { .. }));
        u8::from(failed || !self.collisions.is_empty())
    }
}

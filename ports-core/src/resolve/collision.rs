//! The one collision rule: two endpoints that cannot both be bound.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Endpoint;

pub(super) fn hosts_overlap(a: &str, b: &str) -> bool {
    let ip = |h: &str| h.parse::<IpAddr>().ok();
    let wildcard = |h: &str| h.is_empty() || ip(h).is_some_and(|ip| ip.is_unspecified());
    let same = match (ip(a), ip(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.eq_ignore_ascii_case(b),
    };
    same || wildcard(a) || wildcard(b)
}

/// Every pair of endpoints that collide ([`Endpoint::collides_with`]), as indices into
/// `endpoints`, in order. Endpoints are grouped by port first, so a long list of distinct ports
/// costs one pass.
///
/// ```
/// use ports_core::{collisions, Endpoint, Source};
/// let at = |port| Endpoint { host: "127.0.0.1".into(), port, source: Source::Default };
/// assert_eq!(collisions(&[at(4410), at(4411), at(4410)]), [(0, 2)]);
/// ```
#[must_use]
pub fn collisions<'a>(endpoints: impl IntoIterator<Item = &'a Endpoint>) -> Vec<(usize, usize)> {
    let endpoints: Vec<&Endpoint> = endpoints.into_iter().collect();
    let mut by_port: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        by_port.entry(endpoint.port).or_default().push(i);
    }
    let mut pairs = Vec::new();
    for indices in by_port.values().filter(|v| v.len() > 1) {
        for (n, &i) in indices.iter().enumerate() {
            for &j in &indices[n + 1..] {
                if endpoints[i].collides_with(endpoints[j]) {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

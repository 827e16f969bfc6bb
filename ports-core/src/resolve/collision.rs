//! The one collision rule — two endpoints that cannot both be bound — with its one message and
//! one JSON shape, for `ports!`, `ports resolve` and `ports status`.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

use serde_core::ser::{Serialize, SerializeStruct, Serializer};

use super::Endpoint;

/// Whether two hosts overlap: the same address (or name), or either a wildcard (`0.0.0.0`,
/// `::`, or empty).
pub(crate) fn hosts_overlap(a: &str, b: &str) -> bool {
    match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
        (Ok(a), Ok(b)) => ips_overlap(a, b),
        (a_ip, b_ip) => {
            let wildcard =
                |host: &str, ip: Result<IpAddr, _>| host.is_empty() || ip.is_ok_and(|ip| ip.is_unspecified());
            a.eq_ignore_ascii_case(b) || wildcard(a, a_ip) || wildcard(b, b_ip)
        }
    }
}

/// Whether two addresses overlap: the same address (an IPv4-mapped IPv6 address is its IPv4
/// address), or either a wildcard of either family — a dual-stack `::` listener holds the
/// IPv4 port too.
pub(crate) fn ips_overlap(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical() || a.is_unspecified() || b.is_unspecified()
}

/// Every pair of endpoints that collide ([`Endpoint::collides_with`]), as indices into
/// `endpoints`, in order. Endpoints are grouped by port first, so a long list of distinct ports
/// costs one pass.
///
/// ```
/// use ports_core::{collisions, Endpoint};
/// let at = |port| Endpoint::new("zero-gateway", "127.0.0.1", port);
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

/// Two named endpoints that cannot both be bound ([`Endpoint::collides_with`]): services
/// (named by id) for `ports resolve` and `ports status`, fields for `ports!`
/// ([`ResolveError::Collision`](crate::ResolveError::Collision) says "fields" before this
/// message).
///
/// Displays as the one collision message; serializes as the one JSON shape,
/// `{ "first", "second", "endpoint", "message" }`.
///
/// ```
/// use ports_core::{Collision, Registry, Resolver};
///
/// let resolver = Resolver::new().env("GATEWAY_PORT", "5000").env("CHANNELS_PORT", "5000");
/// let all = resolver.resolve_all(Registry::embedded());
/// let found = Collision::of_services(all.iter().filter_map(|r| r.result.as_ref().ok()));
/// assert_eq!(
///     found[0].to_string(),
///     "`zero-gateway` and `zero-channels` both resolve to port 5000: \
///      `zero-gateway` = 127.0.0.1:5000 from GATEWAY_PORT=5000 (env), \
///      `zero-channels` = 127.0.0.1:5000 from CHANNELS_PORT=5000 (env)"
/// );
/// assert!(found[0].involves("zero-channels"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The first name (a service id, or a `ports!` field).
    pub first: String,
    /// Its endpoint.
    pub first_endpoint: Endpoint,
    /// The second name.
    pub second: String,
    /// Its endpoint.
    pub second_endpoint: Endpoint,
}

impl Collision {
    /// Every collision among named endpoints, in order of the first name, then the second.
    #[must_use]
    pub fn among<'a>(named: impl IntoIterator<Item = (&'a str, &'a Endpoint)>) -> Vec<Collision> {
        let named: Vec<(&str, &Endpoint)> = named.into_iter().collect();
        collisions(named.iter().map(|(_, e)| *e))
            .into_iter()
            .map(|(i, j)| Collision {
                first: named[i].0.to_owned(),
                first_endpoint: named[i].1.clone(),
                second: named[j].0.to_owned(),
                second_endpoint: named[j].1.clone(),
            })
            .collect()
    }

    /// Every collision among endpoints, each named by its service id ([`Endpoint::service`]).
    #[must_use]
    pub fn of_services<'a>(endpoints: impl IntoIterator<Item = &'a Endpoint>) -> Vec<Collision> {
        Collision::among(endpoints.into_iter().map(|e| (e.service.as_str(), e)))
    }

    /// Whether `name` is one of the two.
    #[must_use]
    pub fn involves(&self, name: &str) -> bool {
        self.first == name || self.second == name
    }
}

/// The one collision message: "`a` and `b` both resolve to port P: `a` = host:P from its
/// source, `b` = host:P from its source".
pub(super) fn write_collision(
    f: &mut fmt::Formatter<'_>,
    (first, first_endpoint): (&str, &Endpoint),
    (second, second_endpoint): (&str, &Endpoint),
) -> fmt::Result {
    write!(
        f,
        "`{first}` and `{second}` both resolve to port {}: `{first}` = {first_endpoint} from {}, `{second}` = {second_endpoint} from {}",
        first_endpoint.port, first_endpoint.source, second_endpoint.source
    )
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_collision(f, (&self.first, &self.first_endpoint), (&self.second, &self.second_endpoint))
    }
}

impl Serialize for Collision {
    /// `{ "first": "zero-gateway", "second": "zero-channels", "endpoint": "127.0.0.1:5000",
    /// "message": "..." }`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct("Collision", 4)?;
        st.serialize_field("first", &self.first)?;
        st.serialize_field("second", &self.second)?;
        st.serialize_field("endpoint", &self.first_endpoint.to_string())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_of_either_family_and_mapped_addresses_overlap() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(ips_overlap(ip("127.0.0.1"), ip("0.0.0.0")));
        assert!(ips_overlap(ip("127.0.0.1"), ip("::")));
        assert!(ips_overlap(ip("::ffff:127.0.0.1"), ip("127.0.0.1")));
        assert!(!ips_overlap(ip("127.0.0.1"), ip("::1")));
        assert!(!ips_overlap(ip("127.0.0.1"), ip("127.0.0.2")));
        assert!(hosts_overlap("LOCALHOST", "localhost") && hosts_overlap("", "localhost"));
        assert!(hosts_overlap("localhost", "::") && !hosts_overlap("localhost", "127.0.0.1"));
    }

    #[test]
    fn serializes_as_the_one_json_shape() {
        let a = Endpoint::new("a", "127.0.0.1", 5000);
        let b = Endpoint::new("b", "0.0.0.0", 5000);
        let found = Collision::of_services([&a, &b]);
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "first": "a", "second": "b", "endpoint": "127.0.0.1:5000",
                "message": "`a` and `b` both resolve to port 5000: `a` = 127.0.0.1:5000 from registry default, `b` = 0.0.0.0:5000 from registry default"
            }])
        );
    }
}

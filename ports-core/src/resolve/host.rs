//! What a host in the config file may be.

use std::net::IpAddr;

/// Whether `host` is something to bind or connect to: an IP address, or a DNS name (labels of
/// letters, digits, `-` and `_`, 1-63 characters each, not starting or ending with `-`; at most
/// 253 characters). No port, no brackets, no spaces.
///
/// ```
/// assert!(ports_core::is_host("0.0.0.0") && ports_core::is_host("::1") && ports_core::is_host("zero-gateway.local"));
/// assert!(!ports_core::is_host("0.0.0.0:80") && !ports_core::is_host(" example ") && !ports_core::is_host("[::1]"));
/// ```
#[must_use]
pub fn is_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

//! What a host in the config file may be: an IP address, or a DNS name.

use std::net::IpAddr;

/// Whether `host` is something to bind or connect to: an IP address, or a DNS name (labels of
/// letters, digits, `-` and `_`, 1-63 characters each, not starting or ending with `-`; at most
/// 253 characters; the last label not all digits). No port, no brackets, no spaces.
///
/// A name whose last label is all digits is no DNS name (no top-level domain is numeric): it
/// is an IPv4 address or nothing, and `999.1.1.1` or `1.2.3` is not one — yet a resolver would
/// happily read `1.2.3` as `1.2.0.3`, so it is refused here rather than bound somewhere else.
pub(crate) fn is_host(host: &str) -> bool {
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
        && !name.rsplit('.').next().is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_host;

    #[test]
    fn addresses_and_names_are_hosts() {
        for host in
            ["0.0.0.0", "127.0.0.1", "::1", "::", "zero-gateway.local", "localhost", "a_b.example.", "4410.example"]
        {
            assert!(is_host(host), "{host}");
        }
    }

    #[test]
    fn ports_brackets_spaces_and_numeric_non_addresses_are_not() {
        for host in [
            "0.0.0.0:80",
            " example ",
            "[::1]",
            "",
            ".",
            "-a.example",
            "a-.example",
            "999.1.1.1",
            "256.0.0.1",
            "1.2.3",
            "4410",
            "example.123",
            "01.02.03.04",
        ] {
            assert!(!is_host(host), "{host:?}");
        }
        assert!(!is_host(&format!("{}.example", "a".repeat(64))));
    }
}

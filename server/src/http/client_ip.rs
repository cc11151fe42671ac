//! Which address a request comes from, for the per-IP limits.
//!
//! Behind proxies, `X-Forwarded-For` is a list each hop appends to: everything left
//! of what your own proxies appended is whatever the client chose to send. So the
//! client is the entry `hops` from the right (the one your outermost proxy saw),
//! never the leftmost. IPv6 clients are grouped by their /64, the block one
//! subscriber gets, so rotating addresses inside it buys no fresh limits.

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;

use crate::config::Settings;

/// Whether `peer` (the TCP connection's address) is a proxy whose
/// `X-Forwarded-For` is believed.
pub fn is_trusted_proxy(settings: &Settings, peer: IpAddr) -> bool {
    let peer = match peer {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
        v4 => v4,
    };
    settings.trust_forwarded_for && settings.trusted_proxies.iter().any(|n| n.contains(&peer))
}

/// The address your `hops` trusted proxies saw the client at, if the header has it.
pub fn forwarded(headers: &HeaderMap, hops: u32) -> Option<IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    let at = entries.len().checked_sub(hops.max(1) as usize)?;
    entries[at].parse().ok()
}

/// The key a client's requests are limited under: its IPv4 address, or its IPv6 /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_client_is_what_the_trusted_proxy_appended() {
        let h = headers(&["6.6.6.6, 203.0.113.9"]);
        assert_eq!(forwarded(&h, 1), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(forwarded(&h, 2), Some("6.6.6.6".parse().unwrap()));
        assert_eq!(forwarded(&h, 3), None);
        // Several headers are one list, in order.
        let h = headers(&["6.6.6.6", "203.0.113.9, 10.0.0.2"]);
        assert_eq!(forwarded(&h, 2), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(forwarded(&headers(&[]), 1), None);
        assert_eq!(forwarded(&headers(&["unknown"]), 1), None);
    }

    #[test]
    fn only_configured_proxies_are_believed() {
        let mut s = Settings {
            trust_forwarded_for: true,
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()],
            ..Settings::default()
        };
        assert!(is_trusted_proxy(&s, "10.1.2.3".parse().unwrap()));
        assert!(is_trusted_proxy(&s, "::ffff:10.1.2.3".parse().unwrap()));
        assert!(is_trusted_proxy(&s, "::1".parse().unwrap()));
        assert!(!is_trusted_proxy(&s, "11.0.0.1".parse().unwrap()));
        assert!(!is_trusted_proxy(&s, "127.0.0.1".parse().unwrap()));
        s.trust_forwarded_for = false;
        assert!(!is_trusted_proxy(&s, "10.1.2.3".parse().unwrap()));
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let a = limit_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = limit_key("2001:db8:1:2:bbbb::2".parse().unwrap());
        let c = limit_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            limit_key("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(limit_key(v4), v4);
    }
}

//! Who the client is: the one place that decides the client's address (for
//! the login throttle, the audit log, every handler) and whether the request
//! came over HTTPS.
//!
//! The socket's peer is the client, unless the peer is one of
//! `http.trusted_proxies`: then `X-Forwarded-For` is read from the right
//! (the entry our proxy added) leftwards, skipping trusted proxies, and the
//! first address that is not one is the client. Entries left of it were
//! written by the client and could say anything, so they are never used.
//! `X-Forwarded-Proto` likewise counts only from a trusted peer. From
//! anyone else both headers are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

use crate::config::IpNet;

/// The client of one request, put in the request's extensions by the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub addr: IpAddr,
    /// Over HTTPS: our own TLS, or a trusted proxy's `X-Forwarded-Proto`.
    pub https: bool,
}

/// The client of a request from `peer` with `headers`; `tls` when our own
/// listener speaks TLS.
pub fn client(trusted: &[IpNet], peer: IpAddr, headers: &HeaderMap, tls: bool) -> Client {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Client { addr: peer, https: tls };
    }
    let mut addr = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                addr = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // Garbage where an address should be: nothing left of it can be
            // believed; the last good hop is as far as we know.
            None => break,
        }
    }
    let proto = headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .next_back();
    let https = match proto {
        Some(p) => p.eq_ignore_ascii_case("https"),
        None => tls,
    };
    Client { addr, https }
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if hop.len() > 64 {
        return None;
    }
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<SocketAddr>().ok().map(|s| s.ip().to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| IpNet::try_from(s.to_string()).unwrap()).collect()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https")]);
        assert_eq!(client(&[], ip("203.0.113.9"), &h, false), Client { addr: ip("203.0.113.9"), https: false });
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client(&trusted, ip("203.0.113.9"), &h, true), Client { addr: ip("203.0.113.9"), https: true });
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        assert_eq!(client(&trusted, ip("10.1.2.3"), &h, false), Client { addr: ip("203.0.113.9"), https: true });
        // IPv4-mapped peers count as their IPv4 address.
        assert_eq!(client(&trusted, ip("::ffff:127.0.0.1"), &h, false).addr, ip("203.0.113.9"));
        // No header: the proxy itself.
        assert_eq!(client(&trusted, ip("10.1.2.3"), &HeaderMap::new(), false).addr, ip("10.1.2.3"));
    }

    #[test]
    fn forged_entries_left_of_the_real_client_are_ignored() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client sent "X-Forwarded-For: 1.1.1.1"; our proxies appended.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.5")]);
        assert_eq!(client(&trusted, ip("10.0.0.6"), &h, false).addr, ip("198.51.100.7"));
        // The same over two header lines, with ports and brackets.
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "[2001:db8::7]:5000, 10.0.0.5:80")]);
        assert_eq!(client(&trusted, ip("10.0.0.6"), &h, false).addr, ip("2001:db8::7"));
        // Garbage stops the walk at the last good hop.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, nonsense, 10.0.0.5")]);
        assert_eq!(client(&trusted, ip("10.0.0.6"), &h, false).addr, ip("10.0.0.5"));
        // Only proxies: the left-most is the farthest we know.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.5")]);
        assert_eq!(client(&trusted, ip("10.0.0.6"), &h, false).addr, ip("10.9.9.9"));
    }

    #[test]
    fn the_nearest_proxy_says_the_scheme() {
        let trusted = nets(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!client(&trusted, ip("10.0.0.6"), &h, true).https);
        let h = headers(&[("x-forwarded-proto", "HTTPS")]);
        assert!(client(&trusted, ip("10.0.0.6"), &h, false).https);
    }
}

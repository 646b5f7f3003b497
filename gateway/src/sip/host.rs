//! The `host` of SIP URIs and Via sent-by: a domain name, an IPv4 address or an
//! IPv6 reference in brackets (RFC 3261 §25.1 as corrected by RFC 5954, and the
//! IPv6 cases of RFC 5118).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::error::SyntaxError;
use super::scan::Cursor;

/// A host as it appears in a URI or a Via.
///
/// Domain names keep the spelling they arrived with (they compare
/// case-insensitively, see [`Host::eq_ignore_case`]); addresses are stored as
/// addresses, so `[2001:DB8::1]` and `[2001:db8:0::1]` are the same host and print
/// in the canonical form of RFC 5952.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    Name(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

const ERR: SyntaxError = SyntaxError::new("host");

impl Host {
    /// Parses a whole string as a host.
    pub fn parse(s: &str) -> Result<Host, SyntaxError> {
        let mut c = Cursor::new(s);
        let host = Host::scan(&mut c)?;
        c.expect_end("host")?;
        Ok(host)
    }

    /// Reads a host at the cursor: `[IPv6]`, or the longest run of name
    /// characters, which must then be a hostname or a dotted IPv4 address.
    pub(crate) fn scan(c: &mut Cursor<'_>) -> Result<Host, SyntaxError> {
        if c.eat(b'[') {
            let inner = c.take_while(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            if !c.eat(b']') {
                return Err(ERR);
            }
            return inner.parse::<Ipv6Addr>().map(Host::V6).map_err(|_| ERR);
        }
        let text = c.take_while(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        Host::from_name_or_v4(text)
    }

    fn from_name_or_v4(text: &str) -> Result<Host, SyntaxError> {
        // hostname = *( domainlabel "." ) toplabel [ "." ], toplabel starts with a
        // letter; anything whose last label starts with a digit must be IPv4.
        let labels = text.strip_suffix('.').unwrap_or(text);
        let top = labels.rsplit('.').next().unwrap_or("");
        if top.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return text.parse::<Ipv4Addr>().map(Host::V4).map_err(|_| ERR);
        }
        let label_ok = |l: &str| {
            let b = l.as_bytes();
            !b.is_empty() && b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric()
        };
        if labels.split('.').all(label_ok) && top.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            Ok(Host::Name(text.to_owned()))
        } else {
            Err(ERR)
        }
    }

    /// Parses the address of a Via `received` parameter: RFC 3261 writes IPv6 there
    /// without brackets, RFC 5118 §4.5 shows both forms in use, so both are accepted.
    pub fn parse_ip(s: &str) -> Result<IpAddr, SyntaxError> {
        let bare = s.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
        match bare {
            Some(v6) => v6.parse::<Ipv6Addr>().map(IpAddr::V6),
            None => s.parse::<IpAddr>(),
        }
        .map_err(|_| SyntaxError::new("IP address"))
    }

    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Host::Name(_) => None,
            Host::V4(a) => Some(IpAddr::V4(*a)),
            Host::V6(a) => Some(IpAddr::V6(*a)),
        }
    }

    /// Domain names compare case-insensitively (RFC 3261 §19.1.4).
    pub fn eq_ignore_case(&self, other: &Host) -> bool {
        match (self, other) {
            (Host::Name(a), Host::Name(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        }
    }
}

impl From<IpAddr> for Host {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(a) => Host::V4(a),
            IpAddr::V6(a) => Host::V6(a),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::V4(a) => write!(f, "{a}"),
            Host::V6(a) => write!(f, "[{a}]"),
        }
    }
}

/// Parses `port = 1*DIGIT`; anything above 65535 is an error, not a wrap.
pub(crate) fn parse_port(s: &str) -> Result<u16, SyntaxError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SyntaxError::new("port"));
    }
    let digits = s.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(SyntaxError::new("port"));
    }
    if digits.is_empty() {
        return Ok(0);
    }
    digits.parse::<u16>().map_err(|_| SyntaxError::new("port"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) {
        let host = Host::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(host.to_string(), printed);
        assert_eq!(Host::parse(&host.to_string()).unwrap(), host);
    }

    #[test]
    fn round_trip() {
        check("example.com", "example.com");
        check("Example.COM.", "Example.COM.");
        check("192.0.2.1", "192.0.2.1");
        check("[2001:db8::10]", "[2001:db8::10]");
        check("[2001:DB8:0::10]", "[2001:db8::10]");
        check("[::ffff:192.0.2.10]", "[::ffff:192.0.2.10]");
        check("[2001:db8::192.0.2.1]", "[2001:db8::c000:201]");
        check("[2001:db8::10:5070]", "[2001:db8::10:5070]");
        check("a-1.b2", "a-1.b2");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "2001:db8::10",
            "[2001:db8:::192.0.2.1]",
            "[2001:db8::10",
            "256.1.1.1",
            "1.2.3",
            "-a.com",
            "a-.com",
            "a..com",
            "example.1com",
            "ex_ample.com",
            "host ",
        ] {
            assert!(Host::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn received_addresses() {
        assert_eq!(Host::parse_ip("2001:db8::9:255").unwrap(), Host::parse_ip("[2001:db8::9:255]").unwrap());
        assert!(Host::parse_ip("192.0.2.1").is_ok());
        assert!(Host::parse_ip("example.com").is_err());
        assert!(Host::parse_ip("[192.0.2.1]").is_err());
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("5060"), Ok(5060));
        assert_eq!(parse_port("0005060"), Ok(5060));
        assert_eq!(parse_port("0"), Ok(0));
        assert!(parse_port("65536").is_err());
        assert!(parse_port("99999999999999999999").is_err());
        assert!(parse_port("").is_err());
        assert!(parse_port("db8").is_err());
    }
}

//! The Via header (RFC 3261 §20.42) with the parameters transactions and response
//! routing need: branch, received, rport (RFC 3581), maddr and ttl.

use std::fmt;
use std::net::IpAddr;

use super::error::SyntaxError;
use super::host::{Host, parse_port};
use super::params::{Param, Params, scan_gen_value};
use super::scan::{Cursor, split_list};

/// The transport of a Via sent-protocol. Unknown transports parse (RFC 4475
/// `transports` has `UNKNOWN`) so that a message through an exotic hop still
/// reaches us; we just cannot send over them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
    Sctp,
    TlsSctp,
    Ws,
    Wss,
    Other(String),
}

const TRANSPORTS: [(Transport, &str); 7] = [
    (Transport::Udp, "UDP"),
    (Transport::Tcp, "TCP"),
    (Transport::Tls, "TLS"),
    (Transport::Sctp, "SCTP"),
    (Transport::TlsSctp, "TLS-SCTP"),
    (Transport::Ws, "WS"),
    (Transport::Wss, "WSS"),
];

impl Transport {
    /// Transport names are case-insensitive tokens.
    pub fn parse(s: &str) -> Transport {
        TRANSPORTS
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(s))
            .map_or_else(|| Transport::Other(s.to_owned()), |(t, _)| t.clone())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Transport::Other(s) => s,
            known => TRANSPORTS.iter().find(|(t, _)| t == known).map_or("", |(_, name)| name),
        }
    }

    /// Whether the transport keeps a connection (and so needs Content-Length).
    pub fn is_stream(&self) -> bool {
        !matches!(self, Transport::Udp)
    }
}

/// The `rport` parameter of RFC 3581: absent, present without a value (a request
/// asking us to answer to the source port), or filled in by the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rport {
    #[default]
    Absent,
    Requested,
    Filled(u16),
}

/// One Via value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub transport: Transport,
    pub host: Host,
    pub port: Option<u16>,
    pub branch: Option<String>,
    pub received: Option<IpAddr>,
    pub rport: Rport,
    pub maddr: Option<Host>,
    pub ttl: Option<u8>,
    /// Parameters other than the ones above, in order.
    pub params: Params,
}

/// The RFC 3261 branch prefix (§8.1.1.7); a branch without it comes from an RFC
/// 2543 element and its transactions are matched the old way (§17.2.3).
pub const BRANCH_COOKIE: &str = "z9hG4bK";

const ERR: SyntaxError = SyntaxError::new("Via");

impl Via {
    pub fn new(transport: Transport, host: Host, port: Option<u16>, branch: impl Into<String>) -> Self {
        Via {
            transport,
            host,
            port,
            branch: Some(branch.into()),
            received: None,
            rport: Rport::Absent,
            maddr: None,
            ttl: None,
            params: Params::new(),
        }
    }

    /// Parses one whole Via header value into its elements.
    pub fn parse_list(value: &str) -> Result<Vec<Via>, SyntaxError> {
        split_list(value).map(|item| Via::parse(item?)).collect()
    }

    /// Parses one via-parm.
    pub fn parse(s: &str) -> Result<Via, SyntaxError> {
        let mut c = Cursor::new(s);
        c.skip_wsp();
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport,
        // where SLASH allows whitespace around it (RFC 4475 wsinv).
        let name = c.token().ok_or(ERR)?;
        if !name.eq_ignore_ascii_case("SIP") || !c.eat_sep(b'/') || c.token() != Some("2.0") || !c.eat_sep(b'/') {
            return Err(SyntaxError::new("Via sent-protocol"));
        }
        let transport = Transport::parse(c.token().ok_or(ERR)?);
        if !c.skip_wsp() {
            return Err(ERR);
        }
        let host = Host::scan(&mut c)?;
        let port = if c.eat_sep(b':') { Some(parse_port(c.take_while(|b| b.is_ascii_digit()))?) } else { None };

        let mut via = Via { port, ..Via::new(transport, host, None, "") };
        via.branch = None;
        let mut seen_rport = false;
        while c.eat_sep(b';') {
            let name = c.token().ok_or(SyntaxError::new("Via parameter"))?;
            let has_value = c.eat_sep(b'=');
            let dup = |present: bool| if present { Err(SyntaxError::new("repeated Via parameter")) } else { Ok(()) };
            if name.eq_ignore_ascii_case("branch") {
                dup(via.branch.is_some())?;
                let v = c.token().filter(|_| has_value).ok_or(SyntaxError::new("branch"))?;
                via.branch = Some(v.to_owned());
            } else if name.eq_ignore_ascii_case("received") {
                dup(via.received.is_some())?;
                let v = c.take_while(|b| b.is_ascii_hexdigit() || b"[]:.".contains(&b));
                if !has_value {
                    return Err(SyntaxError::new("received"));
                }
                via.received = Some(Host::parse_ip(v)?);
            } else if name.eq_ignore_ascii_case("rport") {
                dup(seen_rport)?;
                seen_rport = true;
                via.rport = if has_value {
                    Rport::Filled(parse_port(c.take_while(|b| b.is_ascii_digit()))?)
                } else {
                    Rport::Requested
                };
            } else if name.eq_ignore_ascii_case("maddr") {
                dup(via.maddr.is_some())?;
                if !has_value {
                    return Err(SyntaxError::new("maddr"));
                }
                via.maddr = Some(Host::scan(&mut c)?);
            } else if name.eq_ignore_ascii_case("ttl") {
                dup(via.ttl.is_some())?;
                let v = c.take_while(|b| b.is_ascii_digit());
                // ttl = 1*3DIGIT ; 0 to 255
                let ttl = (has_value && !v.is_empty() && v.len() <= 3).then(|| v.parse::<u8>().ok()).flatten();
                via.ttl = Some(ttl.ok_or(SyntaxError::new("ttl"))?);
            } else {
                let value = if has_value { Some(scan_gen_value(&mut c)?.to_owned()) } else { None };
                via.params.0.push(Param { name: name.to_owned(), value });
            }
        }
        c.skip_wsp();
        c.expect_end("Via")?;
        Ok(via)
    }

    /// True when the branch carries the RFC 3261 cookie and something after it;
    /// RFC 4475 `badbranch` has the bare cookie, which we treat as RFC 2543.
    pub fn has_rfc3261_branch(&self) -> bool {
        self.branch.as_deref().is_some_and(|b| b.len() > BRANCH_COOKIE.len() && b.starts_with(BRANCH_COOKIE))
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/2.0/{} {}", self.transport.as_str(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        if let Some(b) = &self.branch {
            write!(f, ";branch={b}")?;
        }
        if let Some(r) = &self.received {
            // RFC 3261 writes IPv6 `received` without brackets.
            write!(f, ";received={r}")?;
        }
        match self.rport {
            Rport::Absent => {}
            Rport::Requested => f.write_str(";rport")?,
            Rport::Filled(p) => write!(f, ";rport={p}")?,
        }
        if let Some(m) = &self.maddr {
            write!(f, ";maddr={m}")?;
        }
        if let Some(t) = self.ttl {
            write!(f, ";ttl={t}")?;
        }
        write!(f, "{}", self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) -> Via {
        let via = Via::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(via.to_string(), printed);
        assert_eq!(Via::parse(printed).unwrap(), via, "{printed}");
        via
    }

    #[test]
    fn round_trip() {
        let v = check(
            "SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234",
            "SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234",
        );
        assert!(v.has_rfc3261_branch());
        let v = check("SIP  /   2.0 /UDP     192.0.2.2;branch=390skdjuw", "SIP/2.0/UDP 192.0.2.2;branch=390skdjuw");
        assert!(!v.has_rfc3261_branch());
        check(
            "SIP/2.0/TLS-SCTP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111",
            "SIP/2.0/TLS-SCTP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111",
        );
        let v = check(
            "sip/2.0/unknown t4.example.com;branch=z9hG4bKasd0f3en",
            "SIP/2.0/unknown t4.example.com;branch=z9hG4bKasd0f3en",
        );
        assert_eq!(v.transport, Transport::Other("unknown".into()));
        check("SIP/2.0/tcp iftgw.example.com", "SIP/2.0/TCP iftgw.example.com");
        let v = check(
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-1--d87543-;rport",
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-1--d87543-;rport",
        );
        assert_eq!(v.rport, Rport::Requested);
        check(
            "SIP/2.0/UDP h;rport=5061;received=192.0.2.5;maddr=239.255.255.1;ttl=16;x=\"y\";lr",
            "SIP/2.0/UDP h;received=192.0.2.5;rport=5061;maddr=239.255.255.1;ttl=16;x=\"y\";lr",
        );
        check(
            "SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
            "SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
        );
    }

    #[test]
    fn rfc5118_received() {
        let a = check(
            "SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3",
            "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3;received=2001:db8::9:255",
        );
        let b = Via::parse("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn lists() {
        let list = Via::parse_list(
            "SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8  ,  SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
        )
        .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].branch.as_deref(), Some("z9hG4bK9ikj8"));
        assert_eq!(list[1].host, Host::V4("192.168.255.111".parse().unwrap()));
        assert!(Via::parse_list("SIP/2.0/UDP 192.0.2.15;;,;,,").is_err());
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw",
            "SIP/2.0/UDP",
            "SIP/2.0/UDPhost",
            "SIP/2.0/UDP host:99999",
            "SIP/2.0/UDP host;branch",
            "SIP/2.0/UDP host;branch=",
            "SIP/2.0/UDP host;branch=a;branch=b",
            "SIP/2.0/UDP host;received=example.com",
            "SIP/2.0/UDP host;ttl=256",
            "SIP/2.0/UDP host;ttl=0001",
            "SIP/2.0/UDP host;rport=x",
            "SIP/2.0/UDP host junk",
            "SIP/2.0/UDP [::1",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?}");
        }
    }
}

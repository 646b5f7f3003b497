//! Parsing and printing SDP session descriptions.

use std::fmt::Write as _;
use std::net::IpAddr;

/// Why a description was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: &'static str },
    #[error("missing {0}")]
    Missing(&'static str),
    #[error("description larger than {0} bytes")]
    TooLarge(usize),
}

/// The stream's direction attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// What the answerer says to this offer direction (RFC 3264 §6.1), when
    /// it is willing to both send and receive.
    pub fn answer(self) -> Direction {
        match self {
            Direction::SendRecv => Direction::SendRecv,
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            Direction::Inactive => Direction::Inactive,
        }
    }

    fn parse(s: &str) -> Option<Direction> {
        Some(match s {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }
}

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, …
    pub kind: String,
    /// 0 means the stream is refused or removed.
    pub port: u16,
    /// `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, …
    pub proto: String,
    /// Payload types in order of preference.
    pub formats: Vec<u8>,
    /// `a=rtpmap`: payload type → (encoding name, clock rate).
    pub rtpmaps: Vec<(u8, String, u32)>,
    /// `a=fmtp`: payload type → parameters.
    pub fmtps: Vec<(u8, String)>,
    /// A media-level `c=` address, overriding the session's.
    pub connection: Option<IpAddr>,
    pub direction: Option<Direction>,
    pub ptime: Option<u32>,
    pub rtcp_mux: bool,
    /// Other attributes, kept in order.
    pub other: Vec<String>,
}

/// A whole description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `o=` fields: username, session id, version, address.
    pub origin: (String, u64, u64, IpAddr),
    pub name: String,
    pub connection: Option<IpAddr>,
    pub direction: Option<Direction>,
    pub media: Vec<Media>,
}

/// Larger descriptions are refused: a call's SDP is a few hundred bytes.
pub const MAX_LEN: usize = 16 * 1024;
const MAX_MEDIA: usize = 16;
const MAX_FORMATS: usize = 64;

impl Media {
    /// A stream with no attributes yet.
    pub fn new(kind: &str, port: u16, proto: &str, formats: Vec<u8>) -> Media {
        Media {
            kind: kind.to_owned(),
            port,
            proto: proto.to_owned(),
            formats,
            rtpmaps: Vec::new(),
            fmtps: Vec::new(),
            connection: None,
            direction: None,
            ptime: None,
            rtcp_mux: false,
            other: Vec::new(),
        }
    }
}

impl Session {
    /// The first audio stream, if any.
    pub fn audio(&self) -> Option<&Media> {
        self.media.iter().find(|m| m.kind == "audio")
    }

    /// Where to send the stream: its own address or the session's.
    pub fn address_of(&self, m: &Media) -> Option<IpAddr> {
        m.connection.or(self.connection)
    }

    /// The effective direction of a stream.
    pub fn direction_of(&self, m: &Media) -> Direction {
        m.direction.or(self.direction).unwrap_or_default()
    }

    /// Whether this description puts the other side on hold: a direction
    /// other than sendrecv/recvonly from the holder's side, or the old
    /// RFC 2543 way of a 0.0.0.0 address.
    pub fn is_hold(&self) -> bool {
        match self.audio() {
            Some(m) => {
                let d = self.direction_of(m);
                matches!(d, Direction::SendOnly | Direction::Inactive)
                    || self.address_of(m).is_some_and(|a| a.is_unspecified())
            }
            None => false,
        }
    }
}

/// Parses a description. Line ends may be CRLF or LF.
pub fn parse(text: &[u8]) -> Result<Session, SdpError> {
    if text.len() > MAX_LEN {
        return Err(SdpError::TooLarge(MAX_LEN));
    }
    let text = std::str::from_utf8(text).map_err(|_| SdpError::Line { line: 0, reason: "not UTF-8" })?;
    let mut origin = None;
    let mut name = None;
    let mut connection = None;
    let mut direction = None;
    let mut media: Vec<Media> = Vec::new();
    let mut saw_version = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        let err = |reason| SdpError::Line { line: line_no, reason };
        let (kind, value) = match line.as_bytes() {
            [k, b'=', ..] => (*k, &line[2..]),
            _ => return Err(err("expected <type>=<value>")),
        };
        if !saw_version {
            if kind != b'v' || value != "0" {
                return Err(err("must start with v=0"));
            }
            saw_version = true;
            continue;
        }
        match kind {
            b'o' => {
                let f: Vec<&str> = value.split(' ').collect();
                if f.len() != 6 || f[3] != "IN" {
                    return Err(err("o= needs 6 fields, network type IN"));
                }
                let id = f[1].parse().map_err(|_| err("o= session id"))?;
                let ver = f[2].parse().map_err(|_| err("o= session version"))?;
                let addr = address(f[4], f[5]).ok_or_else(|| err("o= address"))?;
                origin = Some((f[0].to_owned(), id, ver, addr));
            }
            b's' => name = Some(value.to_owned()),
            b'c' => {
                let f: Vec<&str> = value.split(' ').collect();
                if f.len() != 3 || f[0] != "IN" {
                    return Err(err("c= needs IN <addrtype> <address>"));
                }
                // A multicast TTL suffix (`/127`) is not for calls.
                let addr = address(f[1], f[2]).ok_or_else(|| err("c= address"))?;
                match media.last_mut() {
                    Some(m) => m.connection = Some(addr),
                    None => connection = Some(addr),
                }
            }
            b'm' => {
                if media.len() >= MAX_MEDIA {
                    return Err(err("too many m= lines"));
                }
                let mut f = value.split(' ');
                let kind = f.next().filter(|s| !s.is_empty()).ok_or_else(|| err("m= media type"))?;
                let port = f.next().ok_or_else(|| err("m= port"))?;
                // `port/count` is for layered streams; we take the base port.
                let port = port.split('/').next().unwrap_or("").parse().map_err(|_| err("m= port"))?;
                let proto = f.next().filter(|s| !s.is_empty()).ok_or_else(|| err("m= protocol"))?;
                let mut formats = Vec::new();
                for fmt in f {
                    if formats.len() >= MAX_FORMATS {
                        return Err(err("too many formats"));
                    }
                    if proto.contains("RTP") {
                        formats
                            .push(fmt.parse::<u8>().ok().filter(|pt| *pt < 128).ok_or_else(|| err("m= payload type"))?);
                    }
                }
                media.push(Media::new(kind, port, proto, formats));
            }
            b'a' => {
                let (attr, val) = value.split_once(':').unwrap_or((value, ""));
                if let Some(d) = Direction::parse(attr) {
                    match media.last_mut() {
                        Some(m) => m.direction = Some(d),
                        None => direction = Some(d),
                    }
                    continue;
                }
                let Some(m) = media.last_mut() else { continue };
                match attr {
                    "rtpmap" => {
                        let (pt, enc) = val.split_once(' ').ok_or_else(|| err("a=rtpmap"))?;
                        let pt =
                            pt.parse::<u8>().ok().filter(|p| *p < 128).ok_or_else(|| err("a=rtpmap payload type"))?;
                        let mut parts = enc.split('/');
                        let name = parts.next().filter(|s| !s.is_empty()).ok_or_else(|| err("a=rtpmap encoding"))?;
                        let rate =
                            parts.next().and_then(|r| r.parse().ok()).ok_or_else(|| err("a=rtpmap clock rate"))?;
                        if m.rtpmaps.len() < MAX_FORMATS {
                            m.rtpmaps.push((pt, name.to_owned(), rate));
                        }
                    }
                    "fmtp" => {
                        let (pt, params) = val.split_once(' ').ok_or_else(|| err("a=fmtp"))?;
                        let pt = pt.parse::<u8>().map_err(|_| err("a=fmtp payload type"))?;
                        if m.fmtps.len() < MAX_FORMATS {
                            m.fmtps.push((pt, params.to_owned()));
                        }
                    }
                    "ptime" => m.ptime = Some(val.parse().map_err(|_| err("a=ptime"))?),
                    "rtcp-mux" => m.rtcp_mux = true,
                    _ => {
                        if m.other.len() < 64 {
                            m.other.push(value.to_owned())
                        }
                    }
                }
            }
            b'v' => return Err(err("v= may appear once")),
            // t=, b=, i=, u=, e=, p=, z=, k=, r=: not needed for calls.
            _ => {}
        }
    }
    if !saw_version {
        return Err(SdpError::Missing("v="));
    }
    Ok(Session {
        origin: origin.ok_or(SdpError::Missing("o="))?,
        name: name.ok_or(SdpError::Missing("s="))?,
        connection,
        direction,
        media,
    })
}

fn address(addrtype: &str, addr: &str) -> Option<IpAddr> {
    let addr = addr.split('/').next()?;
    let ip: IpAddr = addr.parse().ok()?;
    match (addrtype, ip) {
        ("IP4", IpAddr::V4(_)) | ("IP6", IpAddr::V6(_)) => Some(ip),
        _ => None,
    }
}

fn addr_fields(ip: IpAddr) -> (&'static str, String) {
    match ip {
        IpAddr::V4(a) => ("IP4", a.to_string()),
        IpAddr::V6(a) => ("IP6", a.to_string()),
    }
}

impl std::fmt::Display for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::with_capacity(256);
        let (user, id, ver, addr) = &self.origin;
        let (t, a) = addr_fields(*addr);
        let _ = write!(s, "v=0\r\no={user} {id} {ver} IN {t} {a}\r\ns={}\r\n", self.name);
        if let Some(c) = self.connection {
            let (t, a) = addr_fields(c);
            let _ = write!(s, "c=IN {t} {a}\r\n");
        }
        s.push_str("t=0 0\r\n");
        if let Some(d) = self.direction {
            let _ = write!(s, "a={}\r\n", d.as_str());
        }
        for m in &self.media {
            let _ = write!(s, "m={} {} {}", m.kind, m.port, m.proto);
            for pt in &m.formats {
                let _ = write!(s, " {pt}");
            }
            s.push_str("\r\n");
            if let Some(c) = m.connection {
                let (t, a) = addr_fields(c);
                let _ = write!(s, "c=IN {t} {a}\r\n");
            }
            for (pt, name, rate) in &m.rtpmaps {
                let _ = write!(s, "a=rtpmap:{pt} {name}/{rate}\r\n");
            }
            for (pt, params) in &m.fmtps {
                let _ = write!(s, "a=fmtp:{pt} {params}\r\n");
            }
            if let Some(p) = m.ptime {
                let _ = write!(s, "a=ptime:{p}\r\n");
            }
            if m.rtcp_mux {
                s.push_str("a=rtcp-mux\r\n");
            }
            for o in &m.other {
                let _ = write!(s, "a={o}\r\n");
            }
            if let Some(d) = m.direction {
                let _ = write!(s, "a={}\r\n", d.as_str());
            }
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SIPP_OFFER: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n";

    #[test]
    fn parses_a_carrier_offer() {
        let s = parse(SIPP_OFFER.as_bytes()).unwrap();
        let m = s.audio().unwrap();
        assert_eq!((m.port, m.proto.as_str(), m.formats.as_slice()), (6000, "RTP/AVP", &[8, 0, 101][..]));
        assert_eq!(s.address_of(m), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(m.rtpmaps[2], (101, "telephone-event".into(), 8000));
        assert_eq!(m.ptime, Some(20));
        assert_eq!(s.direction_of(m), Direction::SendRecv);
        assert!(!s.is_hold());
    }

    #[test]
    fn print_then_parse_gives_the_same() {
        let s = parse(SIPP_OFFER.as_bytes()).unwrap();
        let again = parse(s.to_string().as_bytes()).unwrap();
        assert_eq!(s, again);
    }

    #[test]
    fn hold_forms() {
        let sendonly = SIPP_OFFER.replace("a=ptime:20\r\n", "a=ptime:20\r\na=sendonly\r\n");
        assert!(parse(sendonly.as_bytes()).unwrap().is_hold());
        let zero = SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
        assert!(parse(zero.as_bytes()).unwrap().is_hold());
        let session_inactive = SIPP_OFFER.replace("t=0 0\r\n", "t=0 0\r\na=inactive\r\n");
        assert!(parse(session_inactive.as_bytes()).unwrap().is_hold());
    }

    #[test]
    fn ipv6_and_media_level_connection() {
        let s = "v=0\no=- 1 1 IN IP6 ::1\ns=x\nt=0 0\nm=audio 5004 RTP/AVP 0\nc=IN IP6 2001:db8::1\n";
        let s = parse(s.as_bytes()).unwrap();
        let m = s.audio().unwrap();
        assert_eq!(s.address_of(m), Some("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn malformed_descriptions_name_the_line() {
        let cases: &[(&str, &str)] = &[
            ("", "missing v="),
            ("x", "line 1"),
            ("o=- 1 1 IN IP4 1.2.3.4\r\n", "line 1"),
            ("v=0\r\ns=-\r\n", "missing o="),
            ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "missing s="),
            ("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n", "line 2"),
            ("v=0\r\no=- 1 1 IN IP4 ::1\r\ns=-\r\n", "line 2"),
            ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio seven RTP/AVP 0\r\n", "line 4"),
            ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 7 RTP/AVP 300\r\n", "line 4"),
            ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 7 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "line 5"),
            ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nv=0\r\n", "line 4"),
        ];
        for (text, want) in cases {
            let e = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
        assert!(matches!(parse(&vec![b'a'; MAX_LEN + 1]), Err(SdpError::TooLarge(_))));
        assert!(parse(&[0xFF, 0xFE]).is_err());
    }

    #[test]
    fn truncations_never_panic() {
        let b = SIPP_OFFER.as_bytes();
        for n in 0..b.len() {
            let _ = parse(&b[..n]);
        }
    }
}

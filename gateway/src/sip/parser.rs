//! Framing and parsing of whole messages from a datagram or a stream buffer: the
//! start line, header lines (folding, compact names, lists), the fixed headers'
//! RFC 3261 rules and the body framed by Content-Length.
//!
//! The parser is sans-IO and allocation-light: it borrows the input, validates
//! the header section as UTF-8 once, unfolds only the header lines that are
//! folded, and builds owned values only for what it keeps.

use super::accept::Accept;
use super::auth::{Challenge, Credentials};
use super::call_id::CallId;
use super::contact::Contact;
use super::content_length::parse_content_length;
use super::content_type::MediaType;
use super::cseq::CSeq;
use super::date::Date;
use super::error::{ParseError, SyntaxError};
use super::expires::Expires;
use super::header::{Header, Kind, OtherHeader, lookup};
use super::max_forwards::MaxForwards;
use super::message::{Headers, Message, Request, Response, StatusCode};
use super::method::Method;
use super::name_addr::{Form, NameAddr};
use super::option_tags::OptionTags;
use super::scan::{is_token, split_list, trim_wsp};
use super::uri::Uri;
use super::via::Via;

/// Bounds against abuse. Parsing cost is linear in the input, and these cap the
/// input and the number of values kept from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message (start line, headers and body). A UDP datagram
    /// cannot exceed 65,507 octets anyway; streams need the cap so that a peer
    /// cannot make us buffer without end.
    pub max_message_len: usize,
    /// The most header lines (folded lines count once).
    pub max_headers: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { max_message_len: 65_535, max_headers: 128 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// What [`parse_stream`] found at the start of a stream buffer. The message is
/// not boxed: it is moved out at once, and boxing would cost an allocation per
/// message.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framed {
    /// A whole message; drop `consumed` octets from the buffer.
    Message { message: Message, consumed: usize },
    /// Line breaks before a message: 4 octets for an RFC 5626 ping (CRLFCRLF,
    /// answered with CRLF), 2 for a pong or a stray line break. A ping split
    /// across reads shows up as two 2-octet keep-alives.
    KeepAlive { consumed: usize },
    /// The message is not complete yet; read more and call again with the whole
    /// buffer.
    NeedMore,
}

/// Parses one datagram with the default [`Limits`].
pub fn parse_datagram(buf: &[u8]) -> Result<Message, ParseError> {
    parse_datagram_with(buf, &Limits::DEFAULT)
}

/// Parses one datagram. Content-Length is optional (the body is then the rest
/// of the datagram); octets after the Content-Length are ignored, and a
/// Content-Length beyond the datagram is an error (RFC 3261 §18.3, RFC 4475
/// `dblreq` and `clerr`). Leading CRLFs are skipped (§7.5).
pub fn parse_datagram_with(buf: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    let buf = skip_line_breaks(buf);
    if buf.is_empty() {
        return Err(ParseError::Empty);
    }
    if buf.len() > limits.max_message_len {
        return Err(ParseError::TooLarge { limit: limits.max_message_len });
    }
    let head_end = find_head_end(buf).ok_or(ParseError::Unterminated)?;
    let (head, content_length) = parse_head(&buf[..head_end + 2], limits)?;
    let available = &buf[head_end + 4..];
    let body = match content_length {
        Some(n) => available.get(..n).ok_or(ParseError::BodyTruncated)?,
        None => available,
    };
    Ok(head.into_message(body.to_vec()))
}

/// Frames and parses the first message of a stream buffer (TCP, TLS, WebSocket
/// text frames joined). Content-Length is required (RFC 3261 §18.3). Any error
/// means the stream has lost its framing and the connection should be closed,
/// after answering 400 if [`reply_to_malformed`](super::reply_to_malformed)
/// can build one.
pub fn parse_stream(buf: &[u8], limits: &Limits) -> Result<Framed, ParseError> {
    if buf.starts_with(b"\r\n\r\n") {
        return Ok(Framed::KeepAlive { consumed: 4 });
    }
    if buf.starts_with(b"\r\n") {
        return Ok(Framed::KeepAlive { consumed: 2 });
    }
    let window = &buf[..buf.len().min(limits.max_message_len)];
    let Some(head_end) = find_head_end(window) else {
        return if buf.len() >= limits.max_message_len {
            Err(ParseError::TooLarge { limit: limits.max_message_len })
        } else {
            Ok(Framed::NeedMore)
        };
    };
    let (head, content_length) = parse_head(&buf[..head_end + 2], limits)?;
    let length = content_length.ok_or(ParseError::NoContentLength)?;
    let total = head_end + 4 + length;
    if total > limits.max_message_len {
        return Err(ParseError::TooLarge { limit: limits.max_message_len });
    }
    match buf.get(head_end + 4..total) {
        Some(body) => Ok(Framed::Message { message: head.into_message(body.to_vec()), consumed: total }),
        None => Ok(Framed::NeedMore),
    }
}

fn skip_line_breaks(mut buf: &[u8]) -> &[u8] {
    while let Some(rest) = buf.strip_prefix(b"\r\n") {
        buf = rest;
    }
    buf
}

/// The index of the CRLFCRLF that ends the header section.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = buf.get(from..)?.iter().position(|&b| b == b'\r') {
        let at = from + i;
        if buf.get(at..at + 4)? == b"\r\n\r\n" {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

enum StartLine {
    Request(Method, Uri),
    Response(StatusCode, String),
}

/// A parsed start line and header section, waiting for its body.
struct Head {
    start: StartLine,
    headers: Headers,
}

impl Head {
    fn into_message(self, body: Vec<u8>) -> Message {
        match self.start {
            StartLine::Request(method, uri) => Message::Request(Request { method, uri, headers: self.headers, body }),
            StartLine::Response(status, reason) => {
                Message::Response(Response { status, reason, headers: self.headers, body })
            }
        }
    }
}

/// Parses the start line and header lines; `head` ends with the CRLF of the last
/// header line. Returns the Content-Length, if any.
fn parse_head(head: &[u8], limits: &Limits) -> Result<(Head, Option<usize>), ParseError> {
    let text = std::str::from_utf8(head).map_err(|_| ParseError::NotUtf8)?;
    check_line_breaks(head)?;
    let (start_line, lines) = text.split_once("\r\n").ok_or(ParseError::Unterminated)?;
    let start = parse_start_line(start_line)?;

    let mut b = Builder::default();
    let mut count = 0usize;
    // The header being collected: name, first-line value, and the unfolded
    // value once a continuation line has been seen.
    let mut current: Option<(&str, &str, Option<String>)> = None;
    for line in lines.split("\r\n") {
        if line.is_empty() {
            continue;
        }
        if line.as_bytes()[0] == b' ' || line.as_bytes()[0] == b'\t' {
            // Folding: CRLF followed by whitespace is whitespace (RFC 3261 §7.3.1).
            let (_, first, folded) = current.as_mut().ok_or(ParseError::HeaderLine)?;
            folded.get_or_insert_with(|| (*first).to_owned()).push_str(line);
            continue;
        }
        if let Some((name, first, folded)) = current.take() {
            b.apply(name, folded.as_deref().unwrap_or(first), limits)?;
        }
        count += 1;
        if count > limits.max_headers {
            return Err(ParseError::TooManyHeaders { limit: limits.max_headers });
        }
        let (name, value) = line.split_once(':').ok_or(ParseError::HeaderLine)?;
        let name = name.trim_end_matches([' ', '\t']);
        if !is_token(name) {
            return Err(ParseError::HeaderLine);
        }
        current = Some((name, value, None));
    }
    if let Some((name, first, folded)) = current.take() {
        b.apply(name, folded.as_deref().unwrap_or(first), limits)?;
    }
    b.finish(start)
}

/// Refuses a CR not followed by LF or an LF not preceded by CR.
fn check_line_breaks(head: &[u8]) -> Result<(), ParseError> {
    for (i, &c) in head.iter().enumerate() {
        let ok = match c {
            b'\r' => head.get(i + 1) == Some(&b'\n'),
            b'\n' => i > 0 && head[i - 1] == b'\r',
            _ => true,
        };
        if !ok {
            return Err(ParseError::BareLineBreak);
        }
    }
    Ok(())
}

fn parse_start_line(line: &str) -> Result<StartLine, ParseError> {
    if line.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        let (version, rest) = line.split_once(' ').ok_or(ParseError::StartLine(SyntaxError::new("status line")))?;
        check_version(version)?;
        let code_err = ParseError::StartLine(SyntaxError::new("status code"));
        let digits = rest.get(..3).filter(|d| d.bytes().all(|b| b.is_ascii_digit())).ok_or(code_err.clone())?;
        let reason = match rest.get(3..) {
            Some("") => "",
            Some(r) => r.strip_prefix(' ').ok_or(code_err.clone())?,
            None => return Err(code_err),
        };
        let status = digits.parse::<u16>().ok().and_then(StatusCode::new).ok_or(code_err)?;
        if reason.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ParseError::StartLine(SyntaxError::new("reason phrase")));
        }
        return Ok(StartLine::Response(status, reason.to_owned()));
    }
    // Request-Line = Method SP Request-URI SP SIP-Version. Exactly one SP between
    // the parts (RFC 4475 lwsstart, lwsruri); trailing whitespace is tolerated
    // because it is unambiguous (RFC 4475 trws).
    let line = line.trim_end_matches([' ', '\t']);
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::StartLine(SyntaxError::new("request line")));
    };
    check_version(version)?;
    let method = Method::parse(method).map_err(ParseError::StartLine)?;
    let uri = Uri::parse(uri).map_err(ParseError::RequestUri)?;
    if let Uri::Sip(sip) = &uri {
        // RFC 3261 §19.1.1: no headers component in a Request-URI (RFC 4475 escruri).
        if !sip.headers.is_empty() {
            return Err(ParseError::RequestUri(SyntaxError::new("headers in Request-URI")));
        }
    }
    Ok(StartLine::Request(method, uri))
}

/// "SIP/2.0" in any case; another well-formed version is a 505, anything else a 400.
fn check_version(v: &str) -> Result<(), ParseError> {
    if v.eq_ignore_ascii_case("SIP/2.0") {
        return Ok(());
    }
    let number = v.get(..4).filter(|p| p.eq_ignore_ascii_case("SIP/")).and_then(|_| v.get(4..));
    let well_formed = number.and_then(|n| n.split_once('.')).is_some_and(|(major, minor)| {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(major) && digits(minor)
    });
    if well_formed { Err(ParseError::Version) } else { Err(ParseError::StartLine(SyntaxError::new("SIP version"))) }
}

#[derive(Default)]
struct Builder {
    via: Vec<Via>,
    from: Option<NameAddr>,
    to: Option<NameAddr>,
    call_id: Option<CallId>,
    cseq: Option<CSeq>,
    max_forwards: Option<MaxForwards>,
    content_type: Option<MediaType>,
    content_length: Option<usize>,
    other: Vec<Header>,
}

/// Stores a single-valued header, refusing a second one (RFC 4475 multi01, mcl01).
fn once<T>(
    slot: &mut Option<T>,
    name: &'static str,
    parsed: impl FnOnce() -> Result<T, SyntaxError>,
) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError::Repeated(name));
    }
    *slot = Some(parsed().map_err(|source| ParseError::Header { name, source })?);
    Ok(())
}

impl Builder {
    fn apply(&mut self, name: &str, value: &str, limits: &Limits) -> Result<(), ParseError> {
        let value = trim_wsp(value);
        let Some((kind, canonical)) = lookup(name) else {
            self.other.push(Header::Other(OtherHeader::new(name, value).map_err(|_| ParseError::HeaderLine)?));
            return Ok(());
        };
        let typed = |source| ParseError::Header { name: canonical, source };
        match kind {
            Kind::Via => self.via.extend(Via::parse_list(value).map_err(typed)?),
            Kind::From => once(&mut self.from, canonical, || NameAddr::parse(value))?,
            Kind::To => once(&mut self.to, canonical, || NameAddr::parse(value))?,
            Kind::CallId => once(&mut self.call_id, canonical, || CallId::parse(value))?,
            Kind::CSeq => once(&mut self.cseq, canonical, || CSeq::parse(value))?,
            Kind::MaxForwards => once(&mut self.max_forwards, canonical, || MaxForwards::parse(value))?,
            Kind::ContentType => once(&mut self.content_type, canonical, || MediaType::parse(value))?,
            Kind::ContentLength => {
                once(&mut self.content_length, canonical, || parse_content_length(value, limits.max_message_len))?
            }
            Kind::Contact => {
                self.other.extend(Contact::parse_list(value).map_err(typed)?.into_iter().map(Header::Contact))
            }
            Kind::Route | Kind::RecordRoute => {
                for item in split_list(value) {
                    let na = NameAddr::parse_form(item.map_err(typed)?, Form::NameAddrOnly).map_err(typed)?;
                    self.other.push(if kind == Kind::Route { Header::Route(na) } else { Header::RecordRoute(na) });
                }
            }
            Kind::Expires => self.other.push(Header::Expires(Expires::parse(value).map_err(typed)?)),
            Kind::Date => self.other.push(Header::Date(Date::parse(value).map_err(typed)?)),
            Kind::Accept => self.other.push(Header::Accept(Accept::parse(value).map_err(typed)?)),
            Kind::Require => self.other.push(Header::Require(OptionTags::parse(value).map_err(typed)?)),
            Kind::ProxyRequire => self.other.push(Header::ProxyRequire(OptionTags::parse(value).map_err(typed)?)),
            Kind::Supported => self.other.push(Header::Supported(OptionTags::parse(value).map_err(typed)?)),
            Kind::Unsupported => self.other.push(Header::Unsupported(OptionTags::parse(value).map_err(typed)?)),
            Kind::WwwAuthenticate => self.other.push(Header::WwwAuthenticate(Challenge::parse(value).map_err(typed)?)),
            Kind::ProxyAuthenticate => {
                self.other.push(Header::ProxyAuthenticate(Challenge::parse(value).map_err(typed)?))
            }
            Kind::Authorization => self.other.push(Header::Authorization(Credentials::parse(value).map_err(typed)?)),
            Kind::ProxyAuthorization => {
                self.other.push(Header::ProxyAuthorization(Credentials::parse(value).map_err(typed)?))
            }
            Kind::Text => {
                self.other.push(Header::Other(OtherHeader::new(canonical, value).map_err(|_| ParseError::HeaderLine)?))
            }
        }
        Ok(())
    }

    fn finish(self, start: StartLine) -> Result<(Head, Option<usize>), ParseError> {
        if self.via.is_empty() {
            return Err(ParseError::Missing("Via"));
        }
        let from = self.from.ok_or(ParseError::Missing("From"))?;
        let to = self.to.ok_or(ParseError::Missing("To"))?;
        let call_id = self.call_id.ok_or(ParseError::Missing("Call-ID"))?;
        let cseq = self.cseq.ok_or(ParseError::Missing("CSeq"))?;
        if let StartLine::Request(method, _) = &start
            && *method != cseq.method
        {
            return Err(ParseError::CSeqMethod);
        }
        let headers = Headers {
            via: self.via,
            from,
            to,
            call_id,
            cseq,
            max_forwards: self.max_forwards,
            content_type: self.content_type,
            other: self.other,
        };
        Ok((Head { start, headers }, self.content_length))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[u8] = b"OPTIONS sip:user@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i\r\n\
        To: sip:user@example.com\r\n\
        From: sip:caller@example.net;tag=3ghsd41\r\n\
        Call-ID: x@y\r\n\
        CSeq: 1 OPTIONS\r\n\
        Content-Length: 0\r\n\r\n";

    fn with(header_line: &str) -> Vec<u8> {
        let text = std::str::from_utf8(OPTIONS).unwrap();
        text.replacen("Content-Length: 0\r\n", &format!("{header_line}\r\nContent-Length: 0\r\n"), 1).into_bytes()
    }

    fn check_err(input: &[u8], expected: ParseError) {
        assert_eq!(parse_datagram(input), Err(expected), "{}", String::from_utf8_lossy(input));
    }

    #[test]
    fn parses_a_plain_request() {
        let Message::Request(req) = parse_datagram(OPTIONS).unwrap() else { panic!("not a request") };
        assert_eq!(req.method, Method::Options);
        assert_eq!(req.headers.call_id.as_str(), "x@y");
        assert_eq!(req.headers.from.tag(), Some("3ghsd41"));
        assert!(req.body.is_empty());
        // Leading CRLFs are skipped (RFC 3261 §7.5).
        let mut padded = b"\r\n\r\n".to_vec();
        padded.extend_from_slice(OPTIONS);
        assert_eq!(parse_datagram(&padded).unwrap(), Message::Request(req));
    }

    #[test]
    fn start_line_errors() {
        let swap = |from: &str, to: &str| std::str::from_utf8(OPTIONS).unwrap().replacen(from, to, 1).into_bytes();
        check_err(&swap("SIP/2.0\r\n", "SIP/7.0\r\n"), ParseError::Version);
        check_err(&swap("SIP/2.0\r\n", "SIP/2\r\n"), ParseError::StartLine(SyntaxError::new("SIP version")));
        check_err(&swap("OPTIONS sip", "OPTIONS  sip"), ParseError::StartLine(SyntaxError::new("request line")));
        assert!(matches!(
            parse_datagram(&swap("sip:user@example.com", "<sip:user@example.com>")),
            Err(ParseError::RequestUri(_))
        ));
        assert!(parse_datagram(&swap("SIP/2.0\r\n", "SIP/2.0 \t\r\n")).is_ok());
        assert!(parse_datagram(&swap("SIP/2.0\r\n", "sip/2.0\r\n")).is_ok());
    }

    #[test]
    fn status_lines() {
        let resp = |line: &str| {
            let text = std::str::from_utf8(OPTIONS).unwrap();
            let (_, rest) = text.split_once("\r\n").unwrap();
            parse_datagram(format!("{line}\r\n{rest}").as_bytes())
        };
        let Ok(Message::Response(r)) = resp("SIP/2.0 200 OK") else { panic!() };
        assert_eq!((r.status.code(), r.reason.as_str()), (200, "OK"));
        let Ok(Message::Response(r)) = resp("SIP/2.0 100 ") else { panic!() };
        assert_eq!(r.reason, "");
        let Ok(Message::Response(r)) = resp("SIP/2.0 180") else { panic!() };
        assert_eq!(r.reason, "");
        for bad in [
            "SIP/2.0 4294967301 x",
            "SIP/2.0 099 x",
            "SIP/2.0 700 x",
            "SIP/2.0 20 x",
            "SIP/2.0 2000",
            "SIP/2.0  200 OK",
            "SIP/2.0 200 a\x01",
        ] {
            assert!(matches!(resp(bad), Err(ParseError::StartLine(_))), "{bad}");
        }
        assert_eq!(resp("SIP/3.0 200 OK"), Err(ParseError::Version));
    }

    #[test]
    fn header_rules() {
        check_err(&with("Call-ID: again"), ParseError::Repeated("Call-ID"));
        check_err(&with("l: 0"), ParseError::Repeated("Content-Length"));
        check_err(
            &with("Max-Forwards: 256"),
            ParseError::Header { name: "Max-Forwards", source: SyntaxError::new("Max-Forwards") },
        );
        check_err(&with("NoColonHere"), ParseError::HeaderLine);
        check_err(&with("Bad Name: x"), ParseError::HeaderLine);
        check_err(
            &std::str::from_utf8(OPTIONS).unwrap().replacen("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 1).into_bytes(),
            ParseError::CSeqMethod,
        );
        check_err(
            &std::str::from_utf8(OPTIONS).unwrap().replacen("Call-ID: x@y\r\n", "", 1).into_bytes(),
            ParseError::Missing("Call-ID"),
        );
        check_err(&with("X: a\rb"), ParseError::BareLineBreak);
        check_err(&with("X: a\nb"), ParseError::BareLineBreak);
        let mut latin1 = with("X: caf");
        let at = latin1.windows(6).position(|w| w == b"X: caf").unwrap() + 6;
        latin1.insert(at, 0xe9);
        check_err(&latin1, ParseError::NotUtf8);
        // A continuation line right after the start line continues nothing.
        let text = std::str::from_utf8(OPTIONS).unwrap().replacen("SIP/2.0\r\n", "SIP/2.0\r\n  x\r\n", 1);
        check_err(text.as_bytes(), ParseError::HeaderLine);
    }

    #[test]
    fn folding_and_compact_forms() {
        let Message::Request(req) = parse_datagram(&with("s :\r\nX-Folded:   a\r\n\t b\r\nk: timer")).unwrap() else {
            panic!()
        };
        assert_eq!(req.headers.text("Subject").collect::<Vec<_>>(), [""]);
        assert_eq!(req.headers.text("x-folded").collect::<Vec<_>>(), ["a\t b"]);
        assert_eq!(req.headers.supported().collect::<Vec<_>>(), ["timer"]);
    }

    #[test]
    fn limits() {
        let many: String = (0..200).map(|i| format!("X-{i}: v\r\n")).collect();
        check_err(&with(many.trim_end()), ParseError::TooManyHeaders { limit: 128 });
        let small = Limits { max_message_len: 100, max_headers: 10 };
        assert_eq!(parse_datagram_with(OPTIONS, &small), Err(ParseError::TooLarge { limit: 100 }));
        assert_eq!(parse_datagram(b"\r\n\r\n"), Err(ParseError::Empty));
        assert_eq!(parse_datagram(b"OPTIONS sip:a@b SIP/2.0\r\nVia: x"), Err(ParseError::Unterminated));
    }

    #[test]
    fn datagram_bodies() {
        let text = std::str::from_utf8(OPTIONS).unwrap();
        let body = |cl: &str, extra: &str| {
            parse_datagram(
                format!("{}{cl}\r\n\r\n{extra}", text.replacen("Content-Length: 0\r\n\r\n", "", 1)).as_bytes(),
            )
        };
        assert_eq!(body("l: 3", "abcdef").unwrap().body(), b"abc");
        assert_eq!(body("X: y", "abcdef").unwrap().body(), b"abcdef");
        assert_eq!(body("l: 7", "abcdef"), Err(ParseError::BodyTruncated));
        assert!(matches!(body("l: -1", ""), Err(ParseError::Header { name: "Content-Length", .. })));
    }

    #[test]
    fn streams() {
        let mut buf = b"\r\n\r\n\r\n".to_vec();
        let mut msg =
            std::str::from_utf8(OPTIONS).unwrap().replacen("Content-Length: 0", "Content-Length: 4", 1).into_bytes();
        msg.extend_from_slice(b"body");
        buf.extend_from_slice(&msg);
        buf.extend_from_slice(&msg[..10]);
        let limits = Limits::DEFAULT;
        assert_eq!(parse_stream(&buf, &limits), Ok(Framed::KeepAlive { consumed: 4 }));
        assert_eq!(parse_stream(&buf[4..], &limits), Ok(Framed::KeepAlive { consumed: 2 }));
        let rest = &buf[6..];
        for cut in 0..msg.len() {
            assert_eq!(parse_stream(&rest[..cut], &limits), Ok(Framed::NeedMore), "cut at {cut}");
        }
        let Ok(Framed::Message { message, consumed }) = parse_stream(rest, &limits) else { panic!() };
        assert_eq!(consumed, msg.len());
        assert_eq!(message.body(), b"body");
        assert_eq!(parse_stream(&rest[consumed..], &limits), Ok(Framed::NeedMore));

        let no_cl = std::str::from_utf8(OPTIONS).unwrap().replacen("Content-Length: 0\r\n", "", 1);
        assert_eq!(parse_stream(no_cl.as_bytes(), &limits), Err(ParseError::NoContentLength));
        let small = Limits { max_message_len: 64, max_headers: 10 };
        assert_eq!(parse_stream(&[b'x'; 64], &small), Err(ParseError::TooLarge { limit: 64 }));
        assert_eq!(parse_stream(&[b'x'; 63], &small), Ok(Framed::NeedMore));
    }
}

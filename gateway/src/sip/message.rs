//! SIP messages: [`Request`], [`Response`], the [`Headers`] they share and their
//! printing to bytes.

use std::fmt::{self, Write as _};

use super::accept::Accept;
use super::call_id::CallId;
use super::contact::Contact;
use super::content_type::MediaType;
use super::cseq::CSeq;
use super::header::Header;
use super::max_forwards::MaxForwards;
use super::method::Method;
use super::name_addr::NameAddr;
use super::uri::Uri;
use super::via::Via;

/// A response status code, 100 to 699 (RFC 3261 §7.2; RFC 4475 `bigcode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

impl StatusCode {
    pub const TRYING: StatusCode = StatusCode(100);
    pub const RINGING: StatusCode = StatusCode(180);
    pub const OK: StatusCode = StatusCode(200);
    pub const BAD_REQUEST: StatusCode = StatusCode(400);
    pub const UNAUTHORIZED: StatusCode = StatusCode(401);
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode(405);
    pub const NOT_ACCEPTABLE: StatusCode = StatusCode(406);
    pub const PROXY_AUTHENTICATION_REQUIRED: StatusCode = StatusCode(407);
    pub const UNSUPPORTED_MEDIA_TYPE: StatusCode = StatusCode(415);
    pub const UNSUPPORTED_URI_SCHEME: StatusCode = StatusCode(416);
    pub const BAD_EXTENSION: StatusCode = StatusCode(420);
    pub const TOO_MANY_HOPS: StatusCode = StatusCode(483);
    pub const CALL_DOES_NOT_EXIST: StatusCode = StatusCode(481);
    pub const SERVER_INTERNAL_ERROR: StatusCode = StatusCode(500);
    pub const VERSION_NOT_SUPPORTED: StatusCode = StatusCode(505);
    pub const MESSAGE_TOO_LARGE: StatusCode = StatusCode(513);

    pub const fn new(code: u16) -> Option<StatusCode> {
        if code >= 100 && code <= 699 { Some(StatusCode(code)) } else { None }
    }

    pub const fn code(self) -> u16 {
        self.0
    }

    pub const fn is_provisional(self) -> bool {
        self.0 < 200
    }

    /// The reason phrase RFC 3261 §21 gives, or a class name for other codes.
    pub fn reason(self) -> &'static str {
        match self.0 {
            100 => "Trying",
            180 => "Ringing",
            181 => "Call Is Being Forwarded",
            182 => "Queued",
            183 => "Session Progress",
            200 => "OK",
            202 => "Accepted",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            407 => "Proxy Authentication Required",
            408 => "Request Timeout",
            413 => "Request Entity Too Large",
            415 => "Unsupported Media Type",
            416 => "Unsupported URI Scheme",
            420 => "Bad Extension",
            421 => "Extension Required",
            480 => "Temporarily Unavailable",
            481 => "Call/Transaction Does Not Exist",
            482 => "Loop Detected",
            483 => "Too Many Hops",
            486 => "Busy Here",
            487 => "Request Terminated",
            488 => "Not Acceptable Here",
            491 => "Request Pending",
            500 => "Server Internal Error",
            501 => "Not Implemented",
            503 => "Service Unavailable",
            505 => "Version Not Supported",
            513 => "Message Too Large",
            600 => "Busy Everywhere",
            603 => "Decline",
            c if c < 200 => "Provisional",
            c if c < 300 => "Success",
            c if c < 400 => "Redirection",
            c if c < 500 => "Client Error",
            c if c < 600 => "Server Error",
            _ => "Global Failure",
        }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The headers of a message. The ones every request and response must carry are
/// fields, so code above the parser never has to handle their absence; the
/// parser guarantees at least one Via.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    pub via: Vec<Via>,
    pub from: NameAddr,
    pub to: NameAddr,
    pub call_id: CallId,
    pub cseq: CSeq,
    /// Optional because RFC 2543 peers omit it (RFC 4475 `inv2543`).
    pub max_forwards: Option<MaxForwards>,
    pub content_type: Option<MediaType>,
    /// Every other header, in the order received.
    pub other: Vec<Header>,
}

impl Headers {
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.other.iter().filter_map(|h| match h {
            Header::Contact(c) => Some(c),
            _ => None,
        })
    }

    pub fn routes(&self) -> impl Iterator<Item = &NameAddr> {
        self.other.iter().filter_map(|h| match h {
            Header::Route(r) => Some(r),
            _ => None,
        })
    }

    pub fn record_routes(&self) -> impl Iterator<Item = &NameAddr> {
        self.other.iter().filter_map(|h| match h {
            Header::RecordRoute(r) => Some(r),
            _ => None,
        })
    }

    /// The option tags of all Require lines.
    pub fn require(&self) -> impl Iterator<Item = &str> {
        self.option_tags(|h| matches!(h, Header::Require(_)))
    }

    /// The option tags of all Supported lines.
    pub fn supported(&self) -> impl Iterator<Item = &str> {
        self.option_tags(|h| matches!(h, Header::Supported(_)))
    }

    fn option_tags(&self, pick: impl Fn(&Header) -> bool) -> impl Iterator<Item = &str> {
        self.other.iter().filter(move |h| pick(h)).flat_map(|h| match h {
            Header::Require(t) | Header::Supported(t) | Header::ProxyRequire(t) | Header::Unsupported(t) => {
                t.0.iter().map(String::as_str)
            }
            _ => [].iter().map(String::as_str),
        })
    }

    /// The Accept lines; none at all means the default, application/sdp
    /// (RFC 3261 §20.1).
    pub fn accept(&self) -> impl Iterator<Item = &Accept> {
        self.other.iter().filter_map(|h| match h {
            Header::Accept(a) => Some(a),
            _ => None,
        })
    }

    /// Values of the untyped headers named `name` (case-insensitive, full names).
    pub fn text(&self, name: &str) -> impl Iterator<Item = &str> {
        self.other.iter().filter_map(move |h| match h {
            Header::Other(o) if o.name().eq_ignore_ascii_case(name) => Some(o.value()),
            _ => None,
        })
    }

    pub fn push(&mut self, header: Header) {
        self.other.push(header);
    }

    fn write(&self, out: &mut String, body_len: usize) -> fmt::Result {
        for v in &self.via {
            write!(out, "Via: {v}\r\n")?;
        }
        write!(out, "From: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {}\r\n", self.from, self.to, self.call_id, self.cseq)?;
        if let Some(m) = self.max_forwards {
            write!(out, "Max-Forwards: {m}\r\n")?;
        }
        for h in &self.other {
            write!(out, "{h}\r\n")?;
        }
        if let Some(ct) = &self.content_type {
            write!(out, "Content-Type: {ct}\r\n")?;
        }
        write!(out, "Content-Length: {body_len}\r\n\r\n")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub uri: Uri,
    pub headers: Headers,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: StatusCode,
    /// The reason phrase; free UTF-8 text meant for humans.
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Request(Request),
    Response(Response),
}

impl Request {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = String::with_capacity(512);
        // Writing into a String only fails if a Display impl fails, and ours don't.
        let _ = write!(head, "{} {} SIP/2.0\r\n", self.method, self.uri)
            .and_then(|()| self.headers.write(&mut head, self.body.len()));
        join(head, &self.body)
    }
}

impl Response {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = String::with_capacity(512);
        // A reason phrase built by code could hold a line break; it must not end
        // up splitting the status line.
        let reason = self.reason.replace(['\r', '\n'], " ");
        let _ = write!(head, "SIP/2.0 {} {}\r\n", self.status, reason)
            .and_then(|()| self.headers.write(&mut head, self.body.len()));
        join(head, &self.body)
    }
}

impl Message {
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }

    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    pub fn body(&self) -> &[u8] {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }
}

fn join(head: String, body: &[u8]) -> Vec<u8> {
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::parse_datagram;

    #[test]
    fn status_codes() {
        assert!(StatusCode::new(99).is_none());
        assert!(StatusCode::new(700).is_none());
        assert_eq!(StatusCode::new(699).unwrap().reason(), "Global Failure");
        assert_eq!(StatusCode::new(299).unwrap().reason(), "Success");
        assert_eq!(StatusCode::BAD_EXTENSION.reason(), "Bad Extension");
    }

    #[test]
    fn prints_and_parses_back() {
        let input = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
            v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/TCP p.example.com\r\n\
            Max-Forwards: 70\r\n\
            To: Bob <sip:bob@biloxi.example.com>\r\n\
            f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
            i: a84b4c76e66710@pc33.atlanta.example.com\r\n\
            CSeq: 314159 INVITE\r\n\
            m: <sip:alice@pc33.atlanta.example.com>\r\n\
            Subject: folded\r\n  line\r\n\
            c: application/sdp\r\n\
            l: 5\r\n\r\nv=0\r\n";
        let Ok(Message::Request(req)) = parse_datagram(input) else { panic!("does not parse") };
        let printed = req.to_bytes();
        let text = String::from_utf8(printed.clone()).unwrap();
        assert_eq!(
            text,
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
            Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
            Via: SIP/2.0/TCP p.example.com\r\n\
            From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
            To: Bob <sip:bob@biloxi.example.com>\r\n\
            Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
            CSeq: 314159 INVITE\r\n\
            Max-Forwards: 70\r\n\
            Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
            Subject: folded  line\r\n\
            Content-Type: application/sdp\r\n\
            Content-Length: 5\r\n\r\nv=0\r\n"
        );
        assert_eq!(parse_datagram(&printed).unwrap(), Message::Request(req));
    }

    #[test]
    fn reason_phrases_cannot_split_lines() {
        let input = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\n\
            To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
        let Ok(Message::Response(mut resp)) = parse_datagram(input) else { panic!("does not parse") };
        resp.reason = "OK\r\nVia: SIP/2.0/UDP evil".into();
        let printed = resp.to_bytes();
        let Ok(Message::Response(again)) = parse_datagram(&printed) else { panic!("does not parse") };
        assert_eq!(again.headers.via.len(), 1);
    }
}

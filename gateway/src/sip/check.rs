//! The UAS's first look at a message (RFC 3261 §8.2.1–§8.2.3 and §8.1.3.3):
//! which requests get an error status before any dialog or application sees
//! them, and which responses are dropped. RFC 4475 §3.3 is the test list.

use std::net::IpAddr;

use super::accept::Accept;
use super::content_type::{APPLICATION_SDP, MediaType};
use super::error::ParseError;
use super::header::{Header, OtherHeader};
use super::host::Host;
use super::message::{Message, Request, Response, StatusCode};
use super::method::Method;
use super::option_tags::OptionTags;
use super::parser::parse_datagram;
use super::response::reply_to_malformed;
use super::via::Via;

/// Request-URI schemes we serve; anything else gets 416 (RFC 3261 §8.2.2.1).
pub const SUPPORTED_URI_SCHEMES: &[&str] = &["sip", "sips", "tel"];

/// Option tags we implement, checked against Require (RFC 3261 §8.2.2.3). Empty
/// for now: `timer` (RFC 4028) and `100rel` (RFC 3262) join this list when the
/// dialog layer refreshes sessions and sends reliable provisionals; claiming
/// them earlier would accept calls we then mishandle.
pub const SUPPORTED_OPTION_TAGS: &[&str] = &[];

/// What the UAS accepts. The defaults are the constants above; tests and later
/// features can widen them without touching the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub uri_schemes: &'static [&'static str],
    pub option_tags: &'static [&'static str],
}

impl Policy {
    pub const DEFAULT: Policy = Policy { uri_schemes: SUPPORTED_URI_SCHEMES, option_tags: SUPPORTED_OPTION_TAGS };
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

/// A request refused before processing: the status and the headers RFC 3261
/// asks to go with it (Unsupported with 420, Accept with 415).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    pub headers: Vec<Header>,
}

impl Rejection {
    fn new(status: StatusCode) -> Self {
        Self { status, headers: Vec::new() }
    }

    /// The response to send, or `None` for an ACK, which is never answered.
    pub fn response(&self, req: &Request, to_tag: &str) -> Option<Response> {
        if req.method == Method::Ack {
            return None;
        }
        let mut resp = Response::for_request(req, self.status, to_tag);
        resp.headers.other.extend(self.headers.iter().cloned());
        Some(resp)
    }
}

/// Why a message gets no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Dropped {
    /// It did not parse, and it is a response, an ACK or has no Via to answer to.
    #[error("malformed and unanswerable: {0}")]
    Malformed(ParseError),
    /// A response must carry exactly one Via at a UAC (RFC 3261 §8.1.3.3).
    #[error("response with {0} Via values")]
    ResponseVias(usize),
    /// A Via pointing at a broadcast, multicast or unspecified address would
    /// turn our messages into a flood (RFC 4475 `bcast`).
    #[error("Via with a broadcast or multicast address")]
    BroadcastVia,
}

/// The outcome of [`screen_datagram`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// A request that passed [`check_request`]: hand it to the transaction layer.
    Request(Request),
    /// A response that passed [`check_response`].
    Response(Response),
    /// Send these octets back (to the datagram's source); the request goes no
    /// further.
    Reply {
        status: StatusCode,
        bytes: Vec<u8>,
    },
    Dropped(Dropped),
}

/// [`Policy::check_request`] with the default policy.
pub fn check_request(req: &Request) -> Result<(), Rejection> {
    Policy::DEFAULT.check_request(req)
}

/// [`Policy::screen_datagram`] with the default policy.
pub fn screen_datagram(buf: &[u8], to_tag: &str) -> Screened {
    Policy::DEFAULT.screen_datagram(buf, to_tag)
}

/// Methods whose bodies are session descriptions for our media layer, and
/// whose responses carry one.
fn is_session_method(m: &Method) -> bool {
    matches!(m, Method::Invite | Method::Update | Method::Prack)
}

impl Policy {
    /// Applies RFC 3261 §8.2's header and content checks, in its order:
    /// Request-URI scheme (416), Authorization scheme (403), Require (420),
    /// body type and encoding (400/415), Accept (406).
    ///
    /// Syntax (400/505), missing and repeated headers, CSeq and the body length
    /// were already enforced by the parser. An ACK always passes: it cannot be
    /// answered, and its body is judged by the dialog. Body types are checked
    /// for INVITE, UPDATE and PRACK, whose bodies go to the media layer; other
    /// methods (MESSAGE, INFO with DTMF, NOTIFY) leave it to their handlers.
    pub fn check_request(&self, req: &Request) -> Result<(), Rejection> {
        if req.method == Method::Ack {
            return Ok(());
        }
        if !self.uri_schemes.iter().any(|s| s.eq_ignore_ascii_case(req.uri.scheme())) {
            return Err(Rejection::new(StatusCode::UNSUPPORTED_URI_SCHEME));
        }
        // We verify Digest only; credentials in a scheme we cannot check must not
        // pass as if absent (RFC 4475 regaut01). The digest layer, which owns
        // nonces, may prefer to answer 401 with a fresh challenge instead.
        if req.headers.other.iter().any(|h| matches!(h, Header::Authorization(c) if !c.is_digest())) {
            return Err(Rejection::new(StatusCode::FORBIDDEN));
        }
        // Require is ignored in CANCEL (RFC 3261 §8.2.2.3).
        if req.method != Method::Cancel {
            let unknown: Vec<String> =
                req.headers.require().filter(|t| !self.option_tags.contains(t)).map(str::to_owned).collect();
            if !unknown.is_empty() {
                let mut r = Rejection::new(StatusCode::BAD_EXTENSION);
                r.headers.push(Header::Unsupported(OptionTags(unknown)));
                return Err(r);
            }
        }
        if !req.body.is_empty() {
            // RFC 3261 §20.15: a body needs its Content-Type.
            let Some(ct) = &req.headers.content_type else {
                return Err(Rejection::new(StatusCode::BAD_REQUEST));
            };
            let encoded = req.headers.text("Content-Encoding").flat_map(|v| v.split(',')).any(|e| {
                let e = e.trim_matches([' ', '\t']);
                !e.is_empty() && !e.eq_ignore_ascii_case("identity")
            });
            if encoded {
                let mut r = Rejection::new(StatusCode::UNSUPPORTED_MEDIA_TYPE);
                if let Ok(h) = OtherHeader::new("Accept-Encoding", "identity") {
                    r.headers.push(Header::Other(h));
                }
                return Err(r);
            }
            if is_session_method(&req.method) && !ct.is_sdp() {
                let mut r = Rejection::new(StatusCode::UNSUPPORTED_MEDIA_TYPE);
                r.headers.push(Header::Accept(Accept(vec![MediaType::sdp()])));
                return Err(r);
            }
        }
        if is_session_method(&req.method) {
            let mut accept = req.headers.accept().peekable();
            if accept.peek().is_some() && !accept.any(|a| a.allows(APPLICATION_SDP.0, APPLICATION_SDP.1)) {
                return Err(Rejection::new(StatusCode::NOT_ACCEPTABLE));
            }
        }
        Ok(())
    }

    /// Parses a datagram and applies every check: the one call a UDP driver
    /// needs before the transaction layer. `to_tag` is used only if a reply
    /// is built.
    pub fn screen_datagram(&self, buf: &[u8], to_tag: &str) -> Screened {
        match parse_datagram(buf) {
            Ok(Message::Request(req)) => match self.check_request(&req) {
                Ok(()) => Screened::Request(req),
                Err(rejection) => match rejection.response(&req, to_tag) {
                    Some(resp) => Screened::Reply { status: resp.status, bytes: resp.to_bytes() },
                    // Only an ACK has no response, and ACKs always pass.
                    None => Screened::Request(req),
                },
            },
            Ok(Message::Response(resp)) => match check_response(&resp) {
                Ok(()) => Screened::Response(resp),
                Err(d) => Screened::Dropped(d),
            },
            Err(err) => match reply_to_malformed(buf, &err, to_tag) {
                Some(bytes) => Screened::Reply { status: err.status(), bytes },
                None => Screened::Dropped(Dropped::Malformed(err)),
            },
        }
    }
}

/// Drops responses a UAC must not act on: more than one Via (RFC 3261 §8.1.3.3)
/// or a Via naming a broadcast, multicast or unspecified address.
pub fn check_response(resp: &Response) -> Result<(), Dropped> {
    let vias = &resp.headers.via;
    if vias.len() != 1 {
        return Err(Dropped::ResponseVias(vias.len()));
    }
    if vias.iter().any(via_is_broadcast) {
        return Err(Dropped::BroadcastVia);
    }
    Ok(())
}

fn via_is_broadcast(via: &Via) -> bool {
    let host_ip = |h: &Host| h.ip();
    [host_ip(&via.host), via.received, via.maddr.as_ref().and_then(host_ip)].into_iter().flatten().any(|ip| match ip {
        IpAddr::V4(a) => a.is_broadcast() || a.is_multicast() || a.is_unspecified(),
        IpAddr::V6(a) => a.is_multicast() || a.is_unspecified(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "INVITE sip:bob@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
        From: <sip:alice@example.com>;tag=a1\r\n\
        To: <sip:bob@example.com>\r\n\
        Call-ID: c1@example.com\r\n\
        CSeq: 7 INVITE\r\n\
        Max-Forwards: 70\r\n";

    /// Screens BASE with extra header lines and a body; returns the status or 0
    /// for a request that passes.
    fn status(extra: &str, body: &str) -> u16 {
        let msg = format!("{BASE}{extra}Content-Length: {}\r\n\r\n{body}", body.len());
        match screen_datagram(msg.as_bytes(), "t") {
            Screened::Request(_) => 0,
            Screened::Reply { status, bytes } => {
                assert!(parse_datagram(&bytes).is_ok(), "reply does not parse");
                status.code()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn table() {
        assert_eq!(status("", ""), 0);
        assert_eq!(status("Content-Type: application/sdp\r\n", "v=0\r\n"), 0);
        assert_eq!(status("Content-Type: application/unknownformat\r\n", "<x/>"), 415);
        assert_eq!(status("", "v=0\r\n"), 400);
        assert_eq!(status("Content-Type: application/sdp\r\nContent-Encoding: gzip\r\n", "xx"), 415);
        assert_eq!(status("Content-Type: application/sdp\r\nContent-Encoding: identity\r\n", "v=0\r\n"), 0);
        assert_eq!(status("Require: timer\r\n", ""), 420);
        assert_eq!(status("Proxy-Require: foo\r\n", ""), 0);
        assert_eq!(status("Accept: text/nobodyKnowsThis\r\n", ""), 406);
        assert_eq!(status("Accept: text/plain\r\nAccept: application/*\r\n", ""), 0);
        assert_eq!(status("Accept:\r\n", ""), 406);
        assert_eq!(status("Authorization: Bearer abc\r\n", ""), 403);
        assert_eq!(
            status(
                "Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:bob@example.com\", response=\"00\"\r\n",
                ""
            ),
            0
        );
    }

    #[test]
    fn rejections_carry_their_headers() {
        let msg = format!("{BASE}Require: a, b\r\nRequire: timer\r\nContent-Length: 0\r\n\r\n");
        let Ok(Message::Request(req)) = parse_datagram(msg.as_bytes()) else { panic!() };
        let r = check_request(&req).unwrap_err();
        assert_eq!(r.status, StatusCode::BAD_EXTENSION);
        assert_eq!(r.headers, [Header::Unsupported(OptionTags(vec!["a".into(), "b".into(), "timer".into()]))]);
        let resp = r.response(&req, "t").unwrap();
        assert_eq!(resp.headers.to.tag(), Some("t"));

        let widened = Policy { option_tags: &["a", "b", "timer"], ..Policy::DEFAULT };
        assert_eq!(widened.check_request(&req), Ok(()));
    }

    #[test]
    fn schemes() {
        let with_uri = |uri: &str| {
            let msg = BASE.replacen("sip:bob@example.com SIP", &format!("{uri} SIP"), 1) + "Content-Length: 0\r\n\r\n";
            match screen_datagram(msg.as_bytes(), "t") {
                Screened::Request(_) => 0,
                Screened::Reply { status, .. } => status.code(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(with_uri("sips:bob@example.com"), 0);
        assert_eq!(with_uri("tel:+15551234"), 0);
        assert_eq!(with_uri("http://example.com/"), 416);
    }

    #[test]
    fn acks_and_cancels() {
        let ack =
            BASE.replace("INVITE", "ACK") + "Require: x\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx";
        assert!(matches!(screen_datagram(ack.as_bytes(), "t"), Screened::Request(_)));
        let cancel = BASE.replace("INVITE", "CANCEL") + "Require: x\r\nContent-Length: 0\r\n\r\n";
        assert!(matches!(screen_datagram(cancel.as_bytes(), "t"), Screened::Request(_)));
        let broken_ack = "ACK sip:a@b SIP/7.0\r\nVia: SIP/2.0/UDP h\r\n\r\n";
        assert!(matches!(screen_datagram(broken_ack.as_bytes(), "t"), Screened::Dropped(Dropped::Malformed(_))));
    }

    #[test]
    fn responses() {
        let resp = |vias: &str| {
            let msg = format!(
                "SIP/2.0 200 OK\r\n{vias}From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
            );
            screen_datagram(msg.as_bytes(), "t")
        };
        assert!(matches!(resp("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"), Screened::Response(_)));
        assert_eq!(
            resp("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP 255.255.255.255\r\n"),
            Screened::Dropped(Dropped::ResponseVias(2))
        );
        assert_eq!(
            resp("Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1\r\n"),
            Screened::Dropped(Dropped::BroadcastVia)
        );
        assert_eq!(
            resp("Via: SIP/2.0/UDP h;maddr=224.0.0.1;branch=z9hG4bK1\r\n"),
            Screened::Dropped(Dropped::BroadcastVia)
        );
        assert!(matches!(resp("Via: SIP/2.0/UDP h;;\r\n"), Screened::Dropped(Dropped::Malformed(_))));
    }
}

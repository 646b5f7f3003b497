//! Building the responses a UAS sends: from a parsed request (RFC 3261 §8.2.6)
//! and, for requests that did not parse, a best-effort stateless reply made from
//! the raw header lines.

use std::fmt::Write as _;

use super::error::ParseError;
use super::header::{Header, Kind, lookup};
use super::message::{Headers, Request, Response, StatusCode};
use super::name_addr::NameAddr;

impl Response {
    /// The response to `req` with `status`: Via (all values, in order), From,
    /// Call-ID and CSeq copied, To copied with `to_tag` added when the request's
    /// To has none (RFC 3261 §8.2.6.2; a 100 Trying gets no tag but a copy of
    /// the request's Timestamp, §8.2.6.1). The tag comes from the caller because
    /// this layer owns no randomness; a dialog reuses its tag for every response.
    pub fn for_request(req: &Request, status: StatusCode, to_tag: &str) -> Response {
        let mut to = req.headers.to.clone();
        if to.tag().is_none() && status != StatusCode::TRYING {
            to.params.set("tag", Some(to_tag));
        }
        let timestamp = |h: &&Header| matches!(h, Header::Other(o) if o.name().eq_ignore_ascii_case("Timestamp"));
        let other = if status == StatusCode::TRYING {
            req.headers.other.iter().filter(timestamp).cloned().collect()
        } else {
            Vec::new()
        };
        Response {
            status,
            reason: status.reason().to_owned(),
            headers: Headers {
                via: req.headers.via.clone(),
                from: req.headers.from.clone(),
                to,
                call_id: req.headers.call_id.clone(),
                cseq: req.headers.cseq.clone(),
                max_forwards: None,
                content_type: None,
                other,
            },
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, header: Header) -> Response {
        self.headers.other.push(header);
        self
    }
}

/// Builds the octets of a stateless reply to a request that failed to parse
/// with `err` (400, or 505 for a foreign SIP version), from whatever Via, From,
/// To, Call-ID and CSeq lines it has, copied as they came (RFC 4475 `insuf`
/// asks for a 400 even without Call-ID, From and To).
///
/// Returns `None` when nothing may be answered: a response (RFC 3261 §18.1.2
/// drops malformed responses), an ACK (never answered), or a message without a
/// Via line (nowhere to send the reply). The transport sends the reply to the
/// packet's source address.
pub fn reply_to_malformed(input: &[u8], err: &ParseError, to_tag: &str) -> Option<Vec<u8>> {
    let mut input = input;
    while let Some(rest) = input.strip_prefix(b"\r\n") {
        input = rest;
    }
    if input.is_empty() || input.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"SIP/")) {
        return None;
    }
    let method_end = input.iter().position(|&b| b == b' ' || b == b'\r' || b == b'\n').unwrap_or(input.len());
    if &input[..method_end] == b"ACK" {
        return None;
    }
    let head_end = input.windows(4).position(|w| w == b"\r\n\r\n").map_or(input.len(), |i| i + 2);
    let head = &input[..head_end];

    let mut via: Vec<&[u8]> = Vec::new();
    let mut from: Option<&[u8]> = None;
    let mut to: Option<&[u8]> = None;
    let mut call_id: Option<&[u8]> = None;
    let mut cseq: Option<&[u8]> = None;
    // Lines are split on CRLF only; a line that still holds a CR or LF, or that
    // continues a folded header, is not copied, so the reply cannot carry a
    // line break the sender smuggled in.
    let mut lines = head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r"));
    lines.next();
    for line in lines.take(super::Limits::DEFAULT.max_headers) {
        let Some(line) = line else { continue };
        if line.is_empty() || line[0] == b' ' || line[0] == b'\t' || line.contains(&b'\r') {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let Ok(name) = std::str::from_utf8(&line[..colon]) else { continue };
        let value = trim(&line[colon + 1..]);
        match lookup(name.trim_end_matches([' ', '\t'])) {
            Some((Kind::Via, _)) => via.push(value),
            Some((Kind::From, _)) => {
                from.get_or_insert(value);
            }
            Some((Kind::To, _)) => {
                to.get_or_insert(value);
            }
            Some((Kind::CallId, _)) => {
                call_id.get_or_insert(value);
            }
            Some((Kind::CSeq, _)) => {
                cseq.get_or_insert(value);
            }
            _ => {}
        }
    }
    if via.is_empty() {
        return None;
    }

    let status = err.status();
    let mut out = format!("SIP/2.0 {} {}\r\n", status, status.reason()).into_bytes();
    let mut line = |name: &str, value: &[u8]| {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    };
    for v in via {
        line("Via", v);
    }
    if let Some(v) = from {
        line("From", v);
    }
    if let Some(v) = to {
        // Add our tag when the To parses and has none; a To we cannot parse is
        // copied as it is, since we cannot tell where a tag would go.
        let tagged = std::str::from_utf8(v).ok().and_then(|s| NameAddr::parse(s).ok()).and_then(|mut na| {
            na.tag().is_none().then(|| {
                na.params.set("tag", Some(to_tag));
                let mut s = String::new();
                let _ = write!(s, "{na}");
                s
            })
        });
        match tagged {
            Some(t) => line("To", t.as_bytes()),
            None => line("To", v),
        }
    }
    if let Some(v) = call_id {
        line("Call-ID", v);
    }
    if let Some(v) = cseq {
        line("CSeq", v);
    }
    out.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    Some(out)
}

fn trim(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Message, OtherHeader, parse_datagram};

    const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n\
        Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n\
        From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n\
        To: <sip:bob@example.com>\r\n\
        Call-ID: c1@example.com\r\n\
        CSeq: 7 INVITE\r\n\
        Max-Forwards: 70\r\n\
        Contact: <sip:alice@192.0.2.1>\r\n\
        Content-Length: 0\r\n\r\n";

    fn invite() -> Request {
        match parse_datagram(INVITE) {
            Ok(Message::Request(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn copies_the_request_headers() {
        let req = invite();
        let resp = Response::for_request(&req, StatusCode::RINGING, "b7");
        assert_eq!(resp.headers.via, req.headers.via);
        assert_eq!(resp.headers.via.len(), 3);
        assert_eq!(resp.headers.from, req.headers.from);
        assert_eq!(resp.headers.to.tag(), Some("b7"));
        assert_eq!(resp.headers.call_id, req.headers.call_id);
        assert_eq!(resp.headers.cseq, req.headers.cseq);
        assert!(resp.headers.contacts().next().is_none());
        // It prints and parses back as the same response.
        assert_eq!(parse_datagram(&resp.to_bytes()).unwrap(), Message::Response(resp));

        let mut req = req;
        req.headers.other.push(Header::Other(OtherHeader::new("Timestamp", "54").unwrap()));
        let trying = Response::for_request(&req, StatusCode::TRYING, "b7");
        assert_eq!(trying.headers.to.tag(), None);
        assert_eq!(trying.headers.text("Timestamp").collect::<Vec<_>>(), ["54"]);
        assert_eq!(Response::for_request(&req, StatusCode::OK, "b7").headers.text("Timestamp").count(), 0);
    }

    #[test]
    fn keeps_an_existing_to_tag() {
        let mut req = invite();
        req.headers.to.params.set("tag", Some("existing"));
        let resp = Response::for_request(&req, StatusCode::OK, "new");
        assert_eq!(resp.headers.to.tag(), Some("existing"));
    }

    #[test]
    fn replies_to_malformed_requests() {
        let bad = String::from_utf8(INVITE.to_vec()).unwrap().replacen("SIP/2.0\r\n", "SIP/7.0\r\n", 1);
        let err = parse_datagram(bad.as_bytes()).unwrap_err();
        let reply = reply_to_malformed(bad.as_bytes(), &err, "t9").unwrap();
        let Ok(Message::Response(resp)) = parse_datagram(&reply) else { panic!("{}", String::from_utf8_lossy(&reply)) };
        assert_eq!(resp.status.code(), 505);
        assert_eq!(resp.headers.via.len(), 3);
        assert_eq!(resp.headers.to.tag(), Some("t9"));
        assert_eq!(resp.headers.cseq.seq, 7);
    }

    #[test]
    fn does_not_reply_when_it_must_not() {
        let err = ParseError::HeaderLine;
        assert!(reply_to_malformed(b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n", &err, "t").is_none());
        assert!(reply_to_malformed(b"ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n", &err, "t").is_none());
        assert!(reply_to_malformed(b"OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n\r\n", &err, "t").is_none());
        assert!(reply_to_malformed(b"", &err, "t").is_none());
        // A smuggled line break is not copied.
        let reply = reply_to_malformed(b"OPTIONS x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nTo: a\rEvil: 1\r\n\r\n", &err, "t")
            .unwrap();
        assert!(!reply.windows(4).any(|w| w == b"Evil"));
    }
}

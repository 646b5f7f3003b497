//! Messages and a virtual clock for the transaction tests.

use std::time::{Duration, Instant};

use crate::sip::{Message, Request, Response, StatusCode, parse_datagram};

pub(crate) const MS: Duration = Duration::from_millis(1);

pub(crate) fn parse_request(text: &str) -> Request {
    match parse_datagram(text.as_bytes()) {
        Ok(Message::Request(r)) => r,
        other => panic!("not a request: {other:?}\n{text}"),
    }
}

pub(crate) fn parse_response(bytes: &[u8]) -> Response {
    match parse_datagram(bytes) {
        Ok(Message::Response(r)) => r,
        other => panic!("not a response: {other:?}\n{}", String::from_utf8_lossy(bytes)),
    }
}

pub(crate) fn parse_any(bytes: &[u8]) -> Message {
    parse_datagram(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

/// A request from 192.0.2.10:5060 over UDP with CSeq 1 (INVITE for ACK and
/// CANCEL, as those reuse the INVITE's number), a Route and the given branch
/// (`""` for none) and To tag (`""` for none).
pub(crate) fn request(method: &str, branch: &str, to_tag: &str) -> Request {
    let branch = if branch.is_empty() { String::new() } else { format!(";branch={branch}") };
    let to_tag = if to_tag.is_empty() { String::new() } else { format!(";tag={to_tag}") };
    parse_request(&format!(
        "{method} sip:agent@198.51.100.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 192.0.2.10:5060{branch}\r\n\
         Max-Forwards: 70\r\n\
         Route: <sip:proxy.example.com;lr>\r\n\
         From: \"Caller\" <sip:caller@example.com>;tag=from1\r\n\
         To: <sip:agent@example.com>{to_tag}\r\n\
         Call-ID: call-1@192.0.2.10\r\n\
         CSeq: 1 {method}\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

pub(crate) fn response(req: &Request, code: u16) -> Response {
    Response::for_request(req, StatusCode::new(code).expect("a valid status code"), "uas-tag")
}

/// A clock that only moves when told to.
pub(crate) struct Clock {
    pub(crate) start: Instant,
    pub(crate) now: Instant,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        let start = Instant::now();
        Clock { start, now: start }
    }

    /// Milliseconds since the start, for readable assertions.
    pub(crate) fn ms(&self) -> u128 {
        (self.now - self.start).as_millis()
    }

    pub(crate) fn at(&self, ms: u64) -> Instant {
        self.start + Duration::from_millis(ms)
    }
}

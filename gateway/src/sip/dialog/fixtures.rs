//! Messages and a virtual clock for the dialog tests.

use std::time::{Duration, Instant};

use crate::sip::{Message, Request, Response, parse_datagram};

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

    pub(crate) fn at(&self, ms: u64) -> Instant {
        self.start + Duration::from_millis(ms)
    }
}

//! The errors of the SIP message layer: one for a malformed value, one for a malformed message.

use super::message::StatusCode;

/// A header value, URI or start-line element that does not follow its RFC grammar.
///
/// It names only the element that failed (`what`), never the offending text: the text
/// may carry phone numbers or addresses, and errors end up in logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}")]
pub struct SyntaxError {
    what: &'static str,
}

impl SyntaxError {
    pub(crate) const fn new(what: &'static str) -> Self {
        Self { what }
    }

    /// The grammar element that failed, such as "host" or "quoted-string".
    pub fn what(&self) -> &'static str {
        self.what
    }
}

/// Why a datagram or stream buffer is not a SIP message we accept.
///
/// Every variant maps to the status a UAS would answer with ([`ParseError::status`]);
/// whether an answer can actually be sent is decided by
/// [`reply_to_malformed`](super::reply_to_malformed), because responses and
/// messages without a Via are never answered.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input held nothing but line breaks (a keep-alive on a datagram transport).
    #[error("no message, only line breaks")]
    Empty,
    /// The message exceeds [`Limits::max_message_len`](super::Limits).
    #[error("message is larger than {limit} octets")]
    TooLarge { limit: usize },
    /// The message has more header lines than [`Limits::max_headers`](super::Limits).
    #[error("more than {limit} header fields")]
    TooManyHeaders { limit: usize },
    /// A datagram ended before the empty line that closes the header section.
    #[error("header section is not terminated by an empty line")]
    Unterminated,
    /// The start line or a header field is not UTF-8, which RFC 3261 requires.
    #[error("start line or header section is not UTF-8")]
    NotUtf8,
    /// A CR or LF outside a CRLF pair: it could smuggle a header line past a printer.
    #[error("bare CR or LF in the header section")]
    BareLineBreak,
    /// The request line or status line does not follow RFC 3261 §7.1 / §7.2.
    #[error("malformed start line: {0}")]
    StartLine(SyntaxError),
    /// A well-formed SIP version other than 2.0; a UAS answers 505.
    #[error("unsupported SIP version")]
    Version,
    /// The Request-URI is malformed (including `<…>` around it or a headers component).
    #[error("malformed Request-URI: {0}")]
    RequestUri(SyntaxError),
    /// A header line without a colon, with a bad name, or a continuation line with
    /// nothing to continue.
    #[error("malformed header line")]
    HeaderLine,
    /// A header we type-check has a malformed value.
    #[error("malformed {name} header: {source}")]
    Header { name: &'static str, source: SyntaxError },
    /// One of the headers every request and response carries is absent.
    #[error("missing {0} header")]
    Missing(&'static str),
    /// A header RFC 3261 allows only once appears more than once.
    #[error("{0} header appears more than once")]
    Repeated(&'static str),
    /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5).
    #[error("CSeq method does not match the request method")]
    CSeqMethod,
    /// Content-Length promises more octets than the datagram holds (RFC 3261 §18.3).
    #[error("body is shorter than Content-Length")]
    BodyTruncated,
    /// A stream message without Content-Length cannot be framed (RFC 3261 §18.3).
    #[error("Content-Length is required on stream transports")]
    NoContentLength,
}

impl ParseError {
    /// The status a UAS answers a request that failed this way with.
    pub fn status(&self) -> StatusCode {
        match self {
            ParseError::Version => StatusCode::VERSION_NOT_SUPPORTED,
            ParseError::TooLarge { .. } => StatusCode::MESSAGE_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_rfc_3261() {
        assert_eq!(ParseError::Version.status().code(), 505);
        assert_eq!(ParseError::TooLarge { limit: 1 }.status().code(), 513);
        assert_eq!(ParseError::CSeqMethod.status().code(), 400);
    }

    #[test]
    fn messages_do_not_echo_input() {
        let e = ParseError::Header { name: "Via", source: SyntaxError::new("host") };
        assert_eq!(e.to_string(), "malformed Via header: invalid host");
    }
}

//! SIP messages: a strict, sans-IO parser and printer for RFC 3261 messages,
//! their typed header values, the responses a UAS builds, and the checks that
//! decide which requests are answered with an error before any transaction or
//! dialog sees them.
//!
//! # Why our own parser
//!
//! `../shared/guide/SIP-PARSERS.md` fed the 61 messages of the RFC 4475 and RFC
//! 5118 torture tests to the Rust SIP crates. None was strict enough for a
//! gateway that faces carriers: the best (ezk-sip-types) parsed 13 of the 14
//! valid messages right but rejected only 4 of the 19 invalid ones as whole
//! messages (8 with typed headers), and the others made silent mistakes, which
//! are worse than errors in a gateway: rsipstack escapes Request-URIs twice
//! when printing, drops header lines without a colon, reads a bad
//! Content-Length as 0 and drops bodies without one; rsip ignores compact
//! header names and Content-Length; three crates accept `<sip:…>` as a
//! Request-URI; one prints to stderr from inside the library; several reject
//! valid extension methods. None has a sans-IO transaction layer either, so
//! transactions and dialogs are ours anyway. We therefore wrote the parser on
//! ezk-sip-types' model (one file per header type, small, no unsafe) and made
//! it strict where RFC 3261 is: SIP/2.0 only (else 505), one SP between the
//! parts of the request line, no `<…>` or headers in the Request-URI, CSeq
//! below 2³¹ and equal to the request method, single-valued headers once,
//! Max-Forwards 0–255, status codes 100–699, and a body exactly as long as
//! Content-Length says. The torture corpus is its regression test
//! (`tests/sip_torture.rs`) and `fuzz/` holds parse → print → parse targets.
//!
//! # Map
//!
//! - `parser.rs`: framing for datagrams and streams, start line, header lines
//!   (folding, compact names, case-insensitive names, lists split outside quotes
//!   and angle brackets), the message-level rules, [`Limits`].
//! - `message.rs`: [`Request`], [`Response`], [`Headers`] (the mandatory headers
//!   are fields) and printing.
//! - One file per value: `uri.rs` (sip, sips, tel, other), `host.rs`,
//!   `params.rs`, `name_addr.rs` (From, To, Route, Record-Route), `contact.rs`,
//!   `via.rs`, `cseq.rs`, `max_forwards.rs`, `content_length.rs`,
//!   `content_type.rs`, `accept.rs`, `call_id.rs`, `expires.rs`, `date.rs`,
//!   `option_tags.rs`, `auth.rs` (Digest challenges and credentials).
//! - `digest.rs`: the Digest arithmetic (RFC 2617, RFC 7616, RFC 8760): the
//!   answer a client computes for a challenge, the check a server makes of
//!   credentials, and [`digest::Password`], which never prints itself.
//! - `register.rs`: [`register::Registration`], one trunk's registration with
//!   its registrar (RFC 3261 §10): REGISTER requests, digest retries,
//!   refreshes before expiry, back-off after failures, and unregistering.
//! - `header.rs`: header names and the [`Header`] enum for the non-fixed headers.
//! - `response.rs`: responses built from requests, and stateless replies to
//!   requests that did not parse.
//! - `front.rs`: the front door: rate limits, scanners, 403 for non-trunk
//!   sources, before any transaction exists.
//! - `check.rs`: the UAS checks (416, 403, 420, 415, 406) and response drops;
//!   [`screen_datagram`] runs parse and checks in one call.
//! - `scan.rs`: the lexical layer everything above shares.
//! - `dialog/`: the dialog layer (RFC 3261 §12 to §15), a sans-IO core on the
//!   transaction layer that keeps each call's dialog, answers and sends
//!   INVITE, re-INVITE, ACK, CANCEL and BYE, and retransmits 2xx until ACK.
//! - `transaction/`: the transaction layer (RFC 3261 §17, RFC 6026), a sans-IO
//!   core that retransmits, absorbs retransmissions and times out.
//!
//! **Architecture invariant:** nothing here does IO, reads a clock or draws a
//! random number (tags come from the caller), and no input can make it panic
//! or recurse: parsing is loops over bounded input.
//!
//! Out of scope here: SDP (`crate::sdp`), the call layer above dialogs, URI comparison
//! rules beyond decoding escapes, and redacting personal data in `Debug`
//! output (the logging layer must wrap URIs and numbers before they reach a
//! log; `tests/pii.rs` checks that none does).

mod accept;
mod auth;
mod call_id;
mod check;
mod contact;
mod content_length;
mod content_type;
mod cseq;
mod date;
pub mod dialog;
pub mod digest;
mod error;
mod expires;
pub mod front;
mod header;
mod host;
mod max_forwards;
mod message;
mod method;
mod name_addr;
mod option_tags;
mod params;
mod parser;
pub mod register;
mod response;
mod scan;
pub mod transaction;
mod uri;
mod via;

pub use accept::Accept;
pub use auth::{Algorithm, AuthParam, Challenge, Credentials, DigestChallenge, DigestCredentials, OtherScheme, Qop};
pub use call_id::CallId;
pub use check::{
    Dropped, Policy, Rejection, SUPPORTED_OPTION_TAGS, SUPPORTED_URI_SCHEMES, Screened, check_request, check_response,
    screen_datagram,
};
pub use contact::Contact;
pub use content_length::parse_content_length;
pub use content_type::{APPLICATION_SDP, MediaType};
pub use cseq::{CSEQ_LIMIT, CSeq};
pub use date::Date;
pub use error::{ParseError, SyntaxError};
pub use expires::Expires;
pub use header::{Header, OtherHeader};
pub use host::Host;
pub use max_forwards::MaxForwards;
pub use message::{Headers, Message, Request, Response, StatusCode};
pub use method::Method;
pub use name_addr::{DisplayName, NameAddr};
pub use option_tags::OptionTags;
pub use params::{Param, Params};
pub use parser::{Framed, Limits, parse_datagram, parse_datagram_with, parse_stream};
pub use response::reply_to_malformed;
pub use scan::unescape;
pub use uri::{OtherUri, SipUri, TelUri, Uri, UriHeader};
pub use via::{BRANCH_COOKIE, Rport, Transport, Via};

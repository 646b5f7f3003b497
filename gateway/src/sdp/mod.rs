//! SDP (RFC 4566) for the SIP legs, and the offer/answer rules (RFC 3264)
//! for the one audio stream a call carries: G.711 (PCMU, PCMA) and RFC 4733
//! telephone-events.
//!
//! Browser legs negotiate through str0m; this module is for carriers and
//! SIP phones. Parsing is strict about what we use (the audio `m=` line, its
//! connection address, `rtpmap`, direction) and keeps other lines as they
//! are; a malformed offer is an error the SIP layer answers with 488.

mod negotiate;
mod parse;

pub use negotiate::{Agreed, Answer, Codec, NegotiateError, answer_offer, make_offer, read_answer};
pub use parse::{Direction, Media, SdpError, Session, parse};

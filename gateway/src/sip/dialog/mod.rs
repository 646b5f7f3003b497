//! The SIP dialog layer (RFC 3261 §12 to §15): the INVITE dialogs of calls,
//! in both directions, as a sans-IO core that sits on the transaction layer
//! and under the call layer.
//!
//! # What it does
//!
//! [`Dialogs`] keeps the state of §12 for every call leg (Call-ID, local and
//! remote tags and URIs, local and remote CSeq, the route set from
//! Record-Route, the remote target from Contact, the secure flag) and runs the
//! INVITE usage on it:
//!
//! - UAS: an incoming INVITE becomes an early dialog
//!   ([`Dialogs::handle_invite`]); the call layer rings ([`Dialogs::ring`]),
//!   answers ([`Dialogs::accept`]) or refuses ([`Dialogs::reject`]). A 2xx is
//!   retransmitted until its ACK arrives (§13.3.1.4: T1 doubling up to T2);
//!   with no ACK after 64*T1 the dialog is ended with a BYE.
//! - UAC: [`Dialogs::invite`] sends an INVITE; provisional responses become
//!   [`Event::Ringing`], the first 2xx confirms the dialog and is ACKed by
//!   this layer (§13.2.2.4: the ACK of a 2xx is the dialog's, not the
//!   transaction's), and [`Dialogs::cancel`] cancels a call still ringing.
//!   A 401 or 407 is answered with the call's [`Credentials`] (§22.2, see
//!   Scope) without the call layer hearing of it.
//! - Both: in-dialog requests from the peer ([`Dialogs::handle_request`]:
//!   BYE, re-INVITE, UPDATE, INFO, OPTIONS, and 481 for unknown dialogs,
//!   500 for CSeq out of order), and ours ([`Dialogs::bye`],
//!   [`Dialogs::reinvite`], with 491 glare handling and retry, §14).
//!
//! # How a driver runs it
//!
//! The driver owns one [`Transactions`](super::transaction::Transactions)
//! and one [`Dialogs`] in the same task. Every transaction event goes to
//! [`Dialogs::handle_transaction_event`], which hands back the ones that are
//! not the dialog layer's (a new INVITE, out-of-dialog requests, stray
//! responses) for the call layer. After every input the driver drains
//! [`Dialogs::poll_command`] into the transaction layer (each [`Command`] is
//! one call of `send_request`, `send_response`, `send_ack` or `abandon`),
//! [`Dialogs::poll_event`] into the call layer, and arms its timer for the
//! earlier of both cores' `poll_timeout`:
//!
//! ```text
//! Transactions ──poll_event──▶ handle_transaction_event ──▶ Dialogs ──poll_event──▶ call layer
//!      ▲                        (leftovers: new INVITEs…) ──────────────────────────▶ call layer
//!      └──send_request / send_response / send_ack / abandon◀──poll_command── Dialogs
//! call layer ──handle_invite / ring / accept / reject / invite / cancel / bye / reinvite──▶ Dialogs
//! clock ──handle_timeout(now) at poll_timeout()──▶ Dialogs
//! ```
//!
//! # Why one table rather than a `Dialog` per call
//!
//! A dialog never acts alone: matching an in-dialog request, an ACK or a
//! CANCEL needs an index over all dialogs, a 2xx of a forked INVITE must be
//! ACKed and ended even when its dialog is not the one we kept (or is
//! already gone), and the cap on memory is a cap on the table. So the core
//! is one [`Dialogs`] table with one timer queue, and a [`DialogId`] is the
//! call layer's handle to one call leg: the leg of one INVITE we sent or
//! received. On the UAC side a leg may see early dialogs of several forks;
//! it keeps the first one that answers 2xx and ends the others (ACK, then
//! BYE), so the call layer only ever sees one dialog per leg.
//!
//! # Map
//!
//! - `state.rs`: [`DialogState`](state::DialogState), the state of §12 and
//!   the construction of requests inside a dialog (§12.2.1.1: Request-URI and
//!   Route from the route set and remote target, loose and strict routing).
//! - `build.rs`: the INVITE of an outgoing call and the responses the UAS
//!   core sends (Contact, copied Record-Route, SDP bodies, Allow).
//! - `timer.rs`: [`Timer`], the closed set of the dialog layer's timers, and
//!   the intervals of §13.3.1.4, §14.1 and §9.1.
//! - `dialogs.rs`: [`Dialogs`], the table, the handlers and the outputs.
//! - `sim.rs` (tests only): two dialog cores on two transaction cores, back
//!   to back over a lossy link on a virtual clock.
//!
//! **Architecture invariant:** nothing here does IO, reads a clock or draws a
//! random number. Tags and Call-IDs come from the caller; branches are the
//! dialog's local tag (random, from the caller) and a counter, and so are the
//! client nonces of digest answers (`<local tag>.<n>`); the spread of
//! the glare back-off and of Retry-After is a hash of the local tag, and the
//! two back-off ranges of §14.1 do not overlap, so glare still resolves. No
//! input from the network can make it panic, and the number of dialogs never
//! exceeds [`Config::max_dialogs`].
//!
//! # Scope
//!
//! - Every request of a dialog goes to the address and transport the dialog
//!   was set up over (the source of the INVITE, or the destination the call
//!   layer gave): the route set and remote target decide the Request-URI and
//!   the Route headers, not where the datagram goes. A gateway talks to its
//!   trunks' SBCs, and this never aims traffic at an address named inside a
//!   message. RFC 3263 resolution of a remote target is out of scope.
//! - Outgoing INVITEs always carry an offer; an incoming INVITE or re-INVITE
//!   without one is passed up with `sdp: None`, the call layer puts an offer
//!   in its 2xx and the answer arrives in [`Event::Confirmed`].
//! - Our INVITEs and re-INVITEs answer digest challenges (§8.1.3.5, §22.2)
//!   when the call was placed with [`OutboundCall::credentials`]: a 401
//!   (WWW-Authenticate) or 407 (Proxy-Authenticate) with a challenge
//!   `digest::supports` is answered by sending the request again with the
//!   same Call-ID, From, To, Request-URI, Contact, Route and body, the next
//!   CSeq, a new branch and an Authorization or Proxy-Authorization
//!   (`qop=auth` when offered). The dialog keeps its [`DialogId`], the call
//!   layer sees no event, and the new INVITE is the one that rings, is
//!   cancelled and times out; the transaction layer ACKs the challenge. At
//!   most two challenges are answered per request, and a challenge for a
//!   realm or nonce already answered without `stale=true` means the
//!   credentials are wrong: then the 401/407 ends the call as
//!   [`Reason::Rejected`] (a re-INVITE gives [`Event::ReInviteRejected`]),
//!   as it does without credentials or with a challenge we cannot answer.
//!   Credentials are not kept for later requests (each challenged INVITE is
//!   challenged afresh), dialogs the peer started have none (their
//!   re-INVITEs are not answered), and a challenged BYE is not answered
//!   (ACK and CANCEL cannot be challenged, §22.1).
//! - Offers in UPDATE are refused with 488 (an UPDATE without a body is
//!   answered 200, which is what a session-timer refresh needs); PRACK
//!   (RFC 3262), REFER, session timers (RFC 4028), redirects (3xx end the
//!   call as [`Reason::Rejected`]), loop and merged-request detection
//!   (§8.2.2.2) are not implemented.
//! - A 2xx that reaches us after the INVITE client transaction ended (Timer M)
//!   arrives as a stray response and is not ACKed again.

mod build;
mod dialogs;
mod state;
mod timer;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod sim;

pub use dialogs::Dialogs;
pub use timer::Timer;

use std::fmt;
use std::net::SocketAddr;

use super::transaction::{Key, TimerConfig};
use super::{CallId, MediaType, NameAddr, Request, Response, SipUri, StatusCode, Uri};

/// The call layer's handle to one call leg: the dialog of one INVITE we
/// received or sent. Numbers are never reused within one [`Dialogs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DialogId(u64);

/// The top bit marks the legs of web call button callers: call control
/// treats them as dialogs, but no SIP stack holds them.
const WEB: u64 = 1 << 63;

impl DialogId {
    /// The `n`th web caller's stand-in dialog (never one of [`Dialogs`]').
    pub const fn web(n: u64) -> DialogId {
        DialogId(WEB | (n & !WEB))
    }

    /// A web caller's stand-in, not a SIP dialog.
    pub const fn is_web(self) -> bool {
        self.0 & WEB != 0
    }

    /// A made-up id, for the tests of layers above.
    #[cfg(test)]
    pub(crate) const fn for_test(n: u64) -> DialogId {
        DialogId(n)
    }
}

impl fmt::Display for DialogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dialog#{}", self.0)
    }
}

/// How a [`Dialogs`] behaves. The defaults follow RFC 3261.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// T1 and T2, which time the retransmission of our 2xx and the wait for
    /// its ACK; they should be the transaction layer's.
    pub timers: TimerConfig,
    /// The most dialogs alive at once. Each holds a few kilobytes (the
    /// INVITE being answered, a 2xx being retransmitted); past the cap a new
    /// INVITE is answered 503 and [`Dialogs::invite`] refuses.
    pub max_dialogs: usize,
    /// How many times a re-INVITE refused with 491 is tried again (§14.1)
    /// before the call layer hears [`Event::ReInviteRejected`].
    pub max_glare_retries: u8,
}

impl Config {
    /// Room for a large contact center's calls with headroom: a dialog costs
    /// a few kilobytes at most.
    pub const DEFAULT_MAX_DIALOGS: usize = 8_192;
}

impl Default for Config {
    fn default() -> Self {
        Config { timers: TimerConfig::default(), max_dialogs: Config::DEFAULT_MAX_DIALOGS, max_glare_retries: 3 }
    }
}

/// What we put in the dialog for ourselves: the Contact the peer sends its
/// in-dialog requests to, and our tag. Our Via's sent-by is taken from the
/// contact's host and port, so both name the same listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub contact: SipUri,
    /// Our tag: random, at least 32 bits (§19.3), a token; from the caller
    /// because this core draws no random numbers.
    pub tag: String,
}

/// An outgoing call, for [`Dialogs::invite`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundCall {
    pub request_uri: Uri,
    /// Our From, without a tag: `local.tag` is added.
    pub from: NameAddr,
    pub to: NameAddr,
    pub local: Local,
    /// A new, globally unique Call-ID (§8.1.1.4), from the caller.
    pub call_id: CallId,
    /// A preloaded route (an outbound proxy), as Route headers in order;
    /// usually empty.
    pub route: Vec<NameAddr>,
    /// Where the INVITE and every later request of the dialog are sent.
    pub dest: SocketAddr,
    /// Over the connection-oriented transport to `dest` rather than UDP.
    pub reliable: bool,
    /// The SDP offer.
    pub sdp: Vec<u8>,
    /// What we answer a 401 or 407 to this call's INVITE and re-INVITEs
    /// with (see Scope in the module docs); `None` leaves a challenge to end
    /// the call as [`Reason::Rejected`].
    pub credentials: Option<Credentials>,
}

/// What we answer a trunk's digest challenge with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: crate::sip::digest::Password,
}

/// Something for the transaction layer to do: each variant is one call of
/// [`Transactions`](super::transaction::Transactions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `send_request(now, dest, reliable, request)`. `key` is the key that
    /// call returns; if the call fails, report it with
    /// [`Dialogs::handle_failure`] and [`Failure::Transport`].
    Request { key: Key, dest: SocketAddr, reliable: bool, request: Request },
    /// `send_response(now, &key, response)`. It may fail harmlessly with
    /// `Unknown` or `FinalAlreadySent` when a 2xx retransmission or a 487
    /// races the end of the transaction.
    Response { key: Key, response: Response },
    /// `send_ack(dest, reliable, &request)`: the ACK of a 2xx.
    Ack { dest: SocketAddr, reliable: bool, request: Request },
    /// `abandon(&key)`: an INVITE that got no final response within 64*T1
    /// of its CANCEL (§9.1).
    Abandon { key: Key },
}

/// What the call layer learns. [`Event::Terminated`] is the last event of a
/// [`DialogId`]; after it the id is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Our INVITE got a provisional response (101 to 199): 180 Ringing, or
    /// 183 with early media in `sdp`.
    Ringing { id: DialogId, status: StatusCode, sdp: Option<Vec<u8>> },
    /// Our INVITE was answered 2xx: the dialog is confirmed and the ACK has
    /// been sent. `sdp` is the answer.
    Answered { id: DialogId, sdp: Option<Vec<u8>> },
    /// The ACK of a 2xx we sent (to an INVITE or a re-INVITE) arrived.
    /// `sdp` is the answer when our 2xx carried the offer.
    Confirmed { id: DialogId, sdp: Option<Vec<u8>> },
    /// The peer sent a re-INVITE (hold, resume, a new media address):
    /// answer it with [`Dialogs::accept`] or [`Dialogs::reject`]. `sdp` is
    /// its offer; `None` asks us for one.
    ReInvite { id: DialogId, sdp: Option<Vec<u8>> },
    /// The peer CANCELled its re-INVITE before we answered; it was answered
    /// 487 and there is nothing left to answer.
    ReInviteCancelled { id: DialogId },
    /// Our re-INVITE was answered 2xx and ACKed; `sdp` is the answer.
    ReInviteAnswered { id: DialogId, sdp: Option<Vec<u8>> },
    /// Our re-INVITE was refused (or timed out with a transport error, as
    /// 503); the session stays as it was (§14.1).
    ReInviteRejected { id: DialogId, status: StatusCode },
    /// An INFO from the peer, answered 200: DTMF relay, usually.
    Info { id: DialogId, content_type: Option<MediaType>, body: Vec<u8> },
    /// The dialog is gone.
    Terminated { id: DialogId, reason: Reason },
}

/// Why a dialog ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The peer sent BYE.
    RemoteBye,
    /// We sent BYE at the call layer's request ([`Dialogs::bye`]).
    LocalBye,
    /// The INVITE was cancelled, by the peer's CANCEL or by ours.
    Cancelled,
    /// The INVITE got a non-2xx final response, from us or from the peer.
    Rejected(StatusCode),
    /// Our 2xx was never acknowledged within 64*T1; we sent BYE
    /// (§13.3.1.4).
    NoAck,
    /// A request of ours was never answered (Timer B or F): our INVITE, or a
    /// re-INVITE, after which we sent BYE (§14.1).
    Timeout,
    /// A request inside the dialog got a response that ends the dialog
    /// (RFC 5057 §5.1: 404, 410, 416, 481, 482, 483, 484, 485, 502, 604 and
    /// 408), or its transaction failed to send (503, §8.1.3.1).
    Failed(StatusCode),
}

/// A transaction that failed, for [`Dialogs::handle_failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The transaction layer's `Event::Timeout`: taken as 408 (§8.1.3.1).
    Timeout,
    /// The transaction layer's `Event::TransportError`, or a refused
    /// `send_request`: taken as 503 (§8.1.3.1).
    Transport,
}

/// Why the core refused a call from the call layer. Network input is never
/// refused for being odd: a request the dialog layer cannot place is
/// answered (481, 500, 491) or handed back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    /// [`Config::max_dialogs`] dialogs are alive. For an incoming INVITE a
    /// 503 has been queued.
    #[error("{limit} dialogs are alive, the most allowed")]
    Full { limit: usize },
    /// No dialog has this id: it ended (see [`Event::Terminated`]) or never
    /// existed.
    #[error("no dialog {0}")]
    Unknown(DialogId),
    /// [`Dialogs::handle_invite`] takes INVITEs without a To tag only;
    /// in-dialog requests go to [`Dialogs::handle_request`].
    #[error("not an INVITE outside a dialog")]
    NotInitialInvite,
    /// The INVITE has no Contact with a URI (§8.1.1.8); a 400 has been
    /// queued.
    #[error("the INVITE has no usable Contact")]
    NoContact,
    /// A local tag must be a non-empty token, since it is printed as a
    /// header parameter and inside branches.
    #[error("the local tag is not a token")]
    BadTag,
    /// A dialog with this Call-ID and local tag already exists.
    #[error("a dialog with this Call-ID and local tag exists")]
    Duplicate,
    /// [`Dialogs::handle_request`] takes requests with a To tag only.
    #[error("the request is not inside a dialog")]
    NotInDialog,
    /// There is no INVITE from the peer waiting for an answer.
    #[error("{0} has no INVITE to answer")]
    NothingToAnswer(DialogId),
    /// The status does not fit the operation (a 2xx for `reject`, a final
    /// for `ring`).
    #[error("status {0} does not fit this answer")]
    WrongStatus(StatusCode),
    /// The operation does not fit the dialog's state (a BYE before the
    /// dialog is confirmed, a CANCEL after it).
    #[error("{id}: cannot {op} now")]
    WrongState { id: DialogId, op: &'static str },
    /// An INVITE transaction is in progress in one direction or the other,
    /// or a 2xx awaits its ACK; §14.1 allows no new re-INVITE until it ends.
    #[error("{0} has an INVITE in progress")]
    InviteInProgress(DialogId),
}

//! [`Dialogs`], the dialog layer's core: the table of dialogs and its
//! indexes, the handlers for what the transaction layer and the call layer
//! hand in, and the [`Command`]s, [`Event`]s and deadlines they hand back.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::build::{self, sdp_of};
use super::state::{self, DialogState};
use super::timer::{self, Timer};
use super::{Command, Config, Credentials, DialogError, DialogId, Event, Failure, Local, OutboundCall, Reason};
use crate::sip::digest;
use crate::sip::scan::is_token;
use crate::sip::transaction::{Event as TsxEvent, Key};
use crate::sip::{
    BRANCH_COOKIE, CSeq, Challenge, Credentials as AuthCredentials, DigestChallenge, Header, Headers, Method, Request,
    Response, StatusCode,
};

/// The most 2xx To tags (forks) of one INVITE whose ACK we keep for their
/// retransmissions. A fork past this gets its ACK and BYE once; if it
/// retransmits its 2xx it times out on its own and ends with a BYE of its
/// own, which we answer 481.
const MAX_FORKS: usize = 8;

/// The most 401/407 challenges answered for one INVITE or re-INVITE (its
/// first send and the sends that answer challenges): one from a proxy and
/// one from the far end, or one stale nonce. Past it the INVITE's refusal
/// stands.
const MAX_CHALLENGES: u8 = 2;

/// Every dialog of one endpoint, and the outputs they produced.
///
/// Inputs: [`handle_transaction_event`](Self::handle_transaction_event) for
/// everything the transaction layer reports (or the finer `handle_*`
/// methods it dispatches to), the call layer's operations
/// ([`handle_invite`](Self::handle_invite), [`ring`](Self::ring),
/// [`accept`](Self::accept), [`reject`](Self::reject),
/// [`invite`](Self::invite), [`cancel`](Self::cancel), [`bye`](Self::bye),
/// [`reinvite`](Self::reinvite), [`hang_up`](Self::hang_up)), and
/// [`handle_timeout`](Self::handle_timeout) at
/// [`poll_timeout`](Self::poll_timeout). After each, drain
/// [`poll_command`](Self::poll_command) and [`poll_event`](Self::poll_event).
#[derive(Debug)]
pub struct Dialogs {
    dialogs: HashMap<DialogId, Dialog>,
    /// (Call-ID, local tag) to dialog. Our tags are random draws, one per
    /// dialog, so the pair names one dialog; the remote tag is checked after
    /// the lookup because a UAC learns it late (§12.2.2).
    by_local: HashMap<(String, String), DialogId>,
    next_id: u64,
    out: Outbox,
}

/// What the dialogs share, kept apart from the table so that a dialog can be
/// borrowed from the table while it queues outputs and arms timers.
#[derive(Debug)]
struct Outbox {
    config: Config,
    /// Our transactions by key: what each is for and whose it is.
    keys: HashMap<Key, Pending>,
    /// Every armed dialog timer.
    deadlines: BTreeSet<(Instant, DialogId, Timer)>,
    /// Numbers the branches we make (see [`Outbox::branch`]).
    next_branch: u64,
    commands: VecDeque<Command>,
    events: VecDeque<Event>,
}

#[derive(Debug)]
struct Pending {
    id: DialogId,
    purpose: Purpose,
}

/// What one of our transactions is for.
#[derive(Debug)]
enum Purpose {
    /// Our initial INVITE. Kept until its transaction ends, even after the
    /// dialog has, so that every 2xx it brings (retransmissions, other forks)
    /// is ACKed, and forks we do not keep are ended with BYE (§13.2.2.4).
    Invite(Box<InviteForks>),
    /// Our re-INVITE, with the ACK of its 2xx once sent, for the 2xx's
    /// retransmissions.
    ReInvite {
        ack: Option<Box<Request>>,
    },
    Bye,
    Cancel,
    /// The BYE that ends a fork we did not keep.
    ForkBye,
    /// The peer's INVITE or re-INVITE (a server transaction), so that its
    /// CANCEL finds the dialog.
    TheirInvite,
}

#[derive(Debug)]
struct InviteForks {
    /// The dialog as it was before any answer; each 2xx makes its own from
    /// it (§12.1.2).
    base: DialogState,
    /// The ACK sent for each To tag that answered 2xx.
    acked: Vec<(String, Request)>,
}

/// Which end sent the INVITE that made the dialog. The UAC generated the
/// Call-ID, which decides the glare back-off (§14.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Uac,
    Uas,
}

/// One call leg: the dialog state and its INVITE usage.
#[derive(Debug)]
struct Dialog {
    id: DialogId,
    role: Role,
    state: DialogState,
    /// A 2xx to the initial INVITE was sent or received.
    confirmed: bool,
    /// Set once the dialog is on its way out; it is removed, and
    /// [`Event::Terminated`] sent with this reason, as soon as nothing it
    /// sent still awaits an answer.
    ending: Option<Reason>,
    /// The peer's INVITE or re-INVITE, not yet answered with a final.
    their_invite: Option<TheirInvite>,
    /// Our 2xx, retransmitted until its ACK (§13.3.1.4).
    unacked: Option<Unacked>,
    /// The call layer asked for a BYE while our 2xx awaited its ACK; §15
    /// holds it until the ACK or the ACK wait's end.
    bye_after_ack: bool,
    /// Our INVITE or re-INVITE, not yet answered with a final.
    our_invite: Option<OurInvite>,
    /// A re-INVITE refused with 491, waiting out §14.1's interval.
    glare: Option<Glare>,
    /// Our BYE, until its final response or timeout.
    bye: Option<Key>,
    /// The transactions in `Outbox::keys` that are this dialog's.
    keys: Vec<Key>,
    timers: [Option<Instant>; Timer::COUNT],
    /// What our INVITEs answer 401/407 with: the call layer's, for a dialog
    /// we started; `None` on the UAS side.
    credentials: Option<Credentials>,
    /// Client nonces made so far (see [`Dialog::cnonce`]).
    cnonces: u32,
}

#[derive(Debug)]
struct TheirInvite {
    key: Key,
    request: Request,
    initial: bool,
}

#[derive(Debug)]
struct Unacked {
    key: Key,
    response: Response,
    interval: Duration,
}

#[derive(Debug)]
struct OurInvite {
    key: Key,
    /// Kept for its CANCEL (§9.1) and, for a re-INVITE, its offer.
    request: Request,
    initial: bool,
    /// A provisional response arrived: a CANCEL may now be sent (§9.1).
    provisional: bool,
    cancel: Cancel,
    /// How many 491s came before this attempt.
    attempt: u8,
    /// The challenges this INVITE has answered, carried from send to send.
    auth: Auth,
}

/// Our answers to the digest challenges of one INVITE or re-INVITE (§22.2):
/// every send after a challenge carries credentials for each challenge
/// answered so far, one per header kind and realm.
#[derive(Debug, Default)]
struct Auth {
    /// Challenges answered.
    answered: u8,
    sessions: Vec<AuthSession>,
}

#[derive(Debug)]
struct AuthSession {
    /// Proxy-Authenticate (407) rather than WWW-Authenticate (401).
    proxy: bool,
    challenge: DigestChallenge,
    cnonce: String,
    /// Requests sent with this nonce so far.
    nc: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cancel {
    No,
    /// Asked for before any provisional response; sent with the first.
    Wanted,
    Sent,
}

#[derive(Debug)]
struct Glare {
    sdp: Option<Vec<u8>>,
    attempts: u8,
}

impl Dialogs {
    pub fn new(config: Config) -> Dialogs {
        Dialogs {
            dialogs: HashMap::new(),
            by_local: HashMap::new(),
            next_id: 0,
            out: Outbox {
                config,
                keys: HashMap::new(),
                deadlines: BTreeSet::new(),
                next_branch: 0,
                commands: VecDeque::new(),
                events: VecDeque::new(),
            },
        }
    }

    /// The number of live dialogs, for a gauge.
    pub fn len(&self) -> usize {
        self.dialogs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dialogs.is_empty()
    }

    /// Whether `id` is alive (its [`Event::Terminated`] has not been queued).
    pub fn contains(&self, id: DialogId) -> bool {
        self.dialogs.contains_key(&id)
    }

    /// Takes one event of the transaction layer. Returns the ones that are
    /// not the dialog layer's, for the call layer or the driver: requests
    /// without a To tag (a new INVITE, which the call layer passes to
    /// [`handle_invite`](Self::handle_invite), or an OPTIONS ping), CANCELs
    /// of INVITEs that no dialog holds, stray responses, and the timeouts,
    /// errors and ends of transactions that are not ours. Every request
    /// with a To tag is taken (and answered 481 if no dialog matches, §12.2.2),
    /// and so is every ACK, matched or not: an ACK is never answered.
    pub fn handle_transaction_event(&mut self, now: Instant, event: TsxEvent) -> Option<TsxEvent> {
        match event {
            TsxEvent::Request { key, request, source } => {
                if request.headers.to.tag().is_none() {
                    return Some(TsxEvent::Request { key, request, source });
                }
                // With a To tag this cannot fail.
                let _ = self.handle_request(now, key, request);
                None
            }
            TsxEvent::Cancel { key, invite_key: Some(invite_key), request, .. } if self.holds(&invite_key) => {
                // Cannot fail: a dialog holds that INVITE.
                let _ = self.handle_cancel(now, key, &invite_key, request);
                None
            }
            TsxEvent::Ack { request, .. } => {
                self.handle_ack(now, request);
                None
            }
            TsxEvent::Response { key, response } if self.out.keys.contains_key(&key) => {
                self.handle_response(now, &key, response);
                None
            }
            TsxEvent::Timeout { key, .. } if self.out.keys.contains_key(&key) => {
                self.handle_failure(now, &key, Failure::Timeout);
                None
            }
            TsxEvent::TransportError { key } if self.out.keys.contains_key(&key) => {
                self.handle_failure(now, &key, Failure::Transport);
                None
            }
            TsxEvent::Terminated { key } if self.out.keys.contains_key(&key) => {
                self.handle_terminated(&key);
                None
            }
            other => Some(other),
        }
    }

    /// An INVITE without To tag (after the transaction layer's
    /// `Event::Request`): creates the dialog of §12.1.1, early until the
    /// call layer answers it. `source` is where the INVITE came from, and
    /// where every request of the dialog will go.
    ///
    /// Past [`Config::max_dialogs`] the INVITE is answered 503, and without
    /// a Contact 400 (§8.1.1.8); both are errors for the caller to count.
    pub fn handle_invite(
        &mut self,
        now: Instant,
        key: Key,
        request: Request,
        source: SocketAddr,
        local: Local,
    ) -> Result<DialogId, DialogError> {
        let _ = now;
        if request.method != Method::Invite || request.headers.to.tag().is_some() {
            return Err(DialogError::NotInitialInvite);
        }
        if !is_token(&local.tag) {
            return Err(DialogError::BadTag);
        }
        if self.dialogs.len() >= self.out.config.max_dialogs {
            tracing::warn!(limit = self.out.config.max_dialogs, "dialog table full");
            let status = StatusCode::new(503).expect("503 is a status code");
            self.out.respond(&key, &request, status, &local.tag, Vec::new());
            return Err(DialogError::Full { limit: self.out.config.max_dialogs });
        }
        let reliable = request.headers.via.first().is_some_and(|v| v.transport.is_stream());
        let Some(state) = DialogState::uas(&request, &local, source, reliable) else {
            let mut reply = Response::for_request(&request, StatusCode::BAD_REQUEST, &local.tag);
            reply.reason = "Missing Contact".into();
            self.out.commands.push_back(Command::Response { key, response: reply });
            return Err(DialogError::NoContact);
        };
        let index = (state.call_id.as_str().to_owned(), state.local_tag.clone());
        if self.by_local.contains_key(&index) {
            return Err(DialogError::Duplicate);
        }
        let id = self.new_id();
        self.out.keys.insert(key.clone(), Pending { id, purpose: Purpose::TheirInvite });
        let mut d = Dialog::new(id, Role::Uas, state);
        d.keys.push(key.clone());
        d.their_invite = Some(TheirInvite { key, request, initial: true });
        self.by_local.insert(index, id);
        self.dialogs.insert(id, d);
        tracing::debug!(%id, "incoming INVITE: early dialog");
        Ok(id)
    }

    /// Sends a provisional response (101 to 199, with our To tag and
    /// Contact: 180 Ringing, or 183 with early media in `sdp`) to the
    /// peer's pending INVITE.
    pub fn ring(
        &mut self,
        now: Instant,
        id: DialogId,
        status: StatusCode,
        sdp: Option<Vec<u8>>,
    ) -> Result<(), DialogError> {
        let _ = now;
        if !(101..200).contains(&status.code()) {
            return Err(DialogError::WrongStatus(status));
        }
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        let inv = d.their_invite.as_ref().ok_or(DialogError::NothingToAnswer(id))?;
        let response = build::invite_response(&inv.request, status, &d.state.local_tag, &d.state.contact, sdp);
        self.out.commands.push_back(Command::Response { key: inv.key.clone(), response });
        Ok(())
    }

    /// Answers the peer's pending INVITE or re-INVITE 200 with our Contact
    /// and `sdp` (the answer, or our offer if it had none), and retransmits
    /// the 200 until the ACK comes (§13.3.1.4). [`Event::Confirmed`]
    /// follows with the ACK; with no ACK within 64*T1 the dialog ends with
    /// a BYE ([`Reason::NoAck`]).
    pub fn accept(&mut self, now: Instant, id: DialogId, sdp: Option<Vec<u8>>) -> Result<(), DialogError> {
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        let inv = d.their_invite.take().ok_or(DialogError::NothingToAnswer(id))?;
        let response = build::invite_response(&inv.request, StatusCode::OK, &d.state.local_tag, &d.state.contact, sdp);
        self.out.commands.push_back(Command::Response { key: inv.key.clone(), response: response.clone() });
        let t = self.out.config.timers;
        d.unacked = Some(Unacked { key: inv.key, response, interval: t.first_interval() });
        d.confirmed = true;
        self.out.arm(d, Timer::Resend2xx, now + t.first_interval());
        self.out.arm(d, Timer::AckWait, now + t.timeout());
        tracing::debug!(%id, initial = inv.initial, "INVITE accepted");
        Ok(())
    }

    /// Refuses the peer's pending INVITE or re-INVITE with `status` (300 to
    /// 699). A refused INVITE ends the dialog ([`Reason::Rejected`]); a
    /// refused re-INVITE leaves it as it was (488 for an offer we cannot
    /// take, §14.2).
    pub fn reject(&mut self, now: Instant, id: DialogId, status: StatusCode) -> Result<(), DialogError> {
        let _ = now;
        if status.code() < 300 {
            return Err(DialogError::WrongStatus(status));
        }
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        let inv = d.their_invite.take().ok_or(DialogError::NothingToAnswer(id))?;
        let response = build::invite_response(&inv.request, status, &d.state.local_tag, &d.state.contact, None);
        self.out.commands.push_back(Command::Response { key: inv.key, response });
        if inv.initial {
            d.ending.get_or_insert(Reason::Rejected(status));
            self.reap(id);
        }
        Ok(())
    }

    /// Starts an outgoing call: builds the INVITE (From with our tag, CSeq 1,
    /// our Contact, the offer) and queues it for the transaction layer.
    pub fn invite(&mut self, now: Instant, call: OutboundCall) -> Result<DialogId, DialogError> {
        let _ = now;
        if !is_token(&call.local.tag) {
            return Err(DialogError::BadTag);
        }
        if self.dialogs.len() >= self.out.config.max_dialogs {
            return Err(DialogError::Full { limit: self.out.config.max_dialogs });
        }
        let index = (call.call_id.as_str().to_owned(), call.local.tag.clone());
        if self.by_local.contains_key(&index) {
            return Err(DialogError::Duplicate);
        }
        let id = self.new_id();
        let branch = self.out.branch(&call.local.tag);
        let request = build::invite(&call, &branch);
        let state = DialogState::uac(&request, call.local.contact, call.dest, call.reliable);
        let forks = InviteForks { base: state.clone(), acked: Vec::new() };
        let key = self.out.send_request(id, &state, request.clone(), Purpose::Invite(Box::new(forks)));
        let mut d = Dialog::new(id, Role::Uac, state);
        d.credentials = call.credentials;
        d.keys.push(key.clone());
        d.our_invite = Some(OurInvite {
            key,
            request,
            initial: true,
            provisional: false,
            cancel: Cancel::No,
            attempt: 0,
            auth: Auth::default(),
        });
        self.by_local.insert(index, id);
        self.dialogs.insert(id, d);
        tracing::debug!(%id, "outgoing INVITE");
        Ok(id)
    }

    /// Cancels our INVITE while it rings (§9.1). The CANCEL waits for the
    /// first provisional response if none came yet. The dialog ends
    /// ([`Reason::Cancelled`]) with the INVITE's final response, or after
    /// 64*T1 without one; if a 2xx wins the race it is ACKed and ended with
    /// a BYE.
    pub fn cancel(&mut self, now: Instant, id: DialogId) -> Result<(), DialogError> {
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        let ringing = d.our_invite.as_ref().is_some_and(|i| i.initial);
        if d.role != Role::Uac || d.confirmed || !ringing {
            return Err(DialogError::WrongState { id, op: "cancel" });
        }
        d.ending.get_or_insert(Reason::Cancelled);
        d.send_cancel(now, &mut self.out);
        Ok(())
    }

    /// Ends a confirmed dialog with a BYE (§15.1.1). The session is over at
    /// once; [`Event::Terminated`] ([`Reason::LocalBye`]) follows when the
    /// BYE is answered or times out. If our 2xx still awaits its ACK, the BYE
    /// waits for it (§15). Calling it again is harmless.
    pub fn bye(&mut self, now: Instant, id: DialogId) -> Result<(), DialogError> {
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        if d.ending.is_some() {
            return Ok(());
        }
        if !d.confirmed {
            return Err(DialogError::WrongState { id, op: "send BYE before the dialog is confirmed" });
        }
        if d.unacked.is_some() {
            d.bye_after_ack = true;
            d.ending = Some(Reason::LocalBye);
            return Ok(());
        }
        d.send_bye(now, &mut self.out, Reason::LocalBye);
        Ok(())
    }

    /// Ends the call whatever its state: BYE when confirmed, CANCEL while our
    /// INVITE rings, 480 to an INVITE we have not answered. What an agent's
    /// hang-up button needs.
    pub fn hang_up(&mut self, now: Instant, id: DialogId) -> Result<(), DialogError> {
        let d = self.dialogs.get(&id).ok_or(DialogError::Unknown(id))?;
        if d.ending.is_some() {
            return Ok(());
        }
        match (d.confirmed, d.role) {
            (true, _) => self.bye(now, id),
            (false, Role::Uac) => self.cancel(now, id),
            (false, Role::Uas) => self.reject(now, id, StatusCode::new(480).expect("480 is a status code")),
        }
    }

    /// Sends a re-INVITE with a new offer (hold: the call layer's SDP with
    /// `a=sendonly`; resume: `a=sendrecv`). Only one INVITE may be in
    /// progress in a dialog (§14.1). A 491 is retried after §14.1's interval
    /// up to [`Config::max_glare_retries`] times;
    /// [`Event::ReInviteAnswered`] or [`Event::ReInviteRejected`] follows.
    pub fn reinvite(&mut self, now: Instant, id: DialogId, sdp: Vec<u8>) -> Result<(), DialogError> {
        let d = self.dialogs.get_mut(&id).ok_or(DialogError::Unknown(id))?;
        if !d.confirmed || d.ending.is_some() {
            return Err(DialogError::WrongState { id, op: "re-INVITE" });
        }
        if d.busy() || d.glare.is_some() {
            return Err(DialogError::InviteInProgress(id));
        }
        d.send_reinvite(now, &mut self.out, Some(sdp), 0);
        Ok(())
    }

    /// A request with a To tag (after the transaction layer's
    /// `Event::Request`): matched to its dialog by Call-ID and tags
    /// (§12.2.2), checked for CSeq order, and answered. A request that
    /// matches no dialog gets 481. Refused only when it has no To tag.
    pub fn handle_request(&mut self, now: Instant, key: Key, request: Request) -> Result<(), DialogError> {
        if request.method == Method::Ack {
            self.handle_ack(now, request);
            return Ok(());
        }
        let Some(to_tag) = request.headers.to.tag().map(str::to_owned) else {
            return Err(DialogError::NotInDialog);
        };
        let Some(id) = self.find(&request.headers) else {
            tracing::debug!(method = %request.method, "request for no dialog: 481");
            self.out.respond(&key, &request, StatusCode::CALL_DOES_NOT_EXIST, &to_tag, Vec::new());
            return Ok(());
        };
        let d = self.dialogs.get_mut(&id).expect("indexed dialogs are in the table");
        if request.method == Method::Cancel {
            // A CANCEL with its INVITE's key comes through handle_cancel;
            // one without matches no transaction (§9.2).
            self.out.respond(&key, &request, StatusCode::CALL_DOES_NOT_EXIST, &to_tag, Vec::new());
            return Ok(());
        }
        let seq = request.headers.cseq.seq;
        if d.state.remote_seq.is_some_and(|last| seq < last) {
            tracing::debug!(%id, method = %request.method, "CSeq out of order: 500");
            self.out.respond(&key, &request, StatusCode::SERVER_INTERNAL_ERROR, &to_tag, Vec::new());
            return Ok(());
        }
        d.state.remote_seq = Some(seq);
        if d.ending.is_some() && request.method != Method::Bye {
            // The session is over and our BYE is on its way (§15).
            self.out.respond(&key, &request, StatusCode::CALL_DOES_NOT_EXIST, &to_tag, Vec::new());
            return Ok(());
        }
        let tag = d.state.local_tag.clone();
        match &request.method {
            Method::Bye => {
                self.out.respond(&key, &request, StatusCode::OK, &tag, Vec::new());
                d.remote_bye(now, &mut self.out);
                tracing::debug!(%id, "BYE received");
                self.reap(id);
            }
            Method::Invite => d.their_reinvite(&mut self.out, key, request),
            Method::Update if !request.body.is_empty() => {
                // Offers in UPDATE (RFC 3311) are not ours to take; the
                // session stays as it was.
                let status = StatusCode::new(488).expect("488 is a status code");
                self.out.respond(&key, &request, status, &tag, Vec::new());
            }
            Method::Update => {
                d.state.refresh_target(&request.headers);
                let contact = vec![d.state.contact_header()];
                self.out.respond(&key, &request, StatusCode::OK, &tag, contact);
            }
            Method::Info => {
                self.out.respond(&key, &request, StatusCode::OK, &tag, Vec::new());
                let content_type = request.headers.content_type.clone();
                self.out.events.push_back(Event::Info { id, content_type, body: request.body });
            }
            Method::Options => self.out.respond(&key, &request, StatusCode::OK, &tag, vec![build::allow()]),
            Method::Other(_) => {
                let status = StatusCode::new(501).expect("501 is a status code");
                self.out.respond(&key, &request, status, &tag, Vec::new());
            }
            _ => self.out.respond(&key, &request, StatusCode::METHOD_NOT_ALLOWED, &tag, vec![build::allow()]),
        }
        Ok(())
    }

    /// An ACK (the transaction layer's `Event::Ack`): the ACK of a 2xx we
    /// sent stops its retransmission and confirms the exchange
    /// ([`Event::Confirmed`]). Any other ACK is dropped.
    pub fn handle_ack(&mut self, now: Instant, ack: Request) {
        let Some(id) = self.find(&ack.headers) else {
            tracing::trace!("ACK for no dialog dropped");
            return;
        };
        let d = self.dialogs.get_mut(&id).expect("indexed dialogs are in the table");
        let seq = ack.headers.cseq.seq;
        if d.unacked.as_ref().is_none_or(|u| u.response.headers.cseq.seq != seq) {
            // A retransmitted ACK, or the ACK of another exchange.
            return;
        }
        d.unacked = None;
        self.out.disarm(d, Timer::Resend2xx);
        self.out.disarm(d, Timer::AckWait);
        if d.bye_after_ack {
            d.bye_after_ack = false;
            d.send_bye(now, &mut self.out, Reason::LocalBye);
        } else {
            tracing::debug!(%id, "ACK received: dialog confirmed");
            self.out.events.push_back(Event::Confirmed { id, sdp: sdp_of(&ack.body) });
        }
        self.reap(id);
    }

    /// A CANCEL of the peer's INVITE or re-INVITE `invite_key` (the
    /// transaction layer's `Event::Cancel`): answered 200, and the INVITE
    ///487 if it was still unanswered (§9.2). A cancelled INVITE ends the
    /// dialog ([`Reason::Cancelled`]); a cancelled re-INVITE gives
    /// [`Event::ReInviteCancelled`]. Refused when no dialog holds that
    /// INVITE: the driver answers it.
    pub fn handle_cancel(
        &mut self,
        now: Instant,
        key: Key,
        invite_key: &Key,
        cancel: Request,
    ) -> Result<(), DialogError> {
        let _ = now;
        if !self.holds(invite_key) {
            return Err(DialogError::NotInDialog);
        }
        let id = self.out.keys[invite_key].id;
        let d = self.dialogs.get_mut(&id).expect("holds() found the dialog");
        self.out.respond(&key, &cancel, StatusCode::OK, &d.state.local_tag, Vec::new());
        let Some(inv) = d.their_invite.take_if(|i| i.key == *invite_key) else {
            // Already answered: the CANCEL has no effect (§9.2).
            return Ok(());
        };
        let terminated = StatusCode::new(487).expect("487 is a status code");
        let response = build::invite_response(&inv.request, terminated, &d.state.local_tag, &d.state.contact, None);
        self.out.commands.push_back(Command::Response { key: inv.key, response });
        if inv.initial {
            tracing::debug!(%id, "INVITE cancelled");
            d.ending.get_or_insert(Reason::Cancelled);
            self.reap(id);
        } else {
            self.out.events.push_back(Event::ReInviteCancelled { id });
        }
        Ok(())
    }

    /// A response to one of our requests (the transaction layer's
    /// `Event::Response`). Responses of transactions that are not ours are
    /// ignored.
    pub fn handle_response(&mut self, now: Instant, key: &Key, response: Response) {
        let Some(mut pending) = self.out.keys.remove(key) else { return };
        let id = pending.id;
        match &mut pending.purpose {
            Purpose::Invite(forks) => self.invite_response(now, id, key, forks, response),
            Purpose::ReInvite { ack } => self.reinvite_response(now, id, key, ack, response),
            Purpose::Bye if !response.status.is_provisional() => {
                if let Some(d) = self.dialogs.get_mut(&id).filter(|d| d.bye.as_ref() == Some(key)) {
                    d.bye = None;
                    self.reap(id);
                }
            }
            Purpose::Bye | Purpose::Cancel | Purpose::ForkBye | Purpose::TheirInvite => {}
        }
        // The entry stays until the transaction ends, for retransmitted
        // 2xx; a dialog that is gone keeps only its INVITE's.
        if matches!(pending.purpose, Purpose::Invite(_)) || self.dialogs.contains_key(&id) {
            self.out.keys.insert(key.clone(), pending);
        }
    }

    /// One of our transactions failed: it timed out (taken as 408) or could
    /// not be sent (503), §8.1.3.1. An INVITE that fails ends its dialog; a
    /// re-INVITE that times out ends it with a BYE (§14.1); a BYE that fails
    /// ends it all the same.
    pub fn handle_failure(&mut self, now: Instant, key: &Key, failure: Failure) {
        let Some(pending) = self.out.keys.remove(key) else { return };
        let id = pending.id;
        let Some(d) = self.dialogs.get_mut(&id) else { return };
        d.keys.retain(|k| k != key);
        let status = match failure {
            Failure::Timeout => StatusCode::new(408).expect("408 is a status code"),
            Failure::Transport => StatusCode::new(503).expect("503 is a status code"),
        };
        match pending.purpose {
            Purpose::Invite(_) => {
                if d.our_invite.take_if(|i| i.key == *key).is_some() {
                    self.out.disarm(d, Timer::CancelWait);
                    let reason = match failure {
                        Failure::Timeout => Reason::Timeout,
                        Failure::Transport => Reason::Failed(status),
                    };
                    d.ending.get_or_insert(reason);
                }
            }
            Purpose::ReInvite { .. } => {
                if d.our_invite.take_if(|i| i.key == *key).is_some() && d.ending.is_none() {
                    match failure {
                        Failure::Timeout => d.send_bye(now, &mut self.out, Reason::Timeout),
                        Failure::Transport => self.out.events.push_back(Event::ReInviteRejected { id, status }),
                    }
                }
            }
            Purpose::Bye => {
                if d.bye.as_ref() == Some(key) {
                    d.bye = None;
                }
            }
            Purpose::Cancel | Purpose::ForkBye | Purpose::TheirInvite => {}
        }
        self.reap(id);
    }

    /// One of our transactions ended (the transaction layer's
    /// `Event::Terminated`); its key is forgotten.
    pub fn handle_terminated(&mut self, key: &Key) {
        if let Some(pending) = self.out.keys.remove(key)
            && let Some(d) = self.dialogs.get_mut(&pending.id)
        {
            d.keys.retain(|k| k != key);
        }
    }

    /// Fires every dialog timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(at, id, timer)) = self.out.deadlines.first() {
            if at > now {
                break;
            }
            self.out.deadlines.pop_first();
            let Some(d) = self.dialogs.get_mut(&id) else { continue };
            d.timers[timer as usize] = None;
            let t = self.out.config.timers;
            match timer {
                Timer::Resend2xx => {
                    if let Some(u) = &mut d.unacked {
                        tracing::trace!(%id, "2xx retransmitted");
                        let command = Command::Response { key: u.key.clone(), response: u.response.clone() };
                        u.interval = timer::next_interval(&t, u.interval);
                        let next = now + u.interval;
                        self.out.commands.push_back(command);
                        self.out.arm(d, Timer::Resend2xx, next);
                    }
                }
                Timer::AckWait => {
                    if d.unacked.take().is_some() {
                        tracing::debug!(%id, "no ACK for our 2xx: BYE");
                        self.out.disarm(d, Timer::Resend2xx);
                        d.bye_after_ack = false;
                        d.send_bye(now, &mut self.out, Reason::NoAck);
                    }
                }
                Timer::GlareRetry => {
                    if let Some(glare) = d.glare.take()
                        && d.ending.is_none()
                    {
                        if d.busy() {
                            // The peer's INVITE went first; wait again.
                            let delay = timer::glare_delay(d.role == Role::Uac, &d.state.local_tag, glare.attempts);
                            d.glare = Some(glare);
                            self.out.arm(d, Timer::GlareRetry, now + delay);
                        } else {
                            d.send_reinvite(now, &mut self.out, glare.sdp, glare.attempts);
                        }
                    }
                }
                Timer::CancelWait => {
                    if let Some(inv) = d.our_invite.take_if(|i| i.initial) {
                        tracing::debug!(%id, "no final response after CANCEL: INVITE abandoned");
                        self.out.commands.push_back(Command::Abandon { key: inv.key });
                    }
                }
            }
            self.reap(id);
        }
    }

    pub fn poll_command(&mut self) -> Option<Command> {
        self.out.commands.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.out.events.pop_front()
    }

    /// The next instant [`handle_timeout`](Self::handle_timeout) has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.out.deadlines.first().map(|&(at, _, _)| at)
    }

    /// Whether a live dialog holds the peer's INVITE transaction `key`.
    fn holds(&self, key: &Key) -> bool {
        matches!(self.out.keys.get(key), Some(Pending { id, purpose: Purpose::TheirInvite }) if self.dialogs.contains_key(id))
    }

    fn new_id(&mut self) -> DialogId {
        self.next_id += 1;
        DialogId(self.next_id)
    }

    /// The dialog a request or ACK from the peer belongs to (§12.2.2): our
    /// tag in To, the Call-ID, and the peer's tag in From, unless we do not
    /// know the peer's tag yet (our INVITE is still ringing).
    fn find(&self, h: &Headers) -> Option<DialogId> {
        let to_tag = h.to.tag()?;
        let id = *self.by_local.get(&(h.call_id.as_str().to_owned(), to_tag.to_owned()))?;
        let d = self.dialogs.get(&id)?;
        let from_tag = h.from.tag().unwrap_or_default();
        d.state.remote_tag.as_deref().is_none_or(|t| t == from_tag).then_some(id)
    }

    /// A response to our initial INVITE.
    fn invite_response(&mut self, now: Instant, id: DialogId, key: &Key, forks: &mut InviteForks, response: Response) {
        let status = response.status;
        let d = self.dialogs.get_mut(&id).filter(|d| d.our_invite.as_ref().is_some_and(|i| i.key == *key));
        if status.is_provisional() {
            let Some(d) = d else { return };
            let inv = d.our_invite.as_mut().expect("filtered on our_invite above");
            inv.provisional = true;
            if inv.cancel == Cancel::Wanted {
                d.send_cancel(now, &mut self.out);
            }
            if status != StatusCode::TRYING && d.ending.is_none() {
                let sdp = sdp_of(&response.body);
                self.out.events.push_back(Event::Ringing { id, status, sdp });
            }
            return;
        }
        if status.code() >= 300 {
            let Some(d) = d else { return };
            if d.ending.is_none() && d.answer_challenge(&mut self.out, &response) {
                return;
            }
            d.our_invite = None;
            self.out.disarm(d, Timer::CancelWait);
            d.ending.get_or_insert(Reason::Rejected(status));
            tracing::debug!(%id, %status, "INVITE refused");
            self.reap(id);
            return;
        }

        // A 2xx. Every 2xx is ACKed, retransmissions with the ACK already
        // sent for their To tag (§13.2.2.4).
        let tag = response.headers.to.tag().unwrap_or_default().to_owned();
        if let Some((_, ack)) = forks.acked.iter().find(|(t, _)| *t == tag) {
            let (dest, reliable) = (forks.base.peer, forks.base.reliable);
            self.out.commands.push_back(Command::Ack { dest, reliable, request: ack.clone() });
            return;
        }
        let mut state = forks.base.answered_by(&response);
        let branch = self.out.branch(&state.local_tag);
        let ack = state.request(Method::Ack, response.headers.cseq.seq, &branch);
        self.out.commands.push_back(Command::Ack { dest: state.peer, reliable: state.reliable, request: ack.clone() });
        if forks.acked.len() < MAX_FORKS {
            forks.acked.push((tag, ack));
        }
        match d {
            Some(d) => {
                d.state = state;
                d.confirmed = true;
                d.our_invite = None;
                self.out.disarm(d, Timer::CancelWait);
                if d.ending.is_some() {
                    // Cancelled (or hung up) while the 2xx was on its way:
                    // the call is ended with a BYE (§9.1, §15).
                    d.send_bye(now, &mut self.out, Reason::Cancelled);
                } else {
                    tracing::debug!(%id, "INVITE answered: dialog confirmed");
                    self.out.events.push_back(Event::Answered { id, sdp: sdp_of(&response.body) });
                }
            }
            None => {
                // Another fork answered too, or the leg is already gone: this
                // dialog is ended at once.
                tracing::debug!(%id, "2xx of a fork we do not keep: ACK and BYE");
                let seq = state.next_seq();
                let branch = self.out.branch(&state.local_tag);
                let bye = state.request(Method::Bye, seq, &branch);
                self.out.send_request(id, &state, bye, Purpose::ForkBye);
            }
        }
    }

    /// A response to our re-INVITE.
    fn reinvite_response(
        &mut self,
        now: Instant,
        id: DialogId,
        key: &Key,
        ack: &mut Option<Box<Request>>,
        response: Response,
    ) {
        let Some(d) = self.dialogs.get_mut(&id) else { return };
        let status = response.status;
        let current = d.our_invite.as_ref().is_some_and(|i| i.key == *key);
        if status.is_provisional() {
            if let Some(inv) = d.our_invite.as_mut().filter(|_| current) {
                inv.provisional = true;
            }
            return;
        }
        if status.code() < 300 {
            if let Some(ack) = ack {
                let command = Command::Ack { dest: d.state.peer, reliable: d.state.reliable, request: (**ack).clone() };
                self.out.commands.push_back(command);
                return;
            }
            // A 2xx to a re-INVITE refreshes the target (§12.2.1.2) and is
            // ACKed even if the dialog is ending: its sender waits for it.
            d.state.refresh_target(&response.headers);
            let branch = self.out.branch(&d.state.local_tag);
            let request = d.state.request(Method::Ack, response.headers.cseq.seq, &branch);
            let command = Command::Ack { dest: d.state.peer, reliable: d.state.reliable, request: request.clone() };
            self.out.commands.push_back(command);
            *ack = Some(Box::new(request));
            if current {
                d.our_invite = None;
                if d.ending.is_none() {
                    self.out.events.push_back(Event::ReInviteAnswered { id, sdp: sdp_of(&response.body) });
                }
            }
            self.reap(id);
            return;
        }
        if !current {
            return;
        }
        if d.ending.is_none() && d.answer_challenge(&mut self.out, &response) {
            return;
        }
        let inv = d.our_invite.take().expect("current means our_invite is this one");
        if d.ending.is_some() {
            self.reap(id);
            return;
        }
        if status.code() == 491 && inv.attempt < self.out.config.max_glare_retries {
            let delay = timer::glare_delay(d.role == Role::Uac, &d.state.local_tag, inv.attempt);
            tracing::debug!(%id, ?delay, "re-INVITE glare: retry later");
            d.glare = Some(Glare { sdp: sdp_of(&inv.request.body), attempts: inv.attempt + 1 });
            self.out.arm(d, Timer::GlareRetry, now + delay);
            return;
        }
        match status.code() {
            408 => d.send_bye(now, &mut self.out, Reason::Failed(status)),
            code if ends_dialog(code) => {
                d.ending = Some(Reason::Failed(status));
            }
            _ => self.out.events.push_back(Event::ReInviteRejected { id, status }),
        }
        self.reap(id);
    }

    /// Removes a dialog that is ending and has nothing left in flight, and
    /// tells the call layer.
    fn reap(&mut self, id: DialogId) {
        let Some(d) = self.dialogs.get(&id) else { return };
        let Some(reason) = d.ending.filter(|_| d.bye.is_none() && d.our_invite.is_none() && d.unacked.is_none()) else {
            return;
        };
        let d = self.dialogs.remove(&id).expect("just looked up");
        self.by_local.remove(&(d.state.call_id.as_str().to_owned(), d.state.local_tag.clone()));
        for (timer, at) in Timer::ALL.iter().zip(d.timers) {
            if let Some(at) = at {
                self.out.deadlines.remove(&(at, id, *timer));
            }
        }
        for key in &d.keys {
            if !matches!(self.out.keys.get(key), Some(Pending { purpose: Purpose::Invite(_), .. })) {
                self.out.keys.remove(key);
            }
        }
        tracing::debug!(%id, ?reason, "dialog terminated");
        self.out.events.push_back(Event::Terminated { id, reason });
    }
}

/// The responses to a request inside the dialog that end the dialog (RFC
/// 5057 §5.1, with 408 from RFC 3261 §12.2.1.2). We have one usage, the
/// INVITE's, so an error that ends the usage ends the dialog.
fn ends_dialog(code: u16) -> bool {
    matches!(code, 404 | 408 | 410 | 416 | 481 | 482 | 483 | 484 | 485 | 502 | 604)
}

impl Dialog {
    fn new(id: DialogId, role: Role, state: DialogState) -> Dialog {
        Dialog {
            id,
            role,
            state,
            confirmed: false,
            ending: None,
            their_invite: None,
            unacked: None,
            bye_after_ack: false,
            our_invite: None,
            glare: None,
            bye: None,
            keys: Vec::new(),
            timers: [None; Timer::COUNT],
            credentials: None,
            cnonces: 0,
        }
    }

    /// An INVITE transaction is in progress in either direction, or our 2xx
    /// awaits its ACK: no new re-INVITE may start (§14.1).
    fn busy(&self) -> bool {
        self.their_invite.is_some() || self.our_invite.is_some() || self.unacked.is_some()
    }

    /// Sends the CANCEL of our INVITE, or notes that it is wanted until a
    /// provisional response makes it possible (§9.1).
    fn send_cancel(&mut self, now: Instant, out: &mut Outbox) {
        let Some(inv) = self.our_invite.as_mut().filter(|i| i.initial) else { return };
        match (inv.cancel, inv.provisional) {
            (Cancel::Sent, _) => {}
            (_, false) => inv.cancel = Cancel::Wanted,
            (_, true) => {
                inv.cancel = Cancel::Sent;
                let cancel = build::cancel(&inv.request);
                let key = out.send_request(self.id, &self.state, cancel, Purpose::Cancel);
                self.keys.push(key);
                let at = now + out.config.timers.timeout();
                out.arm(self, Timer::CancelWait, at);
                tracing::debug!(id = %self.id, "CANCEL sent");
            }
        }
    }

    /// Ends the dialog from our side with a BYE (§15.1.1). An INVITE of the
    /// peer's still unanswered is answered 487 first, and a re-INVITE of ours
    /// is forgotten: the session is over either way.
    fn send_bye(&mut self, now: Instant, out: &mut Outbox, reason: Reason) {
        let _ = now;
        self.ending.get_or_insert(reason);
        if let Some(inv) = self.their_invite.take() {
            let status = StatusCode::new(487).expect("487 is a status code");
            let response =
                build::invite_response(&inv.request, status, &self.state.local_tag, &self.state.contact, None);
            out.commands.push_back(Command::Response { key: inv.key, response });
        }
        self.our_invite = None;
        self.glare = None;
        self.unacked = None;
        self.bye_after_ack = false;
        for timer in [Timer::Resend2xx, Timer::AckWait, Timer::GlareRetry] {
            out.disarm(self, timer);
        }
        let seq = self.state.next_seq();
        let branch = out.branch(&self.state.local_tag);
        let bye = self.state.request(Method::Bye, seq, &branch);
        let key = out.send_request(self.id, &self.state, bye, Purpose::Bye);
        self.keys.push(key.clone());
        self.bye = Some(key);
        tracing::debug!(id = %self.id, ?reason, "BYE sent");
    }

    /// The peer's BYE, already answered 200 (§15.1.2): its pending INVITE is
    /// answered 487, our retransmissions stop, and a ringing INVITE of ours
    /// is cancelled.
    fn remote_bye(&mut self, now: Instant, out: &mut Outbox) {
        self.ending.get_or_insert(Reason::RemoteBye);
        if let Some(inv) = self.their_invite.take() {
            let status = StatusCode::new(487).expect("487 is a status code");
            let response =
                build::invite_response(&inv.request, status, &self.state.local_tag, &self.state.contact, None);
            out.commands.push_back(Command::Response { key: inv.key, response });
        }
        self.unacked = None;
        self.bye_after_ack = false;
        self.glare = None;
        self.bye = None;
        for timer in [Timer::Resend2xx, Timer::AckWait, Timer::GlareRetry] {
            out.disarm(self, timer);
        }
        match &self.our_invite {
            Some(inv) if inv.initial => self.send_cancel(now, out),
            _ => self.our_invite = None,
        }
    }

    /// A re-INVITE from the peer (§14.2): refused with 500 while an earlier
    /// one awaits our answer, with 491 while ours is in progress or our 2xx
    /// awaits its ACK, and otherwise passed to the call layer.
    fn their_reinvite(&mut self, out: &mut Outbox, key: Key, request: Request) {
        let tag = self.state.local_tag.clone();
        if self.their_invite.is_some() {
            let retry = build::retry_after(timer::retry_after_secs(&tag, request.headers.cseq.seq));
            out.respond(&key, &request, StatusCode::SERVER_INTERNAL_ERROR, &tag, vec![retry]);
            return;
        }
        if self.our_invite.is_some() || self.unacked.is_some() || !self.confirmed {
            tracing::debug!(id = %self.id, "re-INVITE glare: 491");
            let status = StatusCode::new(491).expect("491 is a status code");
            out.respond(&key, &request, status, &tag, Vec::new());
            return;
        }
        self.state.refresh_target(&request.headers);
        out.keys.insert(key.clone(), Pending { id: self.id, purpose: Purpose::TheirInvite });
        self.keys.push(key.clone());
        let sdp = sdp_of(&request.body);
        self.their_invite = Some(TheirInvite { key, request, initial: false });
        out.events.push_back(Event::ReInvite { id: self.id, sdp });
    }

    /// Answers a 401 or 407 to our current INVITE or re-INVITE (§8.1.3.5,
    /// §22.2): the same request is sent again with a new branch, the next
    /// CSeq, and an Authorization (401) or Proxy-Authorization (407) for
    /// every challenge answered so far, and replaces the old one as
    /// `our_invite` (so its responses, its CANCEL and its failure are the
    /// ones that count). The old transaction ACKs the challenge itself
    /// (§17.1.1.3) and ends on its own.
    ///
    /// Returns false, sending nothing, when the response is not answered:
    /// not a 401 or 407, no credentials, no Digest challenge of the right
    /// header that [`digest::supports`], [`MAX_CHALLENGES`] answered
    /// already, or a challenge that refuses credentials we sent: one for a
    /// realm or nonce we already answered, without `stale=true` (RFC 7616
    /// §3.3: the username or password is wrong).
    fn answer_challenge(&mut self, out: &mut Outbox, response: &Response) -> bool {
        let proxy = match response.status.code() {
            401 => false,
            407 => true,
            _ => return false,
        };
        let Some(inv) = self.our_invite.as_ref().filter(|_| self.credentials.is_some()) else { return false };
        // RFC 8760 §2.4: the first challenge we support, in header order.
        let chosen = response.headers.other.iter().find_map(|h| match (h, proxy) {
            (Header::WwwAuthenticate(Challenge::Digest(c)), false)
            | (Header::ProxyAuthenticate(Challenge::Digest(c)), true)
                if digest::supports(c) =>
            {
                Some(c)
            }
            _ => None,
        });
        let Some(chosen) = chosen else {
            tracing::debug!(id = %self.id, status = %response.status, "no digest challenge we can answer");
            return false;
        };
        if inv.auth.answered >= MAX_CHALLENGES {
            tracing::debug!(id = %self.id, status = %response.status, "too many challenges");
            return false;
        }
        let previous =
            inv.auth.sessions.iter().position(|s| {
                s.proxy == proxy && (s.challenge.realm == chosen.realm || s.challenge.nonce == chosen.nonce)
            });
        if previous.is_some() && !chosen.stale {
            tracing::debug!(id = %self.id, status = %response.status, "our credentials were refused");
            return false;
        }
        let session = AuthSession { proxy, challenge: chosen.clone(), cnonce: self.cnonce(), nc: 0 };
        let mut inv = self.our_invite.take().expect("looked at above");
        match previous {
            Some(i) => inv.auth.sessions[i] = session,
            None => inv.auth.sessions.push(session),
        }
        inv.auth.answered += 1;

        let mut request = inv.request;
        let seq = self.state.next_seq();
        let branch = out.branch(&self.state.local_tag);
        request.headers.via = vec![state::via(&self.state.contact, self.state.reliable, &branch)];
        request.headers.cseq = CSeq::new(seq, Method::Invite);
        request.headers.other.retain(|h| !matches!(h, Header::Authorization(_) | Header::ProxyAuthorization(_)));
        let digest_uri = request.uri.to_string();
        let Credentials { username, password } = self.credentials.as_ref().expect("checked above");
        for s in &mut inv.auth.sessions {
            s.nc = s.nc.saturating_add(1);
            let answer =
                digest::answer(&s.challenge, &Method::Invite, &digest_uri, username, password, &s.cnonce, s.nc)
                    .expect("only challenges that digest::supports are kept");
            let answer = AuthCredentials::Digest(answer);
            request.headers.push(if s.proxy {
                Header::ProxyAuthorization(answer)
            } else {
                Header::Authorization(answer)
            });
        }

        let purpose = if inv.initial {
            // The dialog as it is now (with the new CSeq) is what a 2xx
            // to this INVITE builds on.
            Purpose::Invite(Box::new(InviteForks { base: self.state.clone(), acked: Vec::new() }))
        } else {
            Purpose::ReInvite { ack: None }
        };
        let key = out.send_request(self.id, &self.state, request.clone(), purpose);
        self.keys.push(key.clone());
        let (status, stale, initial) = (response.status, chosen.stale, inv.initial);
        tracing::debug!(id = %self.id, %status, stale, initial, "challenge answered");
        self.our_invite = Some(OurInvite {
            key,
            request,
            initial: inv.initial,
            provisional: false,
            cancel: Cancel::No,
            attempt: inv.attempt,
            auth: inv.auth,
        });
        true
    }

    /// A client nonce for a challenge we answer. This core draws no random
    /// numbers, so it is the dialog's local tag (the caller's random draw,
    /// §19.3) and a count of the nonces this dialog made: never repeated, and
    /// not chosen by the server, which is what the cnonce is for (RFC 7616
    /// §3.4: it keeps a server from choosing the whole of what is hashed).
    fn cnonce(&mut self) -> String {
        self.cnonces += 1;
        format!("{}.{}", self.state.local_tag, self.cnonces)
    }

    /// Sends a re-INVITE carrying `sdp` (§14.1).
    fn send_reinvite(&mut self, now: Instant, out: &mut Outbox, sdp: Option<Vec<u8>>, attempt: u8) {
        let _ = now;
        let seq = self.state.next_seq();
        let branch = out.branch(&self.state.local_tag);
        let mut request = self.state.request(Method::Invite, seq, &branch);
        request.headers.push(self.state.contact_header());
        request.headers.push(build::allow());
        build::set_sdp(&mut request.headers, &mut request.body, sdp);
        let key = out.send_request(self.id, &self.state, request.clone(), Purpose::ReInvite { ack: None });
        self.keys.push(key.clone());
        self.our_invite = Some(OurInvite {
            key,
            request,
            initial: false,
            provisional: false,
            cancel: Cancel::No,
            attempt,
            auth: Auth::default(),
        });
        tracing::debug!(id = %self.id, attempt, "re-INVITE sent");
    }
}

impl Outbox {
    /// A new branch (§8.1.1.7): the magic cookie, the dialog's local tag and
    /// a counter. The tag is the caller's random draw and the counter never
    /// repeats within this core, so branches are unique without a random
    /// source of our own.
    fn branch(&mut self, local_tag: &str) -> String {
        self.next_branch += 1;
        format!("{BRANCH_COOKIE}{local_tag}.{}", self.next_branch)
    }

    /// Queues a request for a new client transaction and files its key.
    fn send_request(&mut self, id: DialogId, state: &DialogState, request: Request, purpose: Purpose) -> Key {
        let key = Key::client(&request).expect("our requests carry a z9hG4bK branch");
        self.keys.insert(key.clone(), Pending { id, purpose });
        self.commands.push_back(Command::Request {
            key: key.clone(),
            dest: state.peer,
            reliable: state.reliable,
            request,
        });
        key
    }

    /// Queues a response to `request` with our tag and `extra` headers.
    fn respond(&mut self, key: &Key, request: &Request, status: StatusCode, tag: &str, extra: Vec<Header>) {
        let mut response = Response::for_request(request, status, tag);
        response.headers.other.extend(extra);
        self.commands.push_back(Command::Response { key: key.clone(), response });
    }

    fn arm(&mut self, d: &mut Dialog, timer: Timer, at: Instant) {
        self.disarm(d, timer);
        d.timers[timer as usize] = Some(at);
        self.deadlines.insert((at, d.id, timer));
    }

    fn disarm(&mut self, d: &mut Dialog, timer: Timer) {
        if let Some(at) = d.timers[timer as usize].take() {
            self.deadlines.remove(&(at, d.id, timer));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::dialog::fixtures::{Clock, MS, parse_request};
    use crate::sip::{CSeq, CallId, Message, NameAddr, SipUri, Uri, parse_datagram};

    const INVITE: &str = "INVITE sip:agent@192.0.2.1 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKinv1\r\n\
        Record-Route: <sip:sbc.example.net;lr>\r\n\
        From: <sip:+15550001@carrier.example>;tag=far\r\n\
        To: <sip:agent@192.0.2.1>\r\n\
        Call-ID: unit-1@carrier\r\n\
        CSeq: 10 INVITE\r\n\
        Contact: <sip:+15550001@198.51.100.7:5060>\r\n\
        Content-Type: application/sdp\r\n\
        Content-Length: 5\r\n\r\nv=0\r\n";

    fn peer() -> SocketAddr {
        "198.51.100.7:5060".parse().unwrap()
    }

    fn contact() -> SipUri {
        let Uri::Sip(u) = Uri::parse("sip:gw@192.0.2.1:5060").unwrap() else { unreachable!() };
        u
    }

    fn local(tag: &str) -> Local {
        Local { contact: contact(), tag: tag.into() }
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::new(code).unwrap()
    }

    /// A request from the far end inside the UAS dialog of [`INVITE`].
    fn from_far(method: &str, seq: u32, branch: &str, body: &str) -> Request {
        let ct = if body.is_empty() { "" } else { "Content-Type: application/sdp\r\n" };
        parse_request(&format!(
            "{method} sip:gw@192.0.2.1:5060 SIP/2.0\r\n\
             Via: SIP/2.0/UDP 198.51.100.7:5060;branch={branch}\r\n\
             From: <sip:+15550001@carrier.example>;tag=far\r\n\
             To: <sip:agent@192.0.2.1>;tag=near\r\n\
             Call-ID: unit-1@carrier\r\n\
             CSeq: {seq} {method}\r\n\
             Contact: <sip:+15550001@203.0.113.9>\r\n\
             {ct}Content-Length: {}\r\n\r\n{body}",
            body.len()
        ))
    }

    fn key(request: &Request) -> Key {
        Key::server(request).unwrap()
    }

    /// The responses among `commands`, as (status, response).
    fn responses(commands: &[Command]) -> Vec<(u16, Response)> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Response { response, .. } => Some((response.status.code(), response.clone())),
                _ => None,
            })
            .collect()
    }

    fn codes(commands: &[Command]) -> Vec<u16> {
        responses(commands).into_iter().map(|(c, _)| c).collect()
    }

    /// The requests among `commands`, as (key, request); ACKs have no key.
    fn requests(commands: &[Command]) -> Vec<(Option<Key>, Request)> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Request { key, request, .. } => Some((Some(key.clone()), request.clone())),
                Command::Ack { request, .. } => Some((None, request.clone())),
                _ => None,
            })
            .collect()
    }

    fn methods(commands: &[Command]) -> Vec<String> {
        requests(commands).into_iter().map(|(_, r)| r.method.to_string()).collect()
    }

    struct Run {
        clock: Clock,
        d: Dialogs,
    }

    impl Run {
        fn new() -> Run {
            Run::with(Config::default())
        }

        fn with(config: Config) -> Run {
            Run { clock: Clock::new(), d: Dialogs::new(config) }
        }

        fn drain(&mut self) -> (Vec<Command>, Vec<Event>) {
            let commands = std::iter::from_fn(|| self.d.poll_command()).collect();
            let events = std::iter::from_fn(|| self.d.poll_event()).collect();
            (commands, events)
        }

        fn advance(&mut self, ms: u64) -> (Vec<Command>, Vec<Event>) {
            self.clock.now += Duration::from_millis(ms);
            self.d.handle_timeout(self.clock.now);
            self.drain()
        }

        fn receive(&mut self, request: Request) -> (Vec<Command>, Vec<Event>) {
            let key = key(&request);
            self.d.handle_request(self.clock.now, key, request).unwrap();
            self.drain()
        }

        fn ack(&mut self, seq: u32, body: &str) -> (Vec<Command>, Vec<Event>) {
            let mut ack = from_far("ACK", seq, "z9hG4bKack", body);
            ack.headers.other.retain(|h| !matches!(h, Header::Contact(_)));
            self.d.handle_ack(self.clock.now, ack);
            self.drain()
        }

        /// An incoming call from [`INVITE`], answered 200; the ACK has not
        /// come yet.
        fn answered(&mut self) -> DialogId {
            let invite = parse_request(INVITE);
            let id = self.d.handle_invite(self.clock.now, key(&invite), invite, peer(), local("near")).unwrap();
            self.d.accept(self.clock.now, id, Some(b"v=0\r\n".to_vec())).unwrap();
            self.drain();
            id
        }

        /// An incoming call, answered and ACKed.
        fn confirmed(&mut self) -> DialogId {
            let id = self.answered();
            self.ack(10, "");
            id
        }

        /// An outgoing call; returns its id and the INVITE's key and request.
        fn outgoing(&mut self) -> (DialogId, Key, Request) {
            self.outgoing_with(None)
        }

        /// An outgoing call that answers challenges with `credentials`.
        fn outgoing_with(&mut self, credentials: Option<Credentials>) -> (DialogId, Key, Request) {
            let call = OutboundCall {
                request_uri: Uri::parse("sip:+15550002@carrier.example").unwrap(),
                from: NameAddr::parse("<sip:queue@cc.example>").unwrap(),
                to: NameAddr::parse("<sip:+15550002@carrier.example>").unwrap(),
                local: local("mine"),
                call_id: CallId::parse("out-1@cc").unwrap(),
                route: Vec::new(),
                dest: peer(),
                reliable: false,
                sdp: b"v=0\r\n".to_vec(),
                credentials,
            };
            let id = self.d.invite(self.clock.now, call).unwrap();
            let (commands, _) = self.drain();
            let (key, invite) = requests(&commands).remove(0);
            (id, key.unwrap(), invite)
        }

        fn respond(&mut self, key: &Key, response: Response) -> (Vec<Command>, Vec<Event>) {
            self.d.handle_response(self.clock.now, key, response);
            self.drain()
        }
    }

    /// A response of the callee `tag` to our `request`, with its Contact
    /// and a Record-Route.
    fn answer(request: &Request, code: u16, tag: &str) -> Response {
        let mut r = Response::for_request(request, status(code), tag);
        r.headers.push(Header::RecordRoute(NameAddr::parse("<sip:sbc.example.net;lr>").unwrap()));
        let contact = format!("<sip:callee-{tag}@198.51.100.7>");
        r.headers.push(Header::Contact(crate::sip::Contact::Addr(NameAddr::parse(&contact).unwrap())));
        r
    }

    #[test]
    fn uas_rings_answers_and_retransmits_until_the_ack() {
        let mut run = Run::new();
        let invite = parse_request(INVITE);
        let id = run.d.handle_invite(run.clock.now, key(&invite), invite, peer(), local("near")).unwrap();
        run.d.ring(run.clock.now, id, StatusCode::RINGING, None).unwrap();
        run.d.accept(run.clock.now, id, Some(b"v=0\r\n".to_vec())).unwrap();
        let (commands, events) = run.drain();
        assert!(events.is_empty());
        let sent = responses(&commands);
        assert_eq!(sent.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [180, 200]);
        for (_, r) in &sent {
            assert_eq!(r.headers.to.tag(), Some("near"));
            assert_eq!(r.headers.contacts().next().unwrap().to_string(), "<sip:gw@192.0.2.1:5060>");
            assert_eq!(r.headers.record_routes().count(), 1);
        }
        assert_eq!(sent[1].1.body, b"v=0\r\n");

        // Resent after T1, then 2*T1 later.
        assert!(codes(&run.advance(499).0).is_empty());
        assert_eq!(codes(&run.advance(1).0), [200]);
        assert!(codes(&run.advance(999).0).is_empty());
        assert_eq!(codes(&run.advance(1).0), [200]);

        let (commands, events) = run.ack(10, "");
        assert!(commands.is_empty());
        assert_eq!(events, [Event::Confirmed { id, sdp: None }]);
        assert_eq!(run.d.poll_timeout(), None);
        // A retransmitted ACK changes nothing.
        assert_eq!(run.ack(10, ""), (vec![], vec![]));
        assert!(run.d.contains(id));
    }

    #[test]
    fn bye_waits_for_the_ack_of_our_2xx() {
        let mut run = Run::new();
        let id = run.answered();
        run.d.bye(run.clock.now, id).unwrap();
        assert!(run.drain().0.is_empty(), "§15: no BYE before the ACK");
        let (commands, events) = run.ack(10, "");
        assert!(events.is_empty());
        let (key, bye) = requests(&commands).remove(0);
        assert_eq!(bye.method, Method::Bye);
        assert_eq!(bye.headers.cseq, CSeq::new(1, Method::Bye));
        assert_eq!(bye.uri.to_string(), "sip:+15550001@198.51.100.7:5060");
        assert_eq!(bye.headers.routes().next().unwrap().to_string(), "<sip:sbc.example.net;lr>");
        let ok = Response::for_request(&bye, StatusCode::OK, "far");
        let (_, events) = run.respond(&key.unwrap(), ok);
        assert_eq!(events, [Event::Terminated { id, reason: Reason::LocalBye }]);
        assert!(run.d.is_empty());
    }

    #[test]
    fn no_ack_ends_the_dialog_with_bye() {
        let mut run = Run::new();
        let id = run.answered();
        let (commands, _) = run.advance(32_000);
        assert_eq!(methods(&commands), ["BYE"]);
        let (key, bye) = requests(&commands).remove(0);
        // The BYE timing out ends the dialog all the same.
        run.d.handle_failure(run.clock.now, &key.unwrap(), Failure::Timeout);
        assert_eq!(run.drain().1, [Event::Terminated { id, reason: Reason::NoAck }]);
        assert_eq!(bye.headers.to.tag(), Some("far"));
    }

    #[test]
    fn reinvites_from_the_peer() {
        let mut run = Run::new();
        let id = run.answered();
        // Before the ACK of our 2xx: 491.
        assert_eq!(codes(&run.receive(from_far("INVITE", 11, "z9hG4bKr1", "v=1\r\n")).0), [491]);
        run.ack(10, "");
        let (commands, events) = run.receive(from_far("INVITE", 12, "z9hG4bKr2", ""));
        assert!(commands.is_empty());
        assert_eq!(events, [Event::ReInvite { id, sdp: None }]);
        // A second one while the first is unanswered: 500 with Retry-After.
        let (commands, _) = run.receive(from_far("INVITE", 13, "z9hG4bKr3", "v=1\r\n"));
        let (code, r) = responses(&commands).remove(0);
        assert_eq!(code, 500);
        let after: u64 = r.headers.text("Retry-After").next().unwrap().parse().unwrap();
        assert!(after <= 10);
        // We offer in the 2xx; the answer comes in the ACK.
        run.d.accept(run.clock.now, id, Some(b"v=2\r\n".to_vec())).unwrap();
        let (commands, _) = run.drain();
        let (_, ok) = responses(&commands).remove(0);
        assert_eq!(ok.headers.cseq.seq, 12);
        assert_eq!(ok.headers.contacts().count(), 1);
        assert_eq!(run.ack(12, "v=3\r\n").1, [Event::Confirmed { id, sdp: Some(b"v=3\r\n".to_vec()) }]);
        // The re-INVITE refreshed the target: our BYE goes to its Contact.
        run.d.bye(run.clock.now, id).unwrap();
        let (_, bye) = requests(&run.drain().0).remove(0);
        assert_eq!(bye.uri.to_string(), "sip:+15550001@203.0.113.9");
    }

    #[test]
    fn requests_inside_a_dialog() {
        let mut run = Run::new();
        let id = run.confirmed();
        let check = |run: &mut Run, method: &str, seq: u32, body: &str, code: u16, header: Option<&str>| {
            let (commands, events) = run.receive(from_far(method, seq, &format!("z9hG4bK{method}{seq}"), body));
            let (got, r) = responses(&commands).remove(0);
            assert_eq!(got, code, "{method}");
            if let Some(h) = header {
                assert!(r.headers.other.iter().any(|x| x.name() == h), "{method}: {h}");
            }
            events
        };
        assert!(check(&mut run, "OPTIONS", 11, "", 200, Some("Allow")).is_empty());
        check(&mut run, "UPDATE", 12, "", 200, Some("Contact"));
        check(&mut run, "UPDATE", 13, "v=0\r\n", 488, None);
        check(&mut run, "REFER", 14, "", 405, Some("Allow"));
        check(&mut run, "PUBLISH", 15, "", 405, Some("Allow"));
        check(&mut run, "FOO", 16, "", 501, None);
        let events = check(&mut run, "INFO", 17, "Signal=5\r\n", 200, None);
        assert!(matches!(&events[..], [Event::Info { id: i, body, .. }] if *i == id && body == b"Signal=5\r\n"));
        // Lower than the last CSeq: out of order (§12.2.2). Equal is let by.
        check(&mut run, "INFO", 16, "", 500, None);
        check(&mut run, "OPTIONS", 17, "", 200, None);
        // Another remote tag or Call-ID: no such dialog.
        let mut stranger = from_far("INFO", 18, "z9hG4bKs1", "");
        stranger.headers.from.params.set("tag", Some("other"));
        assert_eq!(codes(&run.receive(stranger).0), [481]);
        let mut stranger = from_far("BYE", 18, "z9hG4bKs2", "");
        stranger.headers.call_id = CallId::parse("unit-2@carrier").unwrap();
        assert_eq!(codes(&run.receive(stranger).0), [481]);
        // And the BYE ends it.
        let events = check(&mut run, "BYE", 18, "", 200, None);
        assert_eq!(events, [Event::Terminated { id, reason: Reason::RemoteBye }]);
        assert_eq!(codes(&run.receive(from_far("INFO", 19, "z9hG4bKlate", "")).0), [481]);
    }

    #[test]
    fn the_peer_cancels() {
        // Its INVITE: 200 for the CANCEL, 487 for the INVITE.
        let mut run = Run::new();
        let invite = parse_request(INVITE);
        let invite_key = key(&invite);
        let id = run.d.handle_invite(run.clock.now, invite_key.clone(), invite.clone(), peer(), local("near")).unwrap();
        run.d.ring(run.clock.now, id, status(183), Some(b"v=0\r\n".to_vec())).unwrap();
        run.drain();
        let mut cancel = invite.clone();
        cancel.method = Method::Cancel;
        cancel.headers.cseq = CSeq::new(10, Method::Cancel);
        let cancel_key = key(&cancel);
        run.d.handle_cancel(run.clock.now, cancel_key.clone(), &invite_key, cancel.clone()).unwrap();
        let (commands, events) = run.drain();
        let sent = responses(&commands);
        assert_eq!(sent.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [200, 487]);
        assert_eq!(sent[0].1.headers.to.tag(), Some("near"), "§9.2: the tag of the INVITE's responses");
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);
        assert_eq!(run.d.handle_cancel(run.clock.now, cancel_key, &invite_key, cancel), Err(DialogError::NotInDialog));

        // Its re-INVITE: the dialog goes on.
        let mut run = Run::new();
        let id = run.confirmed();
        let reinvite = from_far("INVITE", 11, "z9hG4bKre", "v=1\r\n");
        run.receive(reinvite.clone());
        let mut cancel = reinvite.clone();
        cancel.method = Method::Cancel;
        cancel.headers.cseq = CSeq::new(11, Method::Cancel);
        run.d.handle_cancel(run.clock.now, key(&cancel), &key(&reinvite), cancel).unwrap();
        let (commands, events) = run.drain();
        assert_eq!(codes(&commands), [200, 487]);
        assert_eq!(events, [Event::ReInviteCancelled { id }]);
        assert_eq!(run.d.accept(run.clock.now, id, None), Err(DialogError::NothingToAnswer(id)));
        assert!(run.d.contains(id));
    }

    #[test]
    fn uac_answer_and_forks() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        assert_eq!(invite.headers.from.tag(), Some("mine"));
        assert_eq!(invite.headers.via[0].branch.as_deref(), Some("z9hG4bKmine.1"));

        let (_, events) = run.respond(&key, answer(&invite, 180, "f1"));
        assert_eq!(events, [Event::Ringing { id, status: StatusCode::RINGING, sdp: None }]);
        let mut ok = answer(&invite, 200, "f2");
        ok.body = b"v=0\r\n".to_vec();
        let (commands, events) = run.respond(&key, ok.clone());
        assert_eq!(events, [Event::Answered { id, sdp: Some(b"v=0\r\n".to_vec()) }]);
        let (_, ack) = requests(&commands).remove(0);
        assert_eq!(ack.method, Method::Ack);
        assert_eq!(ack.uri.to_string(), "sip:callee-f2@198.51.100.7");
        assert_eq!(ack.headers.cseq, CSeq::new(1, Method::Ack));
        assert_eq!(ack.headers.to.tag(), Some("f2"));
        assert_ne!(ack.headers.via[0].branch, invite.headers.via[0].branch);

        // A retransmission gets the same ACK again (§13.2.2.4).
        let (commands, events) = run.respond(&key, ok);
        assert!(events.is_empty());
        assert_eq!(requests(&commands), [(None, ack.clone())]);

        // The other fork answers too: ACK it and end it with a BYE.
        let late = answer(&invite, 200, "f1");
        let (commands, events) = run.respond(&key, late.clone());
        assert!(events.is_empty());
        let sent = requests(&commands);
        assert_eq!(methods(&commands), ["ACK", "BYE"]);
        let (fork_bye_key, fork_bye) = &sent[1];
        assert_eq!(fork_bye.headers.to.tag(), Some("f1"));
        assert_eq!(fork_bye.headers.cseq, CSeq::new(2, Method::Bye));
        assert_eq!(fork_bye.uri.to_string(), "sip:callee-f1@198.51.100.7");
        let (commands, _) = run.respond(&key, late);
        assert_eq!(methods(&commands), ["ACK"], "no second BYE");
        let (commands, events) =
            run.respond(fork_bye_key.as_ref().unwrap(), Response::for_request(fork_bye, StatusCode::OK, "f1"));
        assert!(commands.is_empty() && events.is_empty());
        assert!(run.d.contains(id), "the kept dialog is untouched");

        // Our own BYE follows the first fork's dialog.
        run.d.bye(run.clock.now, id).unwrap();
        let (_, bye) = requests(&run.drain().0).remove(0);
        assert_eq!((bye.headers.to.tag(), bye.headers.cseq.seq), (Some("f2"), 2));
        // The transaction's end forgets the forks.
        run.d.handle_terminated(&key);
        assert!(!run.d.out.keys.contains_key(&key));
    }

    #[test]
    fn uac_rejected_or_timed_out() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        let (commands, events) = run.respond(&key, answer(&invite, 486, "x"));
        assert!(commands.is_empty(), "the transaction ACKs a non-2xx");
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(486)) }]);

        let mut run = Run::new();
        let (id, key, _) = run.outgoing();
        run.d.handle_failure(run.clock.now, &key, Failure::Timeout);
        assert_eq!(run.drain().1, [Event::Terminated { id, reason: Reason::Timeout }]);
    }

    #[test]
    fn cancel_waits_for_a_provisional_and_loses_the_race_to_a_2xx() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        run.d.cancel(run.clock.now, id).unwrap();
        assert!(run.drain().0.is_empty(), "§9.1: no CANCEL before a provisional");
        let (commands, events) = run.respond(&key, answer(&invite, 100, "x"));
        assert!(events.is_empty());
        let (_, cancel) = requests(&commands).remove(0);
        assert_eq!(cancel.method, Method::Cancel);
        assert_eq!(cancel.headers.via, invite.headers.via);
        // The 2xx crossed the CANCEL: ACK it, then BYE (§9.1, §15).
        let (commands, events) = run.respond(&key, answer(&invite, 200, "x"));
        assert!(events.is_empty());
        assert_eq!(methods(&commands), ["ACK", "BYE"]);
        let (bye_key, bye) = requests(&commands).remove(1);
        let (_, events) = run.respond(&bye_key.unwrap(), Response::for_request(&bye, StatusCode::OK, "x"));
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);
    }

    #[test]
    fn an_unanswered_cancel_abandons_the_invite() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        run.respond(&key, answer(&invite, 180, "x"));
        run.d.cancel(run.clock.now, id).unwrap();
        assert_eq!(methods(&run.drain().0), ["CANCEL"]);
        assert!(run.advance(31_999).0.is_empty());
        let (commands, events) = run.advance(1);
        assert_eq!(commands, [Command::Abandon { key }]);
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);
        assert_eq!(run.d.poll_timeout(), None);
    }

    #[test]
    fn a_bye_in_an_early_dialog_cancels_our_invite() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        let ringing = answer(&invite, 180, "x");
        run.respond(&key, ringing.clone());
        let mut bye = from_far("BYE", 5, "z9hG4bKearly", "");
        bye.headers.call_id = invite.headers.call_id.clone();
        bye.headers.to = invite.headers.from.clone();
        bye.headers.from = ringing.headers.to.clone();
        let (commands, events) = run.receive(bye);
        assert_eq!(codes(&commands), [200]);
        assert_eq!(methods(&commands), ["CANCEL"]);
        assert!(events.is_empty());
        let (_, events) = run.respond(&key, answer(&invite, 487, "x"));
        assert_eq!(events, [Event::Terminated { id, reason: Reason::RemoteBye }]);
    }

    /// A confirmed outgoing call and the re-INVITE it just sent.
    fn reinviting(run: &mut Run) -> (DialogId, Key, Request) {
        let (id, key, invite) = run.outgoing();
        run.respond(&key, answer(&invite, 200, "x"));
        run.d.reinvite(run.clock.now, id, b"v=1\r\n".to_vec()).unwrap();
        let (key, reinvite) = requests(&run.drain().0).remove(0);
        (id, key.unwrap(), reinvite)
    }

    #[test]
    fn our_reinvite_answered_refused_or_failing() {
        // 2xx: ACKed, answered, and the target refreshed.
        let mut run = Run::new();
        let (id, key, reinvite) = reinviting(&mut run);
        assert_eq!(reinvite.headers.cseq, CSeq::new(2, Method::Invite));
        assert_eq!(reinvite.body, b"v=1\r\n");
        assert_eq!(run.d.reinvite(run.clock.now, id, Vec::new()), Err(DialogError::InviteInProgress(id)));
        let mut ok = answer(&reinvite, 200, "x");
        ok.headers.other.retain(|h| !matches!(h, Header::Contact(_)));
        ok.headers
            .push(Header::Contact(crate::sip::Contact::Addr(NameAddr::parse("<sip:moved@198.51.100.8>").unwrap())));
        let (commands, events) = run.respond(&key, ok);
        assert_eq!(events, [Event::ReInviteAnswered { id, sdp: None }]);
        let (_, ack) = requests(&commands).remove(0);
        assert_eq!((ack.uri.to_string(), ack.headers.cseq.seq), ("sip:moved@198.51.100.8".into(), 2));

        let outcome = |code: Option<u16>, failure: Option<Failure>| {
            let mut run = Run::new();
            let (_, key, reinvite) = reinviting(&mut run);
            let (commands, events) = match (code, failure) {
                (Some(code), _) => run.respond(&key, answer(&reinvite, code, "x")),
                (None, failure) => {
                    run.d.handle_failure(run.clock.now, &key, failure.unwrap());
                    run.drain()
                }
            };
            (methods(&commands), events)
        };
        let id = DialogId(1);
        let none: Vec<String> = Vec::new();
        let rejected = |code| vec![Event::ReInviteRejected { id, status: status(code) }];
        let failed = |code| vec![Event::Terminated { id, reason: Reason::Failed(status(code)) }];
        // The session stays as it was (§14.1) …
        assert_eq!(outcome(Some(488), None), (none.clone(), rejected(488)));
        assert_eq!(outcome(Some(500), None), (none.clone(), rejected(500)));
        assert_eq!(outcome(None, Some(Failure::Transport)), (none.clone(), rejected(503)));
        // … unless the response ends the dialog (RFC 5057) …
        assert_eq!(outcome(Some(481), None), (none.clone(), failed(481)));
        assert_eq!(outcome(Some(404), None), (none.clone(), failed(404)));
        // … or says the peer may still hold it without answering: BYE.
        assert_eq!(outcome(Some(408), None), (vec!["BYE".to_owned()], vec![]));
        assert_eq!(outcome(None, Some(Failure::Timeout)), (vec!["BYE".to_owned()], vec![]));
    }

    #[test]
    fn glare_retries_then_gives_up() {
        let mut run = Run::with(Config { max_glare_retries: 1, ..Config::default() });
        let (id, key, reinvite) = reinviting(&mut run);
        let (commands, events) = run.respond(&key, answer(&reinvite, 491, "x"));
        assert!(commands.is_empty() && events.is_empty());
        let wait = run.d.poll_timeout().unwrap() - run.clock.now;
        assert!((2_100 * MS..=4_000 * MS).contains(&wait), "we made the Call-ID: {wait:?}");
        let (commands, _) = run.advance(u64::try_from(wait.as_millis()).unwrap());
        let (key, again) = requests(&commands).remove(0);
        assert_eq!((again.headers.cseq.seq, again.body.as_slice()), (3, &b"v=1\r\n"[..]));
        let (_, events) = run.respond(&key.unwrap(), answer(&again, 491, "x"));
        assert_eq!(events, [Event::ReInviteRejected { id, status: status(491) }]);
    }

    #[test]
    fn calls_the_call_layer_gets_wrong() {
        let mut run = Run::with(Config { max_dialogs: 1, ..Config::default() });
        let invite = parse_request(INVITE);
        let new = |run: &mut Run, invite: &Request, tag: &str| {
            run.d.handle_invite(run.clock.now, key(invite), invite.clone(), peer(), local(tag))
        };
        assert_eq!(new(&mut run, &invite, "bad tag"), Err(DialogError::BadTag));
        let mut tagged = invite.clone();
        tagged.headers.to.params.set("tag", Some("x"));
        assert_eq!(new(&mut run, &tagged, "near"), Err(DialogError::NotInitialInvite));
        let mut no_contact = invite.clone();
        no_contact.headers.other.retain(|h| !matches!(h, Header::Contact(_)));
        assert_eq!(new(&mut run, &no_contact, "near"), Err(DialogError::NoContact));
        assert_eq!(codes(&run.drain().0), [400]);

        let id = new(&mut run, &invite, "near").unwrap();
        assert_eq!(new(&mut run, &invite, "other"), Err(DialogError::Full { limit: 1 }));
        assert_eq!(codes(&run.drain().0), [503]);
        let now = run.clock.now;
        assert_eq!(run.d.ring(now, id, StatusCode::OK, None), Err(DialogError::WrongStatus(StatusCode::OK)));
        assert_eq!(run.d.reject(now, id, StatusCode::OK), Err(DialogError::WrongStatus(StatusCode::OK)));
        assert_eq!(
            run.d.bye(now, id),
            Err(DialogError::WrongState { id, op: "send BYE before the dialog is confirmed" })
        );
        assert_eq!(run.d.reinvite(now, id, Vec::new()), Err(DialogError::WrongState { id, op: "re-INVITE" }));
        assert_eq!(run.d.cancel(now, id), Err(DialogError::WrongState { id, op: "cancel" }));
        // Hanging up a call we have not answered refuses it.
        run.d.hang_up(now, id).unwrap();
        let (commands, events) = run.drain();
        assert_eq!(codes(&commands), [480]);
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(480)) }]);
        assert_eq!(run.d.accept(now, id, None), Err(DialogError::Unknown(id)));
        assert_eq!(run.d.hang_up(now, id), Err(DialogError::Unknown(id)));
    }

    const REALM: &str = "carrier.example";
    const SECRET: &str = "s3cret";

    fn credentials() -> Option<Credentials> {
        Some(Credentials { username: "trunk-7".into(), password: digest::Password::new(SECRET) })
    }

    fn digest_challenge(nonce: &str, extra: &str) -> DigestChallenge {
        let text = format!(r#"Digest realm="{REALM}", nonce="{nonce}", opaque="op", qop="auth"{extra}"#);
        match Challenge::parse(&text).unwrap() {
            Challenge::Digest(d) => d,
            other => panic!("{other:?}"),
        }
    }

    /// The carrier's 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) to
    /// `request`, with `challenge`.
    fn challenge(request: &Request, code: u16, challenge: &DigestChallenge) -> Response {
        let mut r = Response::for_request(request, status(code), "proxy");
        let c = Challenge::Digest(challenge.clone());
        r.headers.push(if code == 407 { Header::ProxyAuthenticate(c) } else { Header::WwwAuthenticate(c) });
        r
    }

    /// The digest credentials of `request` in Proxy-Authorization (`proxy`)
    /// or Authorization headers.
    fn authorizations(request: &Request, proxy: bool) -> Vec<crate::sip::DigestCredentials> {
        request
            .headers
            .other
            .iter()
            .filter_map(|h| match (h, proxy) {
                (Header::ProxyAuthorization(AuthCredentials::Digest(d)), true)
                | (Header::Authorization(AuthCredentials::Digest(d)), false) => Some(d.clone()),
                _ => None,
            })
            .collect()
    }

    /// What the carrier checks: the one credential of that header kind
    /// answers `challenge` for this request with our password.
    fn carrier_accepts(request: &Request, proxy: bool, challenge: &DigestChallenge) -> bool {
        let creds = authorizations(request, proxy);
        let [c] = &creds[..] else { return false };
        c.username == "trunk-7"
            && c.uri == request.uri.to_string()
            && digest::verify(c, &request.method, &digest::Password::new(SECRET), challenge)
    }

    /// The one request among `commands`, with its key.
    fn only_request(commands: &[Command]) -> (Key, Request) {
        let [Command::Request { key, request, .. }] = commands else { panic!("{commands:?}") };
        (key.clone(), request.clone())
    }

    #[test]
    fn a_407_is_answered_and_the_call_goes_on_as_one_dialog() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let chal = digest_challenge("n1", "");
        let (commands, events) = run.respond(&key, challenge(&invite, 407, &chal));
        assert!(events.is_empty(), "the call layer hears nothing of the challenge");
        let (key2, again) = only_request(&commands);
        assert_eq!(again.method, Method::Invite);
        assert_eq!(again.headers.cseq, CSeq::new(2, Method::Invite));
        assert_eq!(again.headers.call_id, invite.headers.call_id);
        assert_eq!(again.headers.from, invite.headers.from);
        assert_eq!(again.headers.from.tag(), Some("mine"));
        assert_eq!(again.headers.to, invite.headers.to);
        assert_eq!(again.headers.to.tag(), None);
        assert_eq!(again.uri, invite.uri);
        assert_eq!(again.body, invite.body);
        assert_eq!(again.headers.content_type, invite.headers.content_type);
        assert_eq!(again.headers.contacts().collect::<Vec<_>>(), invite.headers.contacts().collect::<Vec<_>>());
        assert_eq!(again.headers.via.len(), 1);
        assert_ne!(again.headers.via[0].branch, invite.headers.via[0].branch, "a new transaction");
        assert_ne!(key2, key);
        assert!(carrier_accepts(&again, true, &chal));
        assert!(authorizations(&again, false).is_empty(), "no Authorization for a 407");
        let creds = &authorizations(&again, true)[0];
        assert_eq!((creds.nc, creds.cnonce.as_deref(), creds.opaque.as_deref()), (Some(1), Some("mine.1"), Some("op")));
        assert!(matches!(parse_datagram(&again.to_bytes()), Ok(Message::Request(r)) if r == again));

        // The old INVITE is done with: its late responses change nothing.
        assert_eq!(run.respond(&key, challenge(&invite, 407, &chal)), (vec![], vec![]));
        assert_eq!(run.respond(&key, answer(&invite, 180, "x")), (vec![], vec![]));
        run.d.handle_terminated(&key);

        let (_, events) = run.respond(&key2, answer(&again, 180, "callee"));
        assert_eq!(events, [Event::Ringing { id, status: StatusCode::RINGING, sdp: None }]);
        let (commands, events) = run.respond(&key2, answer(&again, 200, "callee"));
        assert_eq!(events, [Event::Answered { id, sdp: None }]);
        let (_, ack) = requests(&commands).remove(0);
        assert_eq!((ack.method, ack.headers.cseq.seq), (Method::Ack, 2));
        // The dialog's CSeq goes on from the second INVITE's.
        run.d.bye(run.clock.now, id).unwrap();
        let (_, bye) = only_request(&run.drain().0);
        assert_eq!(bye.headers.cseq, CSeq::new(3, Method::Bye));
        assert!(authorizations(&bye, true).is_empty(), "credentials are not kept for later requests");
    }

    #[test]
    fn a_401_gets_authorization_and_a_proxy_challenge_after_it_both() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let www = digest_challenge("w1", ", algorithm=SHA-256");
        let (commands, events) = run.respond(&key, challenge(&invite, 401, &www));
        assert!(events.is_empty());
        let (key2, second) = only_request(&commands);
        assert!(carrier_accepts(&second, false, &www));
        assert!(authorizations(&second, true).is_empty(), "no Proxy-Authorization for a 401");

        // A proxy on the way challenges too: the third INVITE answers both,
        // the first challenge with its next nonce-count.
        let proxy = digest_challenge("p1", "");
        let (commands, events) = run.respond(&key2, challenge(&second, 407, &proxy));
        assert!(events.is_empty());
        let (key3, third) = only_request(&commands);
        assert_eq!(third.headers.cseq.seq, 3);
        assert!(carrier_accepts(&third, true, &proxy));
        assert!(carrier_accepts(&third, false, &www));
        assert_eq!(authorizations(&third, false)[0].nc, Some(2));
        assert_eq!(authorizations(&third, true)[0].cnonce.as_deref(), Some("mine.2"));

        // Two challenges answered: a third ends the call.
        let other = DigestChallenge { realm: "elsewhere.example".into(), ..digest_challenge("e1", "") };
        let (commands, events) = run.respond(&key3, challenge(&third, 407, &other));
        assert!(commands.is_empty());
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(407)) }]);
        assert!(run.d.is_empty());
    }

    #[test]
    fn a_challenge_to_our_credentials_means_they_are_wrong() {
        // The same nonce again, without stale=true.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let chal = digest_challenge("n1", "");
        let (key2, again) = only_request(&run.respond(&key, challenge(&invite, 407, &chal)).0);
        let (commands, events) = run.respond(&key2, challenge(&again, 407, &chal));
        assert!(commands.is_empty());
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(407)) }]);

        // A new nonce for the same realm without stale=true: the same.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let (key2, again) = only_request(&run.respond(&key, challenge(&invite, 401, &chal)).0);
        let (_, events) = run.respond(&key2, challenge(&again, 401, &digest_challenge("n2", "")));
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(401)) }]);

        // stale=true: the password was right and the nonce old; answered
        // with the new nonce from nonce-count 1.
        let mut run = Run::new();
        let (_, key, invite) = run.outgoing_with(credentials());
        let (key2, again) = only_request(&run.respond(&key, challenge(&invite, 407, &chal)).0);
        let stale = digest_challenge("n2", ", stale=true");
        let (commands, events) = run.respond(&key2, challenge(&again, 407, &stale));
        assert!(events.is_empty());
        let (_, third) = only_request(&commands);
        assert!(carrier_accepts(&third, true, &stale));
        assert_eq!(authorizations(&third, true)[0].nc, Some(1));
    }

    #[test]
    fn challenges_we_do_not_answer_end_the_call_as_before() {
        let chal = digest_challenge("n1", "");
        // No credentials.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing();
        let (commands, events) = run.respond(&key, challenge(&invite, 401, &chal));
        assert!(commands.is_empty(), "the transaction ACKs the 401");
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(401)) }]);
        // A challenge digest.rs cannot answer, or of the other header kind.
        for response in [
            challenge(
                &invite,
                407,
                &DigestChallenge { algorithm: Some(crate::sip::Algorithm::Other("SHA-1".into())), ..chal.clone() },
            ),
            challenge(&invite, 407, &DigestChallenge { qop: vec![crate::sip::Qop::AuthInt], ..chal.clone() }),
            {
                let mut r = challenge(&invite, 401, &chal);
                r.status = status(407);
                r
            },
        ] {
            let mut run = Run::new();
            let (id, key, _) = run.outgoing_with(credentials());
            let (commands, events) = run.respond(&key, response);
            assert!(commands.is_empty());
            assert_eq!(events, [Event::Terminated { id, reason: Reason::Rejected(status(407)) }]);
        }
        // A call cancelled before its challenge came ends cancelled.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        run.d.cancel(run.clock.now, id).unwrap();
        let (commands, events) = run.respond(&key, challenge(&invite, 407, &chal));
        assert!(commands.is_empty());
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);
    }

    #[test]
    fn cancel_and_timeout_follow_the_answered_invite() {
        let chal = digest_challenge("n1", "");
        // CANCEL while the second INVITE rings cancels that one.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let (key2, again) = only_request(&run.respond(&key, challenge(&invite, 407, &chal)).0);
        run.d.cancel(run.clock.now, id).unwrap();
        assert!(run.drain().0.is_empty(), "§9.1: no CANCEL before the new INVITE's provisional");
        let (commands, _) = run.respond(&key2, answer(&again, 180, "callee"));
        let (_, cancel) = only_request(&commands);
        assert_eq!(cancel.method, Method::Cancel);
        assert_eq!(cancel.headers.via, again.headers.via);
        assert_eq!(cancel.headers.cseq, CSeq::new(2, Method::Cancel));
        let (_, events) = run.respond(&key2, answer(&again, 487, "callee"));
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);
        assert!(run.d.is_empty());

        // Ringing first, then the CANCEL goes at once.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let (key2, again) = only_request(&run.respond(&key, challenge(&invite, 407, &chal)).0);
        run.respond(&key2, answer(&again, 183, "callee"));
        run.d.cancel(run.clock.now, id).unwrap();
        let (_, cancel) = only_request(&run.drain().0);
        assert_eq!((cancel.headers.via.clone(), cancel.headers.cseq.seq), (again.headers.via.clone(), 2));
        // With no final response, the new INVITE is the one abandoned.
        let (commands, events) = run.advance(32_000);
        assert_eq!(commands, [Command::Abandon { key: key2 }]);
        assert_eq!(events, [Event::Terminated { id, reason: Reason::Cancelled }]);

        // Timer B of the second INVITE ends the call; the first one's end
        // does not.
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        let (key2, _) = only_request(&run.respond(&key, challenge(&invite, 407, &chal)).0);
        run.d.handle_failure(run.clock.now, &key, Failure::Transport);
        run.d.handle_terminated(&key);
        assert_eq!(run.drain(), (vec![], vec![]));
        assert!(run.d.contains(id));
        run.d.handle_failure(run.clock.now, &key2, Failure::Timeout);
        assert_eq!(run.drain().1, [Event::Terminated { id, reason: Reason::Timeout }]);
    }

    #[test]
    fn a_challenged_reinvite_is_sent_again_with_credentials() {
        let mut run = Run::new();
        let (id, key, invite) = run.outgoing_with(credentials());
        run.respond(&key, answer(&invite, 200, "x"));
        run.d.reinvite(run.clock.now, id, b"v=1\r\n".to_vec()).unwrap();
        let (key, reinvite) = only_request(&run.drain().0);
        let chal = digest_challenge("r1", "");
        let (commands, events) = run.respond(&key, challenge(&reinvite, 407, &chal));
        assert!(events.is_empty());
        let (key2, again) = only_request(&commands);
        assert_eq!(again.headers.cseq, CSeq::new(3, Method::Invite));
        assert_eq!((again.uri.clone(), again.body.clone()), (reinvite.uri.clone(), reinvite.body.clone()));
        assert_eq!(again.headers.to.tag(), Some("x"), "still inside the dialog");
        assert!(carrier_accepts(&again, true, &chal));
        let (commands, events) = run.respond(&key2, answer(&again, 200, "x"));
        assert_eq!(events, [Event::ReInviteAnswered { id, sdp: None }]);
        let (_, ack) = requests(&commands).remove(0);
        assert_eq!(ack.headers.cseq, CSeq::new(3, Method::Ack));

        // Refused again: the session stays as it was.
        run.d.reinvite(run.clock.now, id, b"v=2\r\n".to_vec()).unwrap();
        let (key, reinvite) = only_request(&run.drain().0);
        let (key2, again) = only_request(&run.respond(&key, challenge(&reinvite, 401, &chal)).0);
        let (_, events) = run.respond(&key2, challenge(&again, 401, &chal));
        assert_eq!(events, [Event::ReInviteRejected { id, status: status(401) }]);
        assert!(run.d.contains(id));

        // A dialog the peer started has no credentials.
        let mut run = Run::new();
        let id = run.confirmed();
        run.d.reinvite(run.clock.now, id, b"v=1\r\n".to_vec()).unwrap();
        let (key, reinvite) = only_request(&run.drain().0);
        let (commands, events) = run.respond(&key, challenge(&reinvite, 407, &chal));
        assert!(commands.is_empty());
        assert_eq!(events, [Event::ReInviteRejected { id, status: status(407) }]);
    }

    #[test]
    fn transaction_events_that_are_not_ours_come_back() {
        let mut run = Run::new();
        let now = run.clock.now;
        let options = parse_request(&INVITE.replace("INVITE", "OPTIONS"));
        let source = peer();
        let event = TsxEvent::Request { key: key(&options), request: options, source };
        assert_eq!(run.d.handle_transaction_event(now, event.clone()), Some(event));
        let invite = parse_request(INVITE);
        let event = TsxEvent::Request { key: key(&invite), request: invite.clone(), source };
        assert_eq!(run.d.handle_transaction_event(now, event.clone()), Some(event));
        let mut cancel = invite.clone();
        cancel.method = Method::Cancel;
        cancel.headers.cseq = CSeq::new(10, Method::Cancel);
        let event = TsxEvent::Cancel { key: key(&cancel), invite_key: Some(key(&invite)), request: cancel, source };
        assert_eq!(run.d.handle_transaction_event(now, event.clone()), Some(event));
        let stray = TsxEvent::StrayResponse { response: Response::for_request(&invite, StatusCode::OK, "x"), source };
        assert_eq!(run.d.handle_transaction_event(now, stray.clone()), Some(stray));
        let ended = TsxEvent::Terminated { key: key(&invite) };
        assert_eq!(run.d.handle_transaction_event(now, ended.clone()), Some(ended));
        assert!(run.drain().0.is_empty());

        // An in-dialog request is ours even without a dialog: 481.
        let info = from_far("INFO", 3, "z9hG4bKi", "");
        let event = TsxEvent::Request { key: key(&info), request: info, source };
        assert_eq!(run.d.handle_transaction_event(now, event), None);
        assert_eq!(codes(&run.drain().0), [481]);
        // What our messages look like on the wire parses back.
        let (_, _, invite) = run.outgoing();
        assert!(matches!(parse_datagram(&invite.to_bytes()), Ok(Message::Request(_))));
    }
}

//! [`Transactions`], the sans-IO core a SIP driver owns: it matches every
//! message to its transaction (§17.1.3, §17.2.3 with the RFC 2543 fallback),
//! runs the four state machines, and queues the [`Transmit`]s and [`Event`]s
//! the driver drains.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::key::{Key, Rfc2543Id, stamp_received};
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::timer::{Timer, TimerConfig};
use super::{Action, AlreadyFinal};
use crate::sip::{Method, Request, Response};

/// How a [`Transactions`] behaves. The defaults follow RFC 3261.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub timers: TimerConfig,
    /// How long an INVITE server transaction waits for the TU's first
    /// response before it sends 100 Trying itself (§17.2.1 says 200 ms), so
    /// that the caller stops retransmitting even when the TU is slow (a
    /// database lookup, an IVR starting). `None` leaves every 100 to the TU,
    /// for a TU that always answers at once.
    pub auto_trying: Option<Duration>,
    /// The most transactions alive at once, client and server together.
    /// Each holds a few kilobytes (the messages it may have to resend); the
    /// cap is what keeps a flood of requests, or a TU that stops answering,
    /// from taking all memory. Past it, new transactions are refused with
    /// [`TransactionError::Full`].
    pub max_transactions: usize,
}

impl Config {
    /// Room for the transactions of a few thousand calls in setup at once,
    /// at a few tens of megabytes at worst.
    pub const DEFAULT_MAX_TRANSACTIONS: usize = 16_384;
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timers: TimerConfig::default(),
            auto_trying: Some(Duration::from_millis(200)),
            max_transactions: Config::DEFAULT_MAX_TRANSACTIONS,
        }
    }
}

/// Octets for the driver to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The transaction that sends them, so that a failed send can be
    /// reported with [`Transactions::handle_transport_error`]; `None` for an
    /// ACK to a 2xx, which belongs to no transaction.
    pub key: Option<Key>,
    /// For a request, where the caller said to send it; for a response, the
    /// source address of the request (see [`Transactions::handle_request`]).
    pub dest: SocketAddr,
    /// Send over the connection-oriented transport to `dest` rather than
    /// UDP.
    pub reliable: bool,
    pub bytes: Vec<u8>,
}

/// What the TU (the dialog layer) and the driver learn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new request, with its new server transaction: answer it with
    /// [`Transactions::send_response`] and `key`. Its top Via has `received`
    /// and `rport` filled in, so responses built with
    /// [`Response::for_request`] find their way back.
    Request { key: Key, request: Request, source: SocketAddr },
    /// A CANCEL, with its own server transaction `key` (answer it 200, or
    /// 481 when `invite_key` is `None`, §9.2) and the INVITE server
    /// transaction it cancels, if there is one: answer that INVITE 487
    /// unless it was already answered (then `send_response` refuses with
    /// [`TransactionError::FinalAlreadySent`], which is fine).
    Cancel { key: Key, invite_key: Option<Key>, request: Request, source: SocketAddr },
    /// An ACK the transaction layer does not absorb: the ACK of a 2xx (a
    /// transaction of its own, RFC 3261 §17) or one that matches nothing.
    /// The dialog layer matches it to its dialog.
    Ack { request: Request, source: SocketAddr },
    /// A response to one of our requests: provisionals, the final, and for
    /// INVITE every 2xx until Timer M (retransmissions and forks, which the
    /// dialog layer tells apart by To tag and must each ACK).
    Response { key: Key, response: Response },
    /// A response that matches no client transaction. RFC 6026 drops these
    /// rather than passing them on; the driver counts them.
    StrayResponse { response: Response, source: SocketAddr },
    /// The peer never answered our request (Timer B or F) or never
    /// acknowledged our non-2xx final response (Timer H). The TU treats a
    /// request timeout as a 408 (§8.1.3.1).
    Timeout { key: Key, timer: Timer },
    /// A send of this transaction failed ([`Transactions::handle_transport_error`]);
    /// the transaction is gone. The TU treats it as a 503 (§8.1.3.1).
    TransportError { key: Key },
    /// The transaction ended and was removed; its key no longer matches
    /// anything. The last event for a key.
    Terminated { key: Key },
}

/// Why the core refused an input. Network input is never refused for being
/// odd (a retransmission, a stray, an unmatched ACK all become events); these
/// are a full table and mistakes of the TU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The table is at [`Config::max_transactions`]. For a request, the
    /// driver answers 503 statelessly (or drops it, if it is being flooded).
    #[error("{limit} transactions are live, the most allowed; no new one until some end")]
    Full { limit: usize },
    /// No live transaction has this key: it ended (Timer J, L, …) or never
    /// existed.
    #[error("no live transaction {0}")]
    Unknown(Key),
    /// The transaction already sent its final response, and this one cannot
    /// follow it (only 2xx retransmissions can, in Accepted).
    #[error("transaction {0} has already sent its final response")]
    FinalAlreadySent(Key),
    /// A response was given for a client transaction, or its CSeq method is
    /// not the transaction's.
    #[error("that response does not belong to transaction {0}")]
    NotItsResponse(Key),
    /// A request to send has no top Via with an RFC 3261 branch
    /// (`z9hG4bK…`); we start transactions only with such branches, so that
    /// responses match by branch alone.
    #[error("the request has no top Via with a z9hG4bK branch")]
    NoBranch,
    /// A request arrived without any Via (the parser never lets one through;
    /// a request built by hand might).
    #[error("the request has no Via")]
    NoVia,
    /// A client transaction with this branch and method is still alive;
    /// every request needs a fresh branch (§8.1.1.7).
    #[error("transaction {0} already exists")]
    Duplicate(Key),
    /// ACK is not sent through a client transaction: the ACK of a non-2xx is
    /// sent by the INVITE transaction itself, the ACK of a 2xx with
    /// [`Transactions::send_ack`].
    #[error("ACK is no transaction; send the ACK of a 2xx with send_ack")]
    AckIsNoTransaction,
    /// [`Transactions::send_ack`] was given something other than an ACK.
    #[error("send_ack sends ACK requests only")]
    NotAnAck,
}

/// Every live transaction of one endpoint, and the outputs they produced.
///
/// Inputs: [`handle_request`](Self::handle_request) and
/// [`handle_response`](Self::handle_response) for messages from the network,
/// [`send_request`](Self::send_request), [`send_response`](Self::send_response)
/// and [`send_ack`](Self::send_ack) from the TU,
/// [`handle_timeout`](Self::handle_timeout) when
/// [`poll_timeout`](Self::poll_timeout) is reached, and
/// [`handle_transport_error`](Self::handle_transport_error) when a send
/// failed. After each, drain [`poll_transmit`](Self::poll_transmit) and
/// [`poll_event`](Self::poll_event) until they return `None`.
#[derive(Debug)]
pub struct Transactions {
    config: Config,
    entries: HashMap<Key, Entry>,
    /// Server transactions of RFC 2543 peers by their fallback identity.
    rfc2543: HashMap<Rfc2543Id, Key>,
    /// Each transaction's next deadline; the serial number keeps entries
    /// with equal instants apart and orders them by age.
    deadlines: BTreeMap<(Instant, u64), Key>,
    next_serial: u64,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

#[derive(Debug)]
struct Entry {
    serial: u64,
    /// The deadline this entry has in `Transactions::deadlines`.
    armed: Option<Instant>,
    /// Where this transaction's messages go.
    peer: SocketAddr,
    reliable: bool,
    rfc2543: Option<Rfc2543Id>,
    machine: Machine,
}

#[derive(Debug)]
enum Machine {
    /// Boxed because it keeps its INVITE (for the ACK) and is three times
    /// the size of the others.
    InviteClient(Box<ClientInvite>),
    NonInviteClient(ClientNonInvite),
    InviteServer(ServerInvite),
    NonInviteServer(ServerNonInvite),
}

impl Transactions {
    pub fn new(config: Config) -> Transactions {
        Transactions {
            config,
            entries: HashMap::new(),
            rfc2543: HashMap::new(),
            deadlines: BTreeMap::new(),
            next_serial: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The number of live transactions, for a gauge.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A request from the network, parsed and screened
    /// ([`screen_datagram`](crate::sip::screen_datagram)). A retransmission
    /// is absorbed (and answered with the last response); an ACK for a
    /// non-2xx final is absorbed; anything else becomes an [`Event`].
    ///
    /// The transaction's responses go back to `source` over the same
    /// transport. That is RFC 3581's symmetric response routing applied to
    /// every peer rather than RFC 3261 §18.2.2's sent-by port: it is what
    /// works through NATs, and it never aims traffic at an address named
    /// inside a message.
    pub fn handle_request(
        &mut self,
        now: Instant,
        source: SocketAddr,
        reliable: bool,
        mut request: Request,
    ) -> Result<(), TransactionError> {
        if request.headers.via.is_empty() {
            return Err(TransactionError::NoVia);
        }
        // Matched before the Via is stamped: `received` depends on where this
        // copy came from, and a retransmission may come through another NAT
        // binding.
        let existing = self.match_request(&request);
        stamp_received(&mut request, source);

        if let Some(key) = existing {
            tracing::trace!(%key, method = %request.method, "request matched its transaction");
            let mut actions = Vec::new();
            if let Some(entry) = self.entries.get_mut(&key) {
                match &mut entry.machine {
                    Machine::InviteServer(m) => m.handle_request(now, request, &mut actions),
                    Machine::NonInviteServer(m) => m.handle_request(&mut actions),
                    Machine::InviteClient(_) | Machine::NonInviteClient(_) => {
                        unreachable!("server keys only name server transactions")
                    }
                }
            }
            actions.retain(|a| match a {
                Action::Ack(ack) => {
                    self.events.push_back(Event::Ack { request: ack.clone(), source });
                    false
                }
                _ => true,
            });
            self.settle(&key, actions);
            return Ok(());
        }

        if request.method == Method::Ack {
            self.events.push_back(Event::Ack { request, source });
            return Ok(());
        }
        self.check_room()?;

        let (key, rfc2543) = match Key::server(&request) {
            Some(key) => (key, None),
            None => (Key::rfc2543(self.next_serial, &request), Some(Rfc2543Id::of(&request))),
        };
        let mut actions = Vec::new();
        let machine = if request.method == Method::Invite {
            let timers = self.config.timers;
            Machine::InviteServer(ServerInvite::new(
                now,
                timers,
                reliable,
                &request,
                self.config.auto_trying,
                &mut actions,
            ))
        } else {
            Machine::NonInviteServer(ServerNonInvite::new(self.config.timers, reliable))
        };
        tracing::debug!(%key, "server transaction started");
        self.insert(key.clone(), source, reliable, rfc2543, machine);

        let event = if request.method == Method::Cancel {
            let invite_key = self.cancelled_invite(&request);
            Event::Cancel { key: key.clone(), invite_key, request, source }
        } else {
            Event::Request { key: key.clone(), request, source }
        };
        self.events.push_back(event);
        self.settle(&key, actions);
        Ok(())
    }

    /// A response from the TU for the server transaction `key`. Provisionals
    /// may repeat; after the final only an INVITE's 2xx may be sent again
    /// (the TU's retransmissions, §13.3.1.4).
    pub fn send_response(&mut self, now: Instant, key: &Key, response: Response) -> Result<(), TransactionError> {
        let entry = self.entries.get_mut(key).ok_or_else(|| TransactionError::Unknown(key.clone()))?;
        if response.headers.cseq.method != *key.method() {
            return Err(TransactionError::NotItsResponse(key.clone()));
        }
        let mut actions = Vec::new();
        let sent = match &mut entry.machine {
            Machine::InviteServer(m) => m.send_response(now, &response, &mut actions),
            Machine::NonInviteServer(m) => m.send_response(now, &response, &mut actions),
            Machine::InviteClient(_) | Machine::NonInviteClient(_) => {
                return Err(TransactionError::NotItsResponse(key.clone()));
            }
        };
        sent.map_err(|AlreadyFinal| TransactionError::FinalAlreadySent(key.clone()))?;
        self.settle(key, actions);
        Ok(())
    }

    /// Starts a client transaction for `request` to `dest`. The caller has
    /// given the request a top Via with a fresh `z9hG4bK` branch (a CANCEL
    /// reuses its INVITE's, §9.1, and is a transaction of its own all the
    /// same).
    pub fn send_request(
        &mut self,
        now: Instant,
        dest: SocketAddr,
        reliable: bool,
        request: Request,
    ) -> Result<Key, TransactionError> {
        if request.method == Method::Ack {
            return Err(TransactionError::AckIsNoTransaction);
        }
        let key = Key::client(&request).ok_or(TransactionError::NoBranch)?;
        if self.entries.contains_key(&key) {
            return Err(TransactionError::Duplicate(key));
        }
        self.check_room()?;
        let timers = self.config.timers;
        let mut actions = Vec::new();
        let machine = if request.method == Method::Invite {
            Machine::InviteClient(Box::new(ClientInvite::start(now, timers, reliable, request, &mut actions)))
        } else {
            Machine::NonInviteClient(ClientNonInvite::start(now, timers, reliable, &request, &mut actions))
        };
        tracing::debug!(%key, "client transaction started");
        self.insert(key.clone(), dest, reliable, None, machine);
        self.settle(&key, actions);
        Ok(key)
    }

    /// Sends the ACK of a 2xx, which is no transaction (§17.1.1.3, §13.2.2.4):
    /// it goes out once, and the dialog layer sends it again for every
    /// retransmitted 2xx it is handed.
    pub fn send_ack(&mut self, dest: SocketAddr, reliable: bool, ack: &Request) -> Result<(), TransactionError> {
        if ack.method != Method::Ack {
            return Err(TransactionError::NotAnAck);
        }
        self.transmits.push_back(Transmit { key: None, dest, reliable, bytes: ack.to_bytes() });
        Ok(())
    }

    /// A response from the network, parsed and screened. It goes to the
    /// client transaction of its top Via's branch and CSeq method, or, if
    /// there is none, out as [`Event::StrayResponse`].
    pub fn handle_response(&mut self, now: Instant, source: SocketAddr, response: Response) {
        let Some(key) = Key::for_response(&response).filter(|k| self.entries.contains_key(k)) else {
            tracing::trace!(status = %response.status, "stray response");
            self.events.push_back(Event::StrayResponse { response, source });
            return;
        };
        let mut actions = Vec::new();
        if let Some(entry) = self.entries.get_mut(&key) {
            match &mut entry.machine {
                Machine::InviteClient(m) => m.handle_response(now, response, &mut actions),
                Machine::NonInviteClient(m) => m.handle_response(now, response, &mut actions),
                Machine::InviteServer(_) | Machine::NonInviteServer(_) => {
                    unreachable!("client keys only name client transactions")
                }
            }
        }
        self.settle(&key, actions);
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((&(at, serial), _)) = self.deadlines.first_key_value() {
            if at > now {
                break;
            }
            let key = self.deadlines.remove(&(at, serial)).expect("the first entry of the map was just seen");
            let mut actions = Vec::new();
            if let Some(entry) = self.entries.get_mut(&key) {
                entry.armed = None;
                match &mut entry.machine {
                    Machine::InviteClient(m) => m.handle_timeout(now, &mut actions),
                    Machine::NonInviteClient(m) => m.handle_timeout(now, &mut actions),
                    Machine::InviteServer(m) => m.handle_timeout(now, &mut actions),
                    Machine::NonInviteServer(m) => m.handle_timeout(now),
                }
            }
            self.settle(&key, actions);
        }
    }

    /// A send of transaction `key` failed (a TCP connection refused or
    /// reset, an ICMP error on UDP). The transaction ends and the TU hears of
    /// it (figures 5 to 8: "Transport Err. / Inform TU").
    pub fn handle_transport_error(&mut self, _now: Instant, key: &Key) {
        if self.remove(key) {
            tracing::debug!(%key, "transport error ended the transaction");
            self.events.push_back(Event::TransportError { key: key.clone() });
            self.events.push_back(Event::Terminated { key: key.clone() });
        }
    }

    /// Ends transaction `key` at once, for a TU that gave up on it: an INVITE
    /// that got no final response within 64*T1 of its CANCEL (§9.1), or every
    /// transaction at shutdown. Nothing is sent; [`Event::Terminated`]
    /// follows, as for any other end. Unknown keys are ignored.
    pub fn abandon(&mut self, key: &Key) {
        if self.remove(key) {
            tracing::debug!(%key, "transaction abandoned by the TU");
            self.events.push_back(Event::Terminated { key: key.clone() });
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next instant [`handle_timeout`](Self::handle_timeout) has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first_key_value().map(|(&(at, _), _)| at)
    }

    /// The live server transaction `request` belongs to, if any (§17.2.3).
    fn match_request(&self, request: &Request) -> Option<Key> {
        if let Some(key) = Key::server(request) {
            return self.entries.contains_key(&key).then_some(key);
        }
        if request.method != Method::Ack {
            return self.rfc2543.get(&Rfc2543Id::of(request)).cloned();
        }
        // An RFC 2543 ACK matches the INVITE by identity (which carries the
        // INVITE's To tag: none for an initial INVITE, the dialog's for a
        // re-INVITE) and carries the To tag of the response it acknowledges.
        let ack_tag = request.headers.to.tag();
        [None, ack_tag].into_iter().find_map(|invite_tag| {
            let key = self.rfc2543.get(&Rfc2543Id::with(request, Method::Invite, invite_tag))?;
            match &self.entries.get(key)?.machine {
                Machine::InviteServer(m) if m.final_to_tag().is_some() && m.final_to_tag() == ack_tag => {
                    Some(key.clone())
                }
                _ => None,
            }
        })
    }

    /// The INVITE server transaction a CANCEL cancels: the CANCEL's own key
    /// with method INVITE, or for RFC 2543 peers its identity with method
    /// INVITE (§9.2).
    fn cancelled_invite(&self, cancel: &Request) -> Option<Key> {
        let key = match Key::server(cancel) {
            Some(key) => key.with_method(Method::Invite),
            None => self.rfc2543.get(&Rfc2543Id::with(cancel, Method::Invite, cancel.headers.to.tag()))?.clone(),
        };
        self.entries.contains_key(&key).then_some(key)
    }

    fn check_room(&self) -> Result<(), TransactionError> {
        if self.entries.len() >= self.config.max_transactions {
            tracing::warn!(limit = self.config.max_transactions, "transaction table full");
            return Err(TransactionError::Full { limit: self.config.max_transactions });
        }
        Ok(())
    }

    fn insert(&mut self, key: Key, peer: SocketAddr, reliable: bool, rfc2543: Option<Rfc2543Id>, machine: Machine) {
        let serial = self.next_serial;
        self.next_serial += 1;
        if let Some(id) = &rfc2543 {
            self.rfc2543.insert(id.clone(), key.clone());
        }
        self.entries.insert(key, Entry { serial, armed: None, peer, reliable, rfc2543, machine });
    }

    /// Turns a machine's actions into outputs, then removes the transaction
    /// if it terminated (RFC 3261: "destroyed immediately") or files its next
    /// deadline.
    fn settle(&mut self, key: &Key, actions: Vec<Action>) {
        let Some(entry) = self.entries.get_mut(key) else { return };
        for action in actions {
            match action {
                Action::Send(bytes) => self.transmits.push_back(Transmit {
                    key: Some(key.clone()),
                    dest: entry.peer,
                    reliable: entry.reliable,
                    bytes,
                }),
                Action::Response(response) => {
                    self.events.push_back(Event::Response { key: key.clone(), response });
                }
                Action::Ack(_) => {
                    unreachable!("handle_request takes ACKs out before settling: only it knows their source")
                }
                Action::Timeout(timer) => {
                    tracing::debug!(%key, ?timer, "transaction timed out");
                    self.events.push_back(Event::Timeout { key: key.clone(), timer });
                }
            }
        }
        let (terminated, next) = match &entry.machine {
            Machine::InviteClient(m) => (m.state() == super::client_invite::State::Terminated, m.poll_timeout()),
            Machine::NonInviteClient(m) => (m.state() == super::client_non_invite::State::Terminated, m.poll_timeout()),
            Machine::InviteServer(m) => (m.state() == super::server_invite::State::Terminated, m.poll_timeout()),
            Machine::NonInviteServer(m) => (m.state() == super::server_non_invite::State::Terminated, m.poll_timeout()),
        };
        if terminated {
            self.remove(key);
            tracing::debug!(%key, "transaction terminated");
            self.events.push_back(Event::Terminated { key: key.clone() });
            return;
        }
        if next != entry.armed {
            if let Some(old) = entry.armed {
                self.deadlines.remove(&(old, entry.serial));
            }
            if let Some(at) = next {
                self.deadlines.insert((at, entry.serial), key.clone());
            }
            entry.armed = next;
        }
    }

    /// Forgets a transaction and its index entries; false if it was gone.
    fn remove(&mut self, key: &Key) -> bool {
        let Some(entry) = self.entries.remove(key) else { return false };
        if let Some(at) = entry.armed {
            self.deadlines.remove(&(at, entry.serial));
        }
        if let Some(id) = entry.rfc2543
            && self.rfc2543.get(&id) == Some(key)
        {
            self.rfc2543.remove(&id);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::transaction::fixtures::{Clock, parse_any, parse_response, request, response};
    use crate::sip::{Message, StatusCode};

    const PEER: &str = "192.0.2.10:5060";

    fn peer() -> SocketAddr {
        PEER.parse().unwrap()
    }

    /// A `Transactions` on a virtual clock, drained after every step.
    struct Run {
        clock: Clock,
        core: Transactions,
    }

    impl Run {
        fn new(config: Config) -> Run {
            Run { clock: Clock::new(), core: Transactions::new(config) }
        }

        fn quiet() -> Run {
            Run::new(Config { auto_trying: None, ..Config::default() })
        }

        fn receive(&mut self, req: Request) -> Result<(Vec<Transmit>, Vec<Event>), TransactionError> {
            self.core.handle_request(self.clock.now, peer(), false, req)?;
            Ok(self.drain())
        }

        fn drain(&mut self) -> (Vec<Transmit>, Vec<Event>) {
            let transmits = std::iter::from_fn(|| self.core.poll_transmit()).collect();
            let events = std::iter::from_fn(|| self.core.poll_event()).collect();
            (transmits, events)
        }

        fn advance(&mut self, ms: u64) -> (Vec<Transmit>, Vec<Event>) {
            self.clock.now += Duration::from_millis(ms);
            self.core.handle_timeout(self.clock.now);
            self.drain()
        }
    }

    fn statuses(transmits: &[Transmit]) -> Vec<u16> {
        transmits.iter().map(|t| parse_response(&t.bytes).status.code()).collect()
    }

    fn new_request_key(events: &[Event]) -> Key {
        match events {
            [Event::Request { key, .. }] => key.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_requests_and_retransmissions() {
        let mut run = Run::quiet();
        let invite = request("INVITE", "z9hG4bKs1", "");
        let (tx, ev) = run.receive(invite.clone()).unwrap();
        assert!(tx.is_empty());
        let key = new_request_key(&ev);
        assert_eq!(run.core.len(), 1);

        // The TU rings; a retransmitted INVITE gets the 180 again and does
        // not reach the TU.
        run.core.send_response(run.clock.now, &key, response(&invite, 180)).unwrap();
        let (tx, _) = run.drain();
        assert_eq!(statuses(&tx), [180]);
        assert_eq!(tx[0].dest, peer());
        assert_eq!(tx[0].key.as_ref(), Some(&key));
        let (tx, ev) = run.receive(invite.clone()).unwrap();
        assert_eq!((statuses(&tx), ev), (vec![180], vec![]));

        // 486, then the ACK is absorbed and Timer I ends it.
        run.core.send_response(run.clock.now, &key, response(&invite, 486)).unwrap();
        run.drain();
        let (tx, ev) = run.receive(request("ACK", "z9hG4bKs1", "uas-tag")).unwrap();
        assert!(tx.is_empty() && ev.is_empty(), "{ev:?}");
        let (_, ev) = run.advance(5_000);
        assert_eq!(ev, [Event::Terminated { key: key.clone() }]);
        assert!(run.core.is_empty());
        assert_eq!(run.core.poll_timeout(), None);
        assert_eq!(
            run.core.send_response(run.clock.now, &key, response(&invite, 500)),
            Err(TransactionError::Unknown(key))
        );
    }

    #[test]
    fn the_2xx_ack_goes_to_the_tu_and_accepted_absorbs_the_invite() {
        let mut run = Run::quiet();
        let invite = request("INVITE", "z9hG4bKs2", "");
        let (_, ev) = run.receive(invite.clone()).unwrap();
        let key = new_request_key(&ev);
        run.core.send_response(run.clock.now, &key, response(&invite, 200)).unwrap();
        assert_eq!(statuses(&run.drain().0), [200]);

        let (tx, ev) = run.receive(invite.clone()).unwrap();
        assert!(tx.is_empty() && ev.is_empty(), "absorbed in Accepted");
        // The ACK of a 2xx has a branch of its own.
        let ack = request("ACK", "z9hG4bKack2", "uas-tag");
        let (_, ev) = run.receive(ack).unwrap();
        assert!(matches!(&ev[..], [Event::Ack { source, .. }] if *source == peer()));
        // The TU's 2xx retransmission goes through until L.
        run.core.send_response(run.clock.now, &key, response(&invite, 200)).unwrap();
        assert_eq!(statuses(&run.drain().0), [200]);
        let (_, ev) = run.advance(32_000);
        assert_eq!(ev, [Event::Terminated { key }]);
    }

    #[test]
    fn timer_h_is_reported() {
        let mut run = Run::quiet();
        let invite = request("INVITE", "z9hG4bKs3", "");
        let key = new_request_key(&run.receive(invite.clone()).unwrap().1);
        run.core.send_response(run.clock.now, &key, response(&invite, 480)).unwrap();
        run.drain();
        let mut events = Vec::new();
        while let Some(at) = run.core.poll_timeout() {
            run.clock.now = at;
            run.core.handle_timeout(at);
            events.extend(run.drain().1);
        }
        assert_eq!(run.clock.ms(), 32_000);
        assert_eq!(events, [Event::Timeout { key: key.clone(), timer: Timer::H }, Event::Terminated { key }]);
    }

    #[test]
    fn cancel_finds_its_invite() {
        let mut run = Run::quiet();
        let invite = request("INVITE", "z9hG4bKs4", "");
        let invite_key = new_request_key(&run.receive(invite.clone()).unwrap().1);
        let cancel = request("CANCEL", "z9hG4bKs4", "");
        let (_, ev) = run.receive(cancel.clone()).unwrap();
        let [Event::Cancel { key, invite_key: Some(found), .. }] = &ev[..] else { panic!("{ev:?}") };
        assert_eq!(found, &invite_key);
        assert_ne!(key, &invite_key);
        assert_eq!(key.method(), &Method::Cancel);

        // The TU answers both; the CANCEL's retransmission gets its 200.
        run.core.send_response(run.clock.now, key, response(&cancel, 200)).unwrap();
        run.core.send_response(run.clock.now, &invite_key, response(&invite, 487)).unwrap();
        assert_eq!(statuses(&run.drain().0), [200, 487]);
        assert_eq!(statuses(&run.receive(cancel).unwrap().0), [200]);

        // A CANCEL for nothing: the TU answers 481.
        let (_, ev) = run.receive(request("CANCEL", "z9hG4bKnone", "")).unwrap();
        assert!(matches!(&ev[..], [Event::Cancel { invite_key: None, .. }]));
    }

    #[test]
    fn rfc2543_requests_match_without_branches() {
        let mut run = Run::quiet();
        // No branch at all, then a branch without the cookie.
        for branch in ["", "1234"] {
            let invite = request("INVITE", branch, "");
            let key = new_request_key(&run.receive(invite.clone()).unwrap().1);
            assert_eq!(key.branch(), None);
            run.core.send_response(run.clock.now, &key, response(&invite, 100)).unwrap();
            run.drain();
            let (tx, ev) = run.receive(invite.clone()).unwrap();
            assert_eq!((statuses(&tx), ev), (vec![100], vec![]), "the retransmission matched");

            let cancel = request("CANCEL", branch, "");
            let (_, ev) = run.receive(cancel).unwrap();
            assert!(matches!(&ev[..], [Event::Cancel { invite_key: Some(k), .. }] if *k == key));

            run.core.send_response(run.clock.now, &key, response(&invite, 487)).unwrap();
            run.drain();
            // An ACK with another To tag is not this transaction's.
            let (_, ev) = run.receive(request("ACK", branch, "other")).unwrap();
            assert!(matches!(&ev[..], [Event::Ack { .. }]));
            let (tx, ev) = run.receive(request("ACK", branch, "uas-tag")).unwrap();
            assert!(tx.is_empty() && ev.is_empty(), "absorbed: {ev:?}");
            // A new CSeq is a new transaction.
            let mut next = invite.clone();
            next.headers.cseq.seq = 2;
            assert!(matches!(run.receive(next).unwrap().1[..], [Event::Request { .. }]));
        }
    }

    #[test]
    fn automatic_trying_and_response_routing() {
        let mut run = Run::new(Config::default());
        let mut invite = request("INVITE", "z9hG4bKs5", "");
        invite.headers.via[0].rport = crate::sip::Rport::Requested;
        let source: SocketAddr = "203.0.113.9:31000".parse().unwrap();
        // The Via names port 5060; the reply goes to the port it came from.
        run.core.handle_request(run.clock.now, source, false, invite).unwrap();
        let (tx, ev) = run.drain();
        assert!(tx.is_empty());
        let [Event::Request { request, .. }] = &ev[..] else { panic!("{ev:?}") };
        assert_eq!(request.headers.via[0].rport, crate::sip::Rport::Filled(31000));
        assert_eq!(request.headers.via[0].received, Some(source.ip()));

        let (tx, _) = run.advance(200);
        assert_eq!(statuses(&tx), [100]);
        assert_eq!(tx[0].dest, source, "rport: back to the source port");
        let Message::Response(trying) = parse_any(&tx[0].bytes) else { panic!() };
        assert_eq!(trying.headers.via[0].rport, crate::sip::Rport::Filled(31000));
    }

    #[test]
    fn stray_responses() {
        let mut run = Run::quiet();
        let resp = response(&request("INVITE", "z9hG4bKnobody", ""), 200);
        run.core.handle_response(run.clock.now, peer(), resp.clone());
        assert_eq!(run.drain().1, [Event::StrayResponse { response: resp, source: peer() }]);
        // A server transaction's branch does not make a response match.
        let invite = request("INVITE", "z9hG4bKsrv", "");
        run.receive(invite.clone()).unwrap();
        run.core.handle_response(run.clock.now, peer(), response(&invite, 200));
        assert!(matches!(run.drain().1[..], [Event::StrayResponse { .. }]));
        // Nor does a 2xx after Timer M: the client transaction is gone.
        let key = run.core.send_request(run.clock.now, peer(), false, request("INVITE", "z9hG4bKc", "")).unwrap();
        let ok = response(&request("INVITE", "z9hG4bKc", ""), 200);
        run.core.handle_response(run.clock.now, peer(), ok.clone());
        assert!(matches!(&run.drain().1[..], [Event::Response { key: k, .. }] if *k == key));
        assert_eq!(run.advance(32_000).1, [Event::Terminated { key }]);
        run.core.handle_response(run.clock.now, peer(), ok);
        assert!(matches!(run.drain().1[..], [Event::StrayResponse { .. }]));
    }

    #[test]
    fn client_transactions() {
        let mut run = Run::quiet();
        let options = request("OPTIONS", "z9hG4bKopt", "");
        let key = run.core.send_request(run.clock.now, peer(), false, options.clone()).unwrap();
        let (tx, _) = run.drain();
        assert_eq!(tx, [Transmit { key: Some(key.clone()), dest: peer(), reliable: false, bytes: options.to_bytes() }]);
        assert_eq!(
            run.core.send_request(run.clock.now, peer(), false, options.clone()),
            Err(TransactionError::Duplicate(key.clone()))
        );
        assert_eq!(run.advance(500).0.len(), 1, "Timer E");
        run.core.handle_response(run.clock.now, peer(), response(&options, 200));
        assert!(matches!(&run.drain().1[..], [Event::Response { .. }]));
        run.core.handle_response(run.clock.now, peer(), response(&options, 200));
        assert_eq!(run.drain(), (vec![], vec![]), "absorbed in Completed");
        assert_eq!(run.advance(5_000).1, [Event::Terminated { key }], "Timer K");

        let ack = request("ACK", "z9hG4bKa", "t");
        assert_eq!(
            run.core.send_request(run.clock.now, peer(), false, ack.clone()),
            Err(TransactionError::AckIsNoTransaction)
        );
        assert_eq!(
            run.core.send_request(run.clock.now, peer(), false, request("BYE", "old", "t")),
            Err(TransactionError::NoBranch)
        );
        run.core.send_ack(peer(), false, &ack).unwrap();
        assert_eq!(run.drain().0[0].key, None);
        assert_eq!(run.core.send_ack(peer(), false, &options), Err(TransactionError::NotAnAck));
    }

    #[test]
    fn timeouts_and_transport_errors_reach_the_tu() {
        let mut run = Run::quiet();
        let key = run.core.send_request(run.clock.now, peer(), true, request("INVITE", "z9hG4bKto", "")).unwrap();
        run.drain();
        assert_eq!(
            run.advance(32_000).1,
            [Event::Timeout { key: key.clone(), timer: Timer::B }, Event::Terminated { key }]
        );

        let key = run.core.send_request(run.clock.now, peer(), true, request("BYE", "z9hG4bKte", "t")).unwrap();
        run.drain();
        run.core.handle_transport_error(run.clock.now, &key);
        assert_eq!(run.drain().1, [Event::TransportError { key: key.clone() }, Event::Terminated { key: key.clone() }]);
        run.core.handle_transport_error(run.clock.now, &key);
        assert_eq!(run.drain(), (vec![], vec![]), "reported once");
        assert!(run.core.is_empty());
        assert_eq!(run.core.poll_timeout(), None);

        // A ringing INVITE has no timer left; the TU ends it after its CANCEL
        // went unanswered.
        let invite = request("INVITE", "z9hG4bKring", "");
        let key = run.core.send_request(run.clock.now, peer(), false, invite.clone()).unwrap();
        run.core.handle_response(run.clock.now, peer(), response(&invite, 180));
        run.drain();
        assert_eq!(run.core.poll_timeout(), None);
        run.core.abandon(&key);
        assert_eq!(run.drain().1, [Event::Terminated { key: key.clone() }]);
        run.core.abandon(&key);
        assert!(run.core.is_empty() && run.drain().1.is_empty());
    }

    #[test]
    fn the_table_is_bounded() {
        let mut run = Run::new(Config { auto_trying: None, max_transactions: 3, ..Config::default() });
        for i in 0..3 {
            run.receive(request("OPTIONS", &format!("z9hG4bKf{i}"), "")).unwrap();
        }
        assert_eq!(run.receive(request("OPTIONS", "z9hG4bKf3", "")), Err(TransactionError::Full { limit: 3 }));
        assert_eq!(
            run.core.send_request(run.clock.now, peer(), false, request("OPTIONS", "z9hG4bKc", "")),
            Err(TransactionError::Full { limit: 3 })
        );
        // Retransmissions and ACKs still get through a full table.
        assert!(run.receive(request("OPTIONS", "z9hG4bKf0", "")).is_ok());
        assert!(matches!(run.receive(request("ACK", "z9hG4bKx", "t")).unwrap().1[..], [Event::Ack { .. }]));
        // A flood of new branches stays at the cap.
        for i in 0..1_000 {
            let _ = run.receive(request("OPTIONS", &format!("z9hG4bKflood{i}"), ""));
        }
        assert_eq!(run.core.len(), 3);
    }

    #[test]
    fn responses_must_fit_their_transaction() {
        let mut run = Run::quiet();
        let invite = request("INVITE", "z9hG4bKfit", "");
        let key = new_request_key(&run.receive(invite).unwrap().1);
        let options = request("OPTIONS", "z9hG4bKfit", "");
        assert_eq!(
            run.core.send_response(run.clock.now, &key, response(&options, 200)),
            Err(TransactionError::NotItsResponse(key.clone()))
        );
        let mut ok = response(&request("INVITE", "z9hG4bKfit", ""), 200);
        ok.status = StatusCode::OK;
        run.core.send_response(run.clock.now, &key, ok.clone()).unwrap();
        let mut late = ok;
        late.status = StatusCode::new(486).unwrap();
        assert_eq!(run.core.send_response(run.clock.now, &key, late), Err(TransactionError::FinalAlreadySent(key)));
    }
}

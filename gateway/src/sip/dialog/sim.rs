//! Deterministic simulation: two [`Dialogs`] on two [`Transactions`], back to
//! back over a link that delays and drops datagrams, on a virtual clock that
//! jumps to the next timer, arrival or scripted action. Each side has a
//! small call layer: A places calls, B rings at once and answers after a
//! while, both answer re-INVITEs with `sdp::answer_offer`, and a test's
//! script adds hang-ups, holds and cancels at given times. B may also play a
//! carrier that challenges INVITEs with 407 until their credentials verify.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::fixtures::{Clock, MS, parse_any, parse_request};
use super::{Command, Config, Credentials, DialogId, Dialogs, Event, Failure, Local, OutboundCall, Reason};
use crate::sdp::{self, Codec, Direction};
use crate::sip::digest::{self, Password};
use crate::sip::transaction::{Config as TsxConfig, Event as TsxEvent, Transactions};
use crate::sip::{
    CallId, Challenge, Credentials as AuthCredentials, DigestChallenge, Header, Message, Method, NameAddr, Request,
    Response, StatusCode, Uri,
};

const A_ADDR: &str = "10.0.0.1:5060";
const B_ADDR: &str = "10.0.0.2:5060";
/// The record-routing proxies the link pretends to be, nearest to A first.
const P1: &str = "<sip:p1.example.net;lr>";
const P2: &str = "<sip:p2.example.net;lr>";
/// The password B wants when it plays a carrier that challenges INVITEs.
const SECRET: &str = "trunk-secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    A,
    B,
}

/// Which datagrams the link loses.
enum Loss {
    Nothing,
    /// The first `n` copies of every datagram whose start line begins with
    /// `prefix`.
    FirstCopies {
        prefix: &'static str,
        n: usize,
        seen: usize,
    },
    /// Every datagram whose start line begins with `prefix`.
    All(&'static str),
    /// Each datagram with this probability (percent), from a xorshift
    /// generator with a fixed seed.
    Seeded {
        state: u64,
        percent: u64,
    },
}

impl Loss {
    fn seeded(seed: u64, percent: u64) -> Loss {
        Loss::Seeded { state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, percent }
    }

    fn drops(&mut self, line: &str) -> bool {
        match self {
            Loss::Nothing => false,
            Loss::FirstCopies { prefix, n, seen } => {
                if !line.starts_with(*prefix) {
                    return false;
                }
                *seen += 1;
                *seen <= *n
            }
            Loss::All(prefix) => line.starts_with(*prefix),
            Loss::Seeded { state, percent } => {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                *state % 100 < *percent
            }
        }
    }
}

/// What a script can make a side do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Place a call to the other side.
    Call,
    /// Answer the ringing call with this status (scheduled by the callee).
    Answer(u16),
    Bye,
    /// A re-INVITE with `a=sendonly`.
    Hold,
    /// A re-INVITE with `a=sendrecv`.
    Resume,
    Cancel,
}

/// One endpoint: its two cores and its little call layer.
struct Side {
    who: Who,
    addr: SocketAddr,
    tsx: Transactions,
    dialogs: Dialogs,
    /// The call's leg on this side.
    id: Option<DialogId>,
    /// How this side answers an INVITE: 180 at once, then this status after
    /// this long.
    answer: (u16, Duration),
    /// The offer of the INVITE being answered.
    offer: Vec<u8>,
    sdp_version: u64,
    todo: Vec<(Instant, Action)>,
    events: Vec<Event>,
    leftovers: Vec<TsxEvent>,
    /// What this side's calls answer challenges with.
    credentials: Option<Credentials>,
    /// Set on the callee to play a carrier: an INVITE without credentials
    /// that answer this challenge (for user `trunk` and [`SECRET`]) gets a
    /// 407 before any dialog exists.
    challenge: Option<DigestChallenge>,
    challenged: usize,
}

impl Side {
    fn new(who: Who, addr: &str) -> Side {
        Side {
            who,
            addr: addr.parse().unwrap(),
            tsx: Transactions::new(TsxConfig::default()),
            dialogs: Dialogs::new(Config::default()),
            id: None,
            answer: (200, 2_000 * MS),
            offer: Vec::new(),
            sdp_version: 0,
            todo: Vec::new(),
            events: Vec::new(),
            leftovers: Vec::new(),
            credentials: None,
            challenge: None,
            challenged: 0,
        }
    }

    fn name(&self) -> &'static str {
        if self.who == Who::A { "a" } else { "b" }
    }

    fn local(&self, n: usize) -> Local {
        let Uri::Sip(contact) = Uri::parse(&format!("sip:{}@{}", self.name(), self.addr)).unwrap() else {
            unreachable!()
        };
        Local { contact, tag: format!("{}-tag{n}", self.name()) }
    }

    fn rtp(&self) -> SocketAddr {
        SocketAddr::new(self.addr.ip(), 40_000)
    }

    fn offer(&mut self, direction: Direction) -> Vec<u8> {
        self.sdp_version += 1;
        sdp::make_offer(self.rtp(), &[Codec::Pcmu], 1, self.sdp_version, direction).to_string().into_bytes()
    }

    fn answer_to(&mut self, offer: &[u8]) -> Vec<u8> {
        self.sdp_version += 1;
        let offer = sdp::parse(offer).expect("the peer's offer parses");
        let answer = sdp::answer_offer(&offer, self.rtp(), &[Codec::Pcmu], 2, self.sdp_version).expect("an answer");
        answer.sdp.to_string().into_bytes()
    }

    fn act(&mut self, now: Instant, action: Action, peer: SocketAddr) {
        let id = self.id;
        if action != Action::Call && !id.is_some_and(|id| self.dialogs.contains(id)) {
            // The call ended before the script got here (a cancelled call's
            // answer, say).
            return;
        }
        match action {
            Action::Call => {
                let local = self.local(self.events.len());
                let sdp = self.offer(Direction::SendRecv);
                let call = OutboundCall {
                    request_uri: Uri::parse(&format!("sip:agent@{peer}")).unwrap(),
                    from: NameAddr::parse(&format!("<sip:{}@example.com>", self.name())).unwrap(),
                    to: NameAddr::parse(&format!("<sip:agent@{peer}>")).unwrap(),
                    call_id: CallId::parse(&format!("call-{}@sim", local.tag)).unwrap(),
                    local,
                    route: Vec::new(),
                    dest: peer,
                    reliable: false,
                    sdp,
                    credentials: self.credentials.clone(),
                };
                self.id = Some(self.dialogs.invite(now, call).unwrap());
            }
            Action::Answer(200) => {
                let offer = self.offer.clone();
                let sdp = self.answer_to(&offer);
                self.dialogs.accept(now, id.unwrap(), Some(sdp)).unwrap();
            }
            Action::Answer(code) => self.dialogs.reject(now, id.unwrap(), StatusCode::new(code).unwrap()).unwrap(),
            Action::Bye => self.dialogs.bye(now, id.unwrap()).unwrap(),
            Action::Hold => {
                let sdp = self.offer(Direction::SendOnly);
                self.dialogs.reinvite(now, id.unwrap(), sdp).unwrap();
            }
            Action::Resume => {
                let sdp = self.offer(Direction::SendRecv);
                self.dialogs.reinvite(now, id.unwrap(), sdp).unwrap();
            }
            Action::Cancel => self.dialogs.cancel(now, id.unwrap()).unwrap(),
        }
    }

    /// The call layer's reaction to what the dialog layer hands back.
    fn on_leftover(&mut self, now: Instant, event: TsxEvent) {
        match event {
            TsxEvent::Request { key, request, .. }
                if request.method == Method::Invite && !self.authorized(&request) =>
            {
                let chal = self.challenge.clone().expect("authorized() without a challenge");
                let mut response = Response::for_request(&request, StatusCode::new(407).unwrap(), "carrier");
                response.headers.push(Header::ProxyAuthenticate(Challenge::Digest(chal)));
                self.tsx.send_response(now, &key, response).unwrap();
                self.challenged += 1;
            }
            TsxEvent::Request { key, request, source } if request.method == Method::Invite => {
                self.offer = request.body.clone();
                let local = self.local(self.events.len());
                let id = self.dialogs.handle_invite(now, key, request, source, local).unwrap();
                self.id = Some(id);
                self.dialogs.ring(now, id, StatusCode::RINGING, None).unwrap();
                let (status, after) = self.answer;
                self.todo.push((now + after, Action::Answer(status)));
            }
            // The ends of transactions that are not the dialog layer's
            // (server non-INVITE ones, say) only interest a gauge.
            TsxEvent::Terminated { .. } => {}
            other => self.leftovers.push(other),
        }
    }

    /// Whether a new INVITE may pass the carrier this side plays: it is not
    /// one, or the INVITE's Proxy-Authorization answers its challenge.
    fn authorized(&self, request: &Request) -> bool {
        let Some(chal) = &self.challenge else { return true };
        request.headers.other.iter().any(|h| match h {
            Header::ProxyAuthorization(AuthCredentials::Digest(c)) => {
                c.username == "trunk"
                    && c.uri == request.uri.to_string()
                    && digest::verify(c, &Method::Invite, &Password::new(SECRET), chal)
            }
            _ => false,
        })
    }

    fn on_event(&mut self, now: Instant, event: &Event) {
        if let Event::ReInvite { id, sdp: Some(offer) } = event {
            let sdp = self.answer_to(offer);
            self.dialogs.accept(now, *id, Some(sdp)).unwrap();
        }
    }

    /// Moves the dialog layer's commands into the transaction layer and
    /// the transaction layer's events into the dialog layer and the call
    /// layer, until both are quiet. Returns whether anything moved.
    fn pump(&mut self, now: Instant) -> bool {
        let mut moved = false;
        loop {
            let mut quiet = true;
            while let Some(command) = self.dialogs.poll_command() {
                quiet = false;
                match command {
                    Command::Request { key, dest, reliable, request } => {
                        match self.tsx.send_request(now, dest, reliable, request) {
                            Ok(k) => assert_eq!(k, key, "the dialog layer predicts the key"),
                            Err(_) => self.dialogs.handle_failure(now, &key, Failure::Transport),
                        }
                    }
                    // A 2xx retransmission may outlive its transaction.
                    Command::Response { key, response } => drop(self.tsx.send_response(now, &key, response)),
                    Command::Ack { dest, reliable, request } => self.tsx.send_ack(dest, reliable, &request).unwrap(),
                    Command::Abandon { key } => self.tsx.abandon(&key),
                }
            }
            while let Some(event) = self.tsx.poll_event() {
                quiet = false;
                if let Some(left) = self.dialogs.handle_transaction_event(now, event) {
                    self.on_leftover(now, left);
                }
            }
            while let Some(event) = self.dialogs.poll_event() {
                quiet = false;
                self.on_event(now, &event);
                self.events.push(event);
            }
            if quiet {
                return moved;
            }
            moved = true;
        }
    }

    fn count(&self, pick: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|e| pick(e)).count()
    }

    fn terminated(&self) -> Vec<Reason> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Terminated { reason, .. } => Some(*reason),
                _ => None,
            })
            .collect()
    }

    fn sdp_direction(sdp: &Option<Vec<u8>>) -> Direction {
        let s = sdp::parse(sdp.as_deref().expect("a body")).expect("SDP");
        s.direction_of(s.audio().expect("audio"))
    }
}

struct Packet {
    at: Instant,
    seq: u64,
    to: Who,
    from: SocketAddr,
    bytes: Vec<u8>,
}

/// A datagram as it left its sender.
struct Wire {
    at: Instant,
    from: Who,
    line: String,
    dropped: bool,
    bytes: Vec<u8>,
}

struct Sim {
    clock: Clock,
    a: Side,
    b: Side,
    link: Vec<Packet>,
    delay: Duration,
    loss: Loss,
    /// Add Record-Route headers to the initial INVITE on its way, as two
    /// record-routing proxies between A and B would.
    record_route: bool,
    seq: u64,
    wire: Vec<Wire>,
}

impl Sim {
    fn new(loss: Loss) -> Sim {
        Sim {
            clock: Clock::new(),
            a: Side::new(Who::A, A_ADDR),
            b: Side::new(Who::B, B_ADDR),
            link: Vec::new(),
            delay: 30 * MS,
            loss,
            record_route: false,
            seq: 0,
            wire: Vec::new(),
        }
    }

    fn side(&mut self, who: Who) -> &mut Side {
        match who {
            Who::A => &mut self.a,
            Who::B => &mut self.b,
        }
    }

    /// Schedules `action` on `who` at `ms` after the start.
    fn at(&mut self, ms: u64, who: Who, action: Action) {
        let at = self.clock.at(ms);
        self.side(who).todo.push((at, action));
    }

    fn drain(&mut self) {
        let now = self.clock.now;
        loop {
            let mut moved = false;
            for who in [Who::A, Who::B] {
                moved |= self.side(who).pump(now);
                while let Some(t) = self.side(who).tsx.poll_transmit() {
                    moved = true;
                    let line = start_line(&t.bytes);
                    let dropped = self.loss.drops(&line);
                    self.wire.push(Wire { at: now, from: who, line, dropped, bytes: t.bytes.clone() });
                    if dropped {
                        continue;
                    }
                    let to = if t.dest == self.b.addr { Who::B } else { Who::A };
                    let from = self.side(who).addr;
                    self.seq += 1;
                    self.link.push(Packet { at: now + self.delay, seq: self.seq, to, from, bytes: t.bytes });
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Runs until nothing is left to happen or `limit` passes.
    fn run(&mut self, limit: Duration) {
        self.drain();
        let end = self.clock.start + limit;
        loop {
            let next = [
                self.a.tsx.poll_timeout(),
                self.b.tsx.poll_timeout(),
                self.a.dialogs.poll_timeout(),
                self.b.dialogs.poll_timeout(),
                self.link.iter().map(|p| p.at).min(),
                self.a.todo.iter().map(|t| t.0).min(),
                self.b.todo.iter().map(|t| t.0).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next.filter(|&at| at <= end) else { return };
            self.clock.now = self.clock.now.max(next);
            let now = self.clock.now;

            while let Some(i) = self
                .link
                .iter()
                .enumerate()
                .filter(|(_, p)| p.at <= now)
                .min_by_key(|(_, p)| (p.at, p.seq))
                .map(|(i, _)| i)
            {
                let p = self.link.swap_remove(i);
                let record_route = self.record_route;
                let side = self.side(p.to);
                match parse_any(&p.bytes) {
                    Message::Request(mut r) => {
                        if record_route && r.method == Method::Invite && r.headers.to.tag().is_none() {
                            // The proxy next to B records its route on top.
                            for rr in [P2, P1] {
                                r.headers.push(Header::RecordRoute(NameAddr::parse(rr).unwrap()));
                            }
                        }
                        side.tsx.handle_request(now, p.from, false, r).expect("room in the table");
                    }
                    Message::Response(r) => side.tsx.handle_response(now, p.from, r),
                }
                self.drain();
            }
            for who in [Who::A, Who::B] {
                let side = self.side(who);
                side.tsx.handle_timeout(now);
                side.dialogs.handle_timeout(now);
                let (due, later): (Vec<_>, Vec<_>) = side.todo.drain(..).partition(|t| t.0 <= now);
                side.todo = later;
                let peer = if who == Who::A { B_ADDR.parse().unwrap() } else { A_ADDR.parse().unwrap() };
                for (_, action) in due {
                    side.act(now, action, peer);
                }
            }
            self.drain();
        }
    }

    /// The start lines `who` sent (lost ones included).
    fn lines(&self, who: Who) -> Vec<&str> {
        self.wire.iter().filter(|w| w.from == who).map(|w| w.line.as_str()).collect()
    }

    /// Every copy of the requests `who` sent with this method.
    fn requests(&self, who: Who, method: &str) -> Vec<Request> {
        self.wire
            .iter()
            .filter(|w| w.from == who && w.line.starts_with(&format!("{method} ")))
            .map(|w| parse_request(std::str::from_utf8(&w.bytes).unwrap()))
            .collect()
    }

    /// The instants (ms) at which `who` sent datagrams starting with `prefix`.
    fn times(&self, who: Who, prefix: &str) -> Vec<u128> {
        self.wire
            .iter()
            .filter(|w| w.from == who && w.line.starts_with(prefix))
            .map(|w| (w.at - self.clock.start).as_millis())
            .collect()
    }

    /// Both sides have no dialog and no transaction left.
    fn assert_empty(&self) {
        assert!(self.a.dialogs.is_empty() && self.b.dialogs.is_empty(), "dialogs left");
        assert!(self.a.tsx.is_empty() && self.b.tsx.is_empty(), "transactions left");
        assert_eq!(self.a.dialogs.poll_timeout(), None);
        assert_eq!(self.b.dialogs.poll_timeout(), None);
    }

    /// Delivers a hand-made request to `to` at once, as if from the other side.
    fn inject(&mut self, to: Who, request: Request) {
        let from = if to == Who::B { self.a.addr } else { self.b.addr };
        let now = self.clock.now;
        self.side(to).tsx.handle_request(now, from, false, request).unwrap();
        self.drain();
    }
}

fn start_line(bytes: &[u8]) -> String {
    let line = bytes.split(|&b| b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(line).into_owned()
}

/// A sim where A calls B at once and B answers after 2 s.
fn call(loss: Loss) -> Sim {
    let mut sim = Sim::new(loss);
    sim.at(0, Who::A, Action::Call);
    sim
}

/// Like [`call`], with B challenging A's INVITE (407) as a carrier would,
/// and A holding the credentials for it.
fn challenged_call(loss: Loss) -> Sim {
    let mut sim = call(loss);
    let Ok(Challenge::Digest(chal)) = Challenge::parse(r#"Digest realm="sim", nonce="n-1", qop="auth""#) else {
        unreachable!()
    };
    sim.b.challenge = Some(chal);
    sim.a.credentials = Some(Credentials { username: "trunk".into(), password: Password::new(SECRET) });
    sim
}

fn routes(request: &Request) -> Vec<String> {
    request.headers.routes().map(ToString::to_string).collect()
}

#[test]
fn full_call() {
    let mut sim = call(Loss::Nothing);
    sim.at(62_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));
    assert_eq!(
        sim.lines(Who::A),
        [
            "INVITE sip:agent@10.0.0.2:5060 SIP/2.0",
            "ACK sip:b@10.0.0.2:5060 SIP/2.0",
            "BYE sip:b@10.0.0.2:5060 SIP/2.0"
        ]
    );
    assert_eq!(sim.lines(Who::B), ["SIP/2.0 180 Ringing", "SIP/2.0 200 OK", "SIP/2.0 200 OK"]);
    assert_eq!(sim.times(Who::A, "BYE"), [62_000]);

    let a = &sim.a.events;
    assert!(matches!(a[0], Event::Ringing { status: StatusCode::RINGING, sdp: None, .. }), "{a:?}");
    let Event::Answered { sdp, .. } = &a[1] else { panic!("{a:?}") };
    assert_eq!(Side::sdp_direction(sdp), Direction::SendRecv);
    assert_eq!(sim.a.terminated(), [Reason::LocalBye]);
    assert_eq!(sim.b.count(|e| matches!(e, Event::Confirmed { sdp: None, .. })), 1);
    assert_eq!(sim.b.terminated(), [Reason::RemoteBye]);
    // The BYE carries the next CSeq and both tags.
    let bye = &sim.requests(Who::A, "BYE")[0];
    assert_eq!(bye.headers.cseq.seq, 2);
    assert!(bye.headers.to.tag().unwrap().starts_with("b-tag"));
    assert!(sim.a.leftovers.is_empty() && sim.b.leftovers.is_empty(), "{:?}", sim.b.leftovers);
    sim.assert_empty();
}

#[test]
fn bye_from_the_callee() {
    let mut sim = call(Loss::Nothing);
    sim.at(10_000, Who::B, Action::Bye);
    sim.run(Duration::from_secs(200));
    assert_eq!(sim.lines(Who::B).last(), Some(&"BYE sip:a@10.0.0.1:5060 SIP/2.0"));
    let bye = &sim.requests(Who::B, "BYE")[0];
    // The UAS's first request of the dialog starts its own CSeq space.
    assert_eq!(bye.headers.cseq.seq, 1);
    assert!(bye.headers.from.tag().unwrap().starts_with("b-tag"));
    assert_eq!(sim.a.terminated(), [Reason::RemoteBye]);
    assert_eq!(sim.b.terminated(), [Reason::LocalBye]);
    sim.assert_empty();
}

#[test]
fn the_2xx_is_retransmitted_until_the_ack_arrives() {
    // The first two ACKs are lost: B sends its 200 three times, at T1 and
    // then 2*T1 apart, and A ACKs every copy.
    let mut sim = call(Loss::FirstCopies { prefix: "ACK", n: 2, seen: 0 });
    sim.at(10_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));
    let oks = sim.times(Who::B, "SIP/2.0 200");
    assert_eq!(oks[..3], [2_030, 2_530, 3_530]);
    assert_eq!(sim.times(Who::A, "ACK").len(), 3);
    assert_eq!(sim.a.count(|e| matches!(e, Event::Answered { .. })), 1);
    assert_eq!(sim.b.count(|e| matches!(e, Event::Confirmed { .. })), 1);
    assert_eq!(sim.b.terminated(), [Reason::RemoteBye]);
    sim.assert_empty();
}

#[test]
fn a_lost_ack_ends_the_call_with_bye_after_64_t1() {
    let mut sim = call(Loss::All("ACK"));
    sim.run(Duration::from_secs(200));
    // 200 at answer (2.03 s) and every 0.5, 1, 2, 4, 4 … s until 64*T1.
    let oks: Vec<u128> = sim.times(Who::B, "SIP/2.0 200 OK").into_iter().take(11).collect();
    let answered = 2_030;
    let expected: Vec<u128> = [0, 500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
        .iter()
        .map(|t| answered + t)
        .collect();
    assert_eq!(oks, expected);
    assert_eq!(sim.times(Who::B, "BYE"), [answered + 32_000]);
    assert_eq!(sim.b.count(|e| matches!(e, Event::Confirmed { .. })), 0);
    assert_eq!(sim.b.terminated(), [Reason::NoAck]);
    assert_eq!(sim.a.terminated(), [Reason::RemoteBye]);
    sim.assert_empty();
}

#[test]
fn cancel_of_an_early_call() {
    let mut sim = call(Loss::Nothing);
    sim.b.answer = (200, Duration::from_secs(30));
    sim.at(3_000, Who::A, Action::Cancel);
    sim.run(Duration::from_secs(200));
    assert_eq!(
        sim.lines(Who::A),
        [
            "INVITE sip:agent@10.0.0.2:5060 SIP/2.0",
            "CANCEL sip:agent@10.0.0.2:5060 SIP/2.0",
            "ACK sip:agent@10.0.0.2:5060 SIP/2.0"
        ]
    );
    assert_eq!(sim.lines(Who::B), ["SIP/2.0 180 Ringing", "SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated"]);
    assert_eq!(sim.a.terminated(), [Reason::Cancelled]);
    assert_eq!(sim.b.terminated(), [Reason::Cancelled]);
    // B's call layer had its answer scheduled; the dialog is gone by then.
    assert!(!sim.b.dialogs.contains(sim.b.id.unwrap()));
    sim.assert_empty();
}

#[test]
fn rejected_call() {
    let mut sim = call(Loss::FirstCopies { prefix: "SIP/2.0 486", n: 1, seen: 0 });
    sim.b.answer = (486, Duration::from_secs(1));
    sim.run(Duration::from_secs(200));
    let busy = StatusCode::new(486).unwrap();
    assert_eq!(sim.a.terminated(), [Reason::Rejected(busy)]);
    assert_eq!(sim.b.terminated(), [Reason::Rejected(busy)]);
    sim.assert_empty();
}

#[test]
fn hold_and_resume_by_reinvite() {
    let mut sim = call(Loss::Nothing);
    sim.at(10_000, Who::A, Action::Hold);
    sim.at(20_000, Who::A, Action::Resume);
    sim.at(30_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));

    let offers: Vec<Direction> = sim
        .b
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ReInvite { sdp, .. } => Some(Side::sdp_direction(sdp)),
            _ => None,
        })
        .collect();
    assert_eq!(offers, [Direction::SendOnly, Direction::SendRecv]);
    let answers: Vec<Direction> = sim
        .a
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ReInviteAnswered { sdp, .. } => Some(Side::sdp_direction(sdp)),
            _ => None,
        })
        .collect();
    assert_eq!(answers, [Direction::RecvOnly, Direction::SendRecv]);
    // Each re-INVITE's 2xx was ACKed: B saw three ACKs in all.
    assert_eq!(sim.b.count(|e| matches!(e, Event::Confirmed { .. })), 3);
    let seqs: Vec<(String, u32)> = sim
        .requests(Who::A, "INVITE")
        .iter()
        .chain(&sim.requests(Who::A, "BYE"))
        .map(|r| (r.method.to_string(), r.headers.cseq.seq))
        .collect();
    assert_eq!(seqs, [("INVITE".into(), 1), ("INVITE".into(), 2), ("INVITE".into(), 3), ("BYE".into(), 4)]);
    assert_eq!(sim.a.terminated(), [Reason::LocalBye]);
    sim.assert_empty();
}

#[test]
fn reinvite_glare_is_resolved_by_491_and_retry() {
    let mut sim = call(Loss::Nothing);
    // Both put the other on hold at the same instant: each re-INVITE meets
    // the other's and both are refused 491.
    sim.at(10_000, Who::A, Action::Hold);
    sim.at(10_000, Who::B, Action::Hold);
    sim.at(30_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));

    assert_eq!(sim.times(Who::A, "SIP/2.0 491"), [10_030]);
    assert_eq!(sim.times(Who::B, "SIP/2.0 491"), [10_030]);
    // B did not make the Call-ID: it retries within 2 s; A, which did,
    // waits 2.1 to 4 s, so the retries do not meet again.
    let a_invites = sim.times(Who::A, "INVITE");
    let b_invites = sim.times(Who::B, "INVITE");
    assert_eq!((a_invites.len(), b_invites.len()), (3, 2), "{a_invites:?} {b_invites:?}");
    assert!((10_060..=12_060).contains(&b_invites[1]), "{b_invites:?}");
    assert!((12_160..=14_060).contains(&a_invites[2]), "{a_invites:?}");
    assert_eq!(sim.a.count(|e| matches!(e, Event::ReInviteAnswered { .. })), 1);
    assert_eq!(sim.b.count(|e| matches!(e, Event::ReInviteAnswered { .. })), 1);
    assert_eq!(sim.a.count(|e| matches!(e, Event::ReInviteRejected { .. })), 0);
    assert_eq!(sim.a.count(|e| matches!(e, Event::ReInvite { .. })), 1);
    assert_eq!(sim.a.terminated(), [Reason::LocalBye]);
    sim.assert_empty();
}

#[test]
fn stray_in_dialog_request_gets_481() {
    let mut sim = call(Loss::Nothing);
    sim.at(10_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));
    sim.assert_empty();
    // The call is over; a late request on its dialog finds nothing.
    let mut info = sim.requests(Who::A, "BYE").remove(0);
    info.method = Method::Info;
    info.headers.cseq = crate::sip::CSeq::new(5, Method::Info);
    info.headers.via[0].branch = Some("z9hG4bK-late-info".into());
    sim.inject(Who::B, info);
    assert_eq!(sim.lines(Who::B).last(), Some(&"SIP/2.0 481 Call/Transaction Does Not Exist"));
}

#[test]
fn out_of_order_cseq_gets_500() {
    let mut sim = call(Loss::Nothing);
    sim.at(10_000, Who::A, Action::Hold);
    sim.run(Duration::from_secs(20));
    // B has seen CSeq 2 (the hold); an INFO with CSeq 1 is out of order.
    let mut info = sim.requests(Who::A, "INVITE").remove(1);
    info.method = Method::Info;
    info.body.clear();
    info.headers.content_type = None;
    info.headers.other.retain(|h| matches!(h, Header::Route(_)));
    info.headers.cseq = crate::sip::CSeq::new(1, Method::Info);
    info.headers.via[0].branch = Some("z9hG4bK-old-info".into());
    sim.inject(Who::B, info.clone());
    assert_eq!(sim.lines(Who::B).last(), Some(&"SIP/2.0 500 Server Internal Error"));
    // With the next number it is taken and answered.
    info.headers.cseq = crate::sip::CSeq::new(3, Method::Info);
    info.headers.via[0].branch = Some("z9hG4bK-new-info".into());
    sim.inject(Who::B, info);
    assert_eq!(sim.lines(Who::B).last(), Some(&"SIP/2.0 200 OK"));
    assert_eq!(sim.b.count(|e| matches!(e, Event::Info { .. })), 1);
}

#[test]
fn record_route_is_honoured_both_ways() {
    let mut sim = call(Loss::Nothing);
    sim.record_route = true;
    sim.at(10_000, Who::A, Action::Hold);
    sim.at(20_000, Who::B, Action::Hold);
    sim.at(30_000, Who::B, Action::Bye);
    sim.run(Duration::from_secs(200));

    // A, the UAC, routes through the Record-Route of the 200 reversed
    // (nearest proxy first); B, the UAS, in the order of the INVITE's.
    let from_a: Vec<Request> = ["ACK", "INVITE"].iter().flat_map(|m| sim.requests(Who::A, m)).collect();
    assert_eq!(from_a.len(), 4, "the first INVITE, its ACK, the hold and its ACK");
    for r in from_a.iter().filter(|r| r.headers.to.tag().is_some()) {
        assert_eq!(routes(r), [P1, P2], "{}", r.method);
        assert_eq!(r.uri.to_string(), "sip:b@10.0.0.2:5060");
    }
    let from_b: Vec<Request> = ["ACK", "INVITE", "BYE"].iter().flat_map(|m| sim.requests(Who::B, m)).collect();
    assert_eq!(from_b.len(), 3);
    for r in &from_b {
        assert_eq!(routes(r), [P2, P1], "{}", r.method);
        assert_eq!(r.uri.to_string(), "sip:a@10.0.0.1:5060");
    }
    // The 200s that set the dialog up carried the Record-Route back.
    let ok = sim.wire.iter().find(|w| w.from == Who::B && w.line == "SIP/2.0 200 OK").unwrap();
    let Message::Response(ok) = parse_any(&ok.bytes) else { panic!() };
    assert_eq!(ok.headers.record_routes().map(ToString::to_string).collect::<Vec<_>>(), [P2, P1]);
    assert_eq!(sim.a.terminated(), [Reason::RemoteBye]);
    sim.assert_empty();
}

#[test]
fn calls_with_hold_survive_random_loss() {
    let mut lost = 0;
    for seed in 1..=100u64 {
        // Far enough apart that each exchange is over before the next
        // starts, whatever was lost: the 2xx of the INVITE may take until
        // 64*T1 after the answer to get through.
        let mut sim = call(Loss::seeded(seed, 20));
        sim.at(40_000, Who::A, Action::Hold);
        sim.at(80_000, Who::A, Action::Resume);
        sim.at(120_000, Who::A, Action::Bye);
        sim.run(Duration::from_secs(400));
        assert_eq!(sim.a.count(|e| matches!(e, Event::Answered { .. })), 1, "seed {seed}: {:?}", sim.a.events);
        assert_eq!(sim.a.count(|e| matches!(e, Event::ReInviteAnswered { .. })), 2, "seed {seed}: {:?}", sim.a.events);
        assert_eq!(sim.a.terminated(), [Reason::LocalBye], "seed {seed}");
        assert_eq!(sim.b.terminated(), [Reason::RemoteBye], "seed {seed}: {:?}", sim.b.events);
        sim.assert_empty();
        lost += sim.wire.iter().filter(|w| w.dropped).count();
    }
    assert!(lost > 200, "the link lost {lost} datagrams");
}

#[test]
fn a_challenged_call_is_answered_and_goes_on() {
    let mut sim = challenged_call(Loss::Nothing);
    sim.at(10_000, Who::A, Action::Bye);
    sim.run(Duration::from_secs(200));
    assert_eq!(
        sim.lines(Who::A),
        [
            "INVITE sip:agent@10.0.0.2:5060 SIP/2.0",
            "ACK sip:agent@10.0.0.2:5060 SIP/2.0",
            "INVITE sip:agent@10.0.0.2:5060 SIP/2.0",
            "ACK sip:b@10.0.0.2:5060 SIP/2.0",
            "BYE sip:b@10.0.0.2:5060 SIP/2.0"
        ]
    );
    assert_eq!(
        sim.lines(Who::B),
        ["SIP/2.0 407 Proxy Authentication Required", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK", "SIP/2.0 200 OK"]
    );
    assert_eq!(sim.b.challenged, 1);
    let invites = sim.requests(Who::A, "INVITE");
    assert_eq!(invites.iter().map(|r| r.headers.cseq.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(invites[0].headers.call_id, invites[1].headers.call_id);
    assert_eq!(invites[0].headers.from, invites[1].headers.from);
    assert_eq!(sim.requests(Who::A, "BYE")[0].headers.cseq.seq, 3);
    // One leg, one id, from ringing to the end.
    let id = sim.a.id.unwrap();
    let ids: Vec<DialogId> = sim
        .a
        .events
        .iter()
        .map(|e| match e {
            Event::Ringing { id, .. } | Event::Answered { id, .. } | Event::Terminated { id, .. } => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [id; 3], "{:?}", sim.a.events);
    assert!(matches!(sim.a.events[..2], [Event::Ringing { .. }, Event::Answered { .. }]));
    assert_eq!(sim.a.terminated(), [Reason::LocalBye]);
    assert_eq!(sim.b.terminated(), [Reason::RemoteBye]);
    sim.assert_empty();

    // With the wrong password the carrier challenges the answer too, and
    // the call ends there.
    let mut sim = challenged_call(Loss::Nothing);
    sim.a.credentials.as_mut().unwrap().password = Password::new("wrong");
    sim.run(Duration::from_secs(200));
    assert_eq!(sim.b.challenged, 2);
    assert_eq!(sim.a.terminated(), [Reason::Rejected(StatusCode::new(407).unwrap())]);
    assert!(sim.b.events.is_empty());
    sim.assert_empty();
}

#[test]
fn a_challenged_call_survives_random_loss() {
    let mut lost = 0;
    for seed in 1..=60u64 {
        let mut sim = challenged_call(Loss::seeded(seed, 20));
        sim.at(40_000, Who::A, Action::Bye);
        sim.run(Duration::from_secs(400));
        assert!(sim.b.challenged >= 1, "seed {seed}");
        assert_eq!(sim.a.count(|e| matches!(e, Event::Answered { .. })), 1, "seed {seed}: {:?}", sim.a.events);
        assert_eq!(sim.a.terminated(), [Reason::LocalBye], "seed {seed}");
        assert_eq!(sim.b.terminated(), [Reason::RemoteBye], "seed {seed}: {:?}", sim.b.events);
        sim.assert_empty();
        lost += sim.wire.iter().filter(|w| w.dropped).count();
    }
    assert!(lost > 100, "the link lost {lost} datagrams");
}

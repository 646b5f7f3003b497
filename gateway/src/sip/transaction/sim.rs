//! Deterministic simulation: two [`Transactions`] wired back to back over a
//! link that delays and drops datagrams, on a virtual clock that always jumps
//! to the next timer or arrival. Each side has a small scripted TU; the tests
//! check that calls complete through loss and that both tables drain.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::fixtures::{Clock, MS, parse_any, parse_request};
use super::{Config, Event, Key, Timer, Transactions};
use crate::sip::{CSeq, Message, Method, Request, Response, StatusCode};

const A_ADDR: &str = "10.0.0.1:5060";
const B_ADDR: &str = "10.0.0.2:5060";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// Which datagrams the link loses.
enum Loss {
    Nothing,
    /// The first `n` copies of every distinct start line ("INVITE …",
    /// "SIP/2.0 180 …"): each message gets through only on its `n+1`-th
    /// try, which exercises every retransmission path once.
    FirstCopies(usize, Vec<(String, usize)>),
    /// Each datagram is lost with this probability (percent), drawn from a
    /// xorshift generator with a fixed seed.
    Seeded {
        state: u64,
        percent: u64,
    },
}

impl Loss {
    fn drops(&mut self, bytes: &[u8]) -> bool {
        match self {
            Loss::Nothing => false,
            Loss::FirstCopies(n, seen) => {
                let line = bytes.split(|&b| b == b'\r').next().unwrap_or_default();
                let line = String::from_utf8_lossy(line).into_owned();
                match seen.iter_mut().find(|(l, _)| *l == line) {
                    Some((_, count)) => {
                        *count += 1;
                        *count <= *n
                    }
                    None => {
                        seen.push((line, 1));
                        *n >= 1
                    }
                }
            }
            Loss::Seeded { state, percent } => {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                *state % 100 < *percent
            }
        }
    }
}

struct Packet {
    at: Instant,
    seq: u64,
    to: Side,
    from: SocketAddr,
    bytes: Vec<u8>,
}

/// A transaction user scripted for one test. It sees its core's events and
/// may act on its core at once or at a deadline it reports.
trait Tu {
    fn on_event(&mut self, now: Instant, core: &mut Transactions, event: Event);
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn handle_timeout(&mut self, _now: Instant, _core: &mut Transactions) {}
}

struct Sim {
    clock: Clock,
    a: Transactions,
    b: Transactions,
    link: Vec<Packet>,
    delay: Duration,
    loss: Loss,
    seq: u64,
    sent: usize,
    dropped: usize,
    /// Every event, with the side that saw it, for the assertions.
    events: Vec<(Side, Event)>,
}

impl Sim {
    fn new(loss: Loss) -> Sim {
        Sim {
            clock: Clock::new(),
            a: Transactions::new(Config::default()),
            b: Transactions::new(Config::default()),
            link: Vec::new(),
            delay: 30 * MS,
            loss,
            seq: 0,
            sent: 0,
            dropped: 0,
            events: Vec::new(),
        }
    }

    fn core(&mut self, side: Side) -> &mut Transactions {
        match side {
            Side::A => &mut self.a,
            Side::B => &mut self.b,
        }
    }

    /// Moves every transmit onto the link and every event to its TU, until
    /// neither side has output left (a TU's answer is output again).
    fn drain(&mut self, tu_a: &mut impl Tu, tu_b: &mut impl Tu) {
        loop {
            let mut quiet = true;
            for side in [Side::A, Side::B] {
                while let Some(t) = self.core(side).poll_transmit() {
                    quiet = false;
                    self.sent += 1;
                    if self.loss.drops(&t.bytes) {
                        self.dropped += 1;
                        continue;
                    }
                    let to = if t.dest == B_ADDR.parse().unwrap() { Side::B } else { Side::A };
                    let from = (if side == Side::A { A_ADDR } else { B_ADDR }).parse().unwrap();
                    self.seq += 1;
                    self.link.push(Packet { at: self.clock.now + self.delay, seq: self.seq, to, from, bytes: t.bytes });
                }
                while let Some(e) = self.core(side).poll_event() {
                    quiet = false;
                    self.events.push((side, e.clone()));
                    let now = self.clock.now;
                    match side {
                        Side::A => tu_a.on_event(now, &mut self.a, e),
                        Side::B => tu_b.on_event(now, &mut self.b, e),
                    }
                }
            }
            if quiet {
                return;
            }
        }
    }

    /// Runs until nothing is left to happen or `limit` passes: the clock
    /// jumps to the earliest timer, arrival or TU deadline each time.
    fn run(&mut self, tu_a: &mut impl Tu, tu_b: &mut impl Tu, limit: Duration) {
        self.drain(tu_a, tu_b);
        let end = self.clock.start + limit;
        loop {
            let next = [
                self.a.poll_timeout(),
                self.b.poll_timeout(),
                self.link.iter().map(|p| p.at).min(),
                tu_a.poll_timeout(),
                tu_b.poll_timeout(),
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
                let core = self.core(p.to);
                match parse_any(&p.bytes) {
                    Message::Request(r) => core.handle_request(now, p.from, false, r).expect("room in the table"),
                    Message::Response(r) => core.handle_response(now, p.from, r),
                }
                self.drain(tu_a, tu_b);
            }
            self.a.handle_timeout(now);
            self.b.handle_timeout(now);
            if tu_a.poll_timeout().is_some_and(|at| at <= now) {
                tu_a.handle_timeout(now, &mut self.a);
            }
            if tu_b.poll_timeout().is_some_and(|at| at <= now) {
                tu_b.handle_timeout(now, &mut self.b);
            }
            self.drain(tu_a, tu_b);
        }
    }

    fn count(&self, side: Side, pick: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|(s, e)| *s == side && pick(e)).count()
    }
}

fn b_addr() -> SocketAddr {
    B_ADDR.parse().unwrap()
}

fn invite(branch: &str) -> Request {
    parse_request(&format!(
        "INVITE sip:agent@10.0.0.2 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5060;branch={branch}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:caller@10.0.0.1>;tag=caller-tag\r\n\
         To: <sip:agent@10.0.0.2>\r\n\
         Call-ID: sim-call@10.0.0.1\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:caller@10.0.0.1>\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

/// The caller: ACKs every 2xx it is handed (each retransmission of the 2xx
/// means the ACK was lost), and can CANCEL after a while.
struct Caller {
    invite: Request,
    key: Option<Key>,
    finals: Vec<u16>,
    cancel_at: Option<Instant>,
}

impl Caller {
    fn new() -> Caller {
        Caller { invite: invite("z9hG4bK-sim-inv"), key: None, finals: Vec::new(), cancel_at: None }
    }

    fn call(&mut self, now: Instant, core: &mut Transactions) {
        self.key = Some(core.send_request(now, b_addr(), false, self.invite.clone()).unwrap());
    }

    /// The ACK of a 2xx (§13.2.2.4): a new branch, the 2xx's To tag.
    fn ack_for(&self, ok: &Response) -> Request {
        let mut ack = self.invite.clone();
        ack.method = Method::Ack;
        ack.headers.via[0].branch = Some("z9hG4bK-sim-ack".into());
        ack.headers.to = ok.headers.to.clone();
        ack.headers.cseq = CSeq::new(self.invite.headers.cseq.seq, Method::Ack);
        ack
    }
}

impl Tu for Caller {
    fn on_event(&mut self, _now: Instant, core: &mut Transactions, event: Event) {
        if let Event::Response { key, response } = event
            && key.method() == &Method::Invite
            && !response.status.is_provisional()
        {
            self.finals.push(response.status.code());
            if response.status.code() < 300 {
                core.send_ack(b_addr(), false, &self.ack_for(&response)).unwrap();
            }
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.cancel_at
    }

    fn handle_timeout(&mut self, now: Instant, core: &mut Transactions) {
        self.cancel_at = None;
        let mut cancel = self.invite.clone();
        cancel.method = Method::Cancel;
        cancel.headers.cseq = CSeq::new(self.invite.headers.cseq.seq, Method::Cancel);
        cancel.headers.other.clear();
        core.send_request(now, b_addr(), false, cancel).unwrap();
    }
}

/// The callee: rings at once, answers with `answer` after `after`, and
/// retransmits a 2xx until the ACK (§13.3.1.4: T1 doubling up to T2, for at
/// most 64*T1), which in the full stack is the dialog layer's job.
struct Callee {
    answer: u16,
    after: Duration,
    invite: Option<(Key, Request)>,
    answer_at: Option<Instant>,
    ok: Option<Response>,
    resend_at: Option<Instant>,
    interval: Duration,
    give_up_at: Option<Instant>,
    acks: usize,
    cancels: usize,
}

impl Callee {
    fn new(answer: u16, after: Duration) -> Callee {
        Callee {
            answer,
            after,
            invite: None,
            answer_at: None,
            ok: None,
            resend_at: None,
            interval: 500 * MS,
            give_up_at: None,
            acks: 0,
            cancels: 0,
        }
    }
}

impl Tu for Callee {
    fn on_event(&mut self, now: Instant, core: &mut Transactions, event: Event) {
        match event {
            Event::Request { key, request, .. } if request.method == Method::Invite => {
                core.send_response(now, &key, Response::for_request(&request, StatusCode::RINGING, "callee-tag"))
                    .unwrap();
                self.invite = Some((key, request));
                self.answer_at = Some(now + self.after);
            }
            Event::Cancel { key, invite_key, request, .. } => {
                self.cancels += 1;
                core.send_response(now, &key, Response::for_request(&request, StatusCode::OK, "callee-tag")).unwrap();
                if let (Some(ik), Some((_, invite))) = (invite_key, &self.invite) {
                    let terminated = Response::for_request(invite, StatusCode::new(487).unwrap(), "callee-tag");
                    // Fails harmlessly if the call was answered first.
                    let _ = core.send_response(now, &ik, terminated);
                    self.answer_at = None;
                }
            }
            Event::Ack { .. } => {
                self.acks += 1;
                self.resend_at = None;
            }
            _ => {}
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        [self.answer_at, self.resend_at].into_iter().flatten().min()
    }

    fn handle_timeout(&mut self, now: Instant, core: &mut Transactions) {
        let Some((key, invite)) = &self.invite else { return };
        if self.answer_at.is_some_and(|at| at <= now) {
            self.answer_at = None;
            let resp = Response::for_request(invite, StatusCode::new(self.answer).unwrap(), "callee-tag");
            core.send_response(now, key, resp.clone()).unwrap();
            if self.answer < 300 {
                self.ok = Some(resp);
                self.resend_at = Some(now + self.interval);
                self.give_up_at = Some(now + 64 * 500 * MS);
            }
        }
        if self.resend_at.is_some_and(|at| at <= now) {
            self.interval = (self.interval * 2).min(Duration::from_secs(4));
            let next = now + self.interval;
            self.resend_at = self.give_up_at.filter(|&end| next < end).map(|_| next);
            let ok = self.ok.clone().expect("a 2xx to resend");
            // The INVITE transaction may already be gone after Timer L.
            let _ = core.send_response(now, key, ok);
        }
    }
}

fn no_timeouts(sim: &Sim) {
    let timeouts: Vec<_> = sim.events.iter().filter(|(_, e)| matches!(e, Event::Timeout { .. })).collect();
    assert!(timeouts.is_empty(), "{timeouts:?}");
}

fn call(loss: Loss, answer: u16) -> (Sim, Caller, Callee) {
    let mut sim = Sim::new(loss);
    let (mut caller, mut callee) = (Caller::new(), Callee::new(answer, 2_000 * MS));
    caller.call(sim.clock.now, &mut sim.a);
    sim.run(&mut caller, &mut callee, Duration::from_secs(120));
    (sim, caller, callee)
}

#[test]
fn call_completes_on_a_clean_link() {
    let (sim, caller, callee) = call(Loss::Nothing, 200);
    assert_eq!(caller.finals, [200]);
    assert_eq!(callee.acks, 1);
    assert_eq!(sim.dropped, 0);
    // INVITE, 180, 200, ACK; the 100 Trying is not needed as the callee
    // rings at once.
    assert_eq!(sim.sent, 4);
    assert_eq!(sim.count(Side::A, |e| matches!(e, Event::Response { .. })), 2);
    no_timeouts(&sim);
    assert!(sim.a.is_empty() && sim.b.is_empty(), "Timer M and Timer L ended both sides");
}

#[test]
fn call_completes_when_every_message_is_lost_twice() {
    let (sim, caller, callee) = call(Loss::FirstCopies(2, Vec::new()), 200);
    // The 2xx reaches the caller on its third try and every ACK on its
    // third; the caller sees each 2xx that got through and ACKs it.
    assert_eq!(caller.finals, [200, 200, 200]);
    assert_eq!(callee.acks, 1);
    assert!(sim.dropped >= 8, "{}", sim.dropped);
    no_timeouts(&sim);
    assert!(sim.a.is_empty() && sim.b.is_empty());
}

#[test]
fn call_completes_through_random_loss() {
    for seed in 1..=200u64 {
        let loss = Loss::Seeded { state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, percent: 25 };
        let (sim, caller, callee) = call(loss, 200);
        assert!(caller.finals.first() == Some(&200), "seed {seed}: {:?}", caller.finals);
        assert!(callee.acks >= 1, "seed {seed}: never acknowledged");
        no_timeouts(&sim);
        assert!(sim.a.is_empty() && sim.b.is_empty(), "seed {seed}: transactions left");
    }
}

#[test]
fn rejected_call_is_acknowledged_by_the_transaction() {
    let (sim, caller, callee) = call(Loss::FirstCopies(2, Vec::new()), 486);
    // The TU sees the 486 once although it arrived three times, and the
    // callee's TU never sees the ACK: the transactions keep it.
    assert_eq!(caller.finals, [486]);
    assert_eq!(callee.acks, 0);
    no_timeouts(&sim);
    let acks_sent = sim.events.iter().filter(|(s, e)| *s == Side::B && matches!(e, Event::Ack { .. })).count();
    assert_eq!(acks_sent, 0);
    assert!(sim.a.is_empty() && sim.b.is_empty(), "D and I ended both sides");
}

#[test]
fn cancelled_call() {
    let mut sim = Sim::new(Loss::FirstCopies(1, Vec::new()));
    let mut caller = Caller::new();
    let mut callee = Callee::new(200, Duration::from_secs(30));
    caller.call(sim.clock.now, &mut sim.a);
    caller.cancel_at = Some(sim.clock.at(3_000));
    sim.run(&mut caller, &mut callee, Duration::from_secs(120));
    assert_eq!(caller.finals, [487]);
    assert_eq!(callee.cancels, 1, "the CANCEL's retransmission was absorbed");
    assert_eq!(
        sim.count(Side::A, |e| matches!(e, Event::Response { key, response } if key.method() == &Method::Cancel && response.status == StatusCode::OK)),
        1
    );
    no_timeouts(&sim);
    assert!(sim.a.is_empty() && sim.b.is_empty());
}

#[test]
fn unanswered_invite_times_out_with_timer_b() {
    // Everything is lost: the caller's INVITE goes out seven times and B
    // ends it at 64*T1.
    let mut sim = Sim::new(Loss::Seeded { state: 1, percent: 100 });
    let (mut caller, mut callee) = (Caller::new(), Callee::new(200, Duration::ZERO));
    caller.call(sim.clock.now, &mut sim.a);
    sim.run(&mut caller, &mut callee, Duration::from_secs(120));
    assert_eq!(sim.sent, 7);
    assert_eq!(sim.count(Side::A, |e| matches!(e, Event::Timeout { timer: Timer::B, .. })), 1);
    assert_eq!(sim.clock.ms(), 32_000);
    assert!(sim.a.is_empty());
}

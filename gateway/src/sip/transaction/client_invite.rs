//! The INVITE client transaction (RFC 3261 §17.1.1, figure 5, as RFC 6026
//! corrects it with the Accepted state and Timer M), and the ACK it builds
//! for non-2xx final responses (§17.1.1.3).
//!
//! ```text
//!            send INVITE; A = T1 (UDP), B = 64*T1
//!   Calling ──1xx──▶ Proceeding ──300-699──▶ Completed ──D──▶ Terminated
//!     │ A: resend, A *= 2       │ 1xx: to TU     send ACK      ▲
//!     │ B: timeout              │                300-699: ACK  │
//!     └──2xx──────────────────▶ Accepted ──M─────────────────────┘
//!                               2xx: to TU (retransmissions, forks)
//! ```

use std::time::{Duration, Instant};

use super::Action;
use super::timer::{Timer, TimerConfig, TimerTable};
use crate::sip::{CSeq, Header, Headers, Method, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Calling,
    Proceeding,
    Completed,
    Accepted,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ClientInvite {
    state: State,
    reliable: bool,
    config: TimerConfig,
    /// The INVITE, kept because the ACK for a non-2xx final is built from it.
    request: Request,
    /// The INVITE as sent, so that retransmissions are the same octets.
    bytes: Vec<u8>,
    /// The ACK sent for the non-2xx final, sent again for its retransmissions.
    ack: Option<Vec<u8>>,
    /// The next interval of Timer A.
    interval: Duration,
    timers: TimerTable,
}

impl ClientInvite {
    /// Enters Calling: sends the INVITE and arms A (UDP only) and B.
    pub(crate) fn start(
        now: Instant,
        config: TimerConfig,
        reliable: bool,
        request: Request,
        out: &mut Vec<Action>,
    ) -> ClientInvite {
        let bytes = request.to_bytes();
        out.push(Action::Send(bytes.clone()));
        let mut timers = TimerTable::default();
        if !reliable {
            timers.set(Timer::A, now, config.first_interval());
        }
        timers.set(Timer::B, now, config.timeout());
        ClientInvite {
            state: State::Calling,
            reliable,
            config,
            request,
            bytes,
            ack: None,
            interval: config.first_interval(),
            timers,
        }
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    pub(crate) fn handle_response(&mut self, now: Instant, response: Response, out: &mut Vec<Action>) {
        let code = response.status.code();
        match (self.state, code) {
            (State::Calling | State::Proceeding, 100..=199) => {
                // The peer has the request: retransmitting would only add
                // load, and from here on the TU decides how long to wait.
                self.state = State::Proceeding;
                self.timers.stop_all();
                out.push(Action::Response(response));
            }
            (State::Calling | State::Proceeding, 200..=299) => {
                // RFC 6026: stay to pass on retransmitted and forked 2xx, which
                // RFC 3261 would have handed to the core as strays.
                self.state = State::Accepted;
                self.timers.stop_all();
                self.timers.set(Timer::M, now, self.config.timeout());
                out.push(Action::Response(response));
            }
            (State::Calling | State::Proceeding, _) => {
                let ack = build_ack(&self.request, &response).to_bytes();
                out.push(Action::Send(ack.clone()));
                self.ack = Some(ack);
                out.push(Action::Response(response));
                self.timers.stop_all();
                self.state = State::Completed;
                self.arm_or_terminate(now, Timer::D, self.config.d(self.reliable));
            }
            (State::Completed, 300..) => {
                // A retransmission: our ACK was lost. Answer it, tell no one.
                if let Some(ack) = &self.ack {
                    out.push(Action::Send(ack.clone()));
                }
            }
            (State::Accepted, 200..=299) => out.push(Action::Response(response)),
            // Provisionals after a final, a non-2xx after a 2xx (another
            // fork giving up) and anything after the end are absorbed.
            _ => {}
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant, out: &mut Vec<Action>) {
        while let Some(timer) = self.timers.take_expired(now) {
            self.fire(now, timer, out);
        }
    }

    fn fire(&mut self, now: Instant, timer: Timer, out: &mut Vec<Action>) {
        match (self.state, timer) {
            (State::Calling, Timer::A) => {
                out.push(Action::Send(self.bytes.clone()));
                // RFC 3261 doubles A without the T2 cap of E and G: INVITE
                // retransmissions thin out until B ends them.
                self.interval = self.interval.saturating_mul(2);
                self.timers.set(Timer::A, now, self.interval);
            }
            (State::Calling, Timer::B) => {
                out.push(Action::Timeout(Timer::B));
                self.terminate();
            }
            (State::Completed, Timer::D) | (State::Accepted, Timer::M) => self.terminate(),
            // Timers are stopped on every state change, so nothing else can
            // fire; ignoring a stray one is the safe reading.
            _ => {}
        }
    }

    fn arm_or_terminate(&mut self, now: Instant, timer: Timer, after: Duration) {
        if after.is_zero() { self.terminate() } else { self.timers.set(timer, now, after) }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        self.timers.stop_all();
    }
}

/// The ACK for a non-2xx final response (§17.1.1.3): Request-URI, Call-ID,
/// From and the top Via (so the same branch) of the INVITE, the To of the
/// response (which carries the UAS's tag), the INVITE's CSeq number with
/// method ACK, and the INVITE's Route headers. It has no body.
pub(crate) fn build_ack(invite: &Request, response: &Response) -> Request {
    let h = &invite.headers;
    Request {
        method: Method::Ack,
        uri: invite.uri.clone(),
        headers: Headers {
            via: h.via.first().cloned().into_iter().collect(),
            from: h.from.clone(),
            to: response.headers.to.clone(),
            call_id: h.call_id.clone(),
            cseq: CSeq::new(h.cseq.seq, Method::Ack),
            max_forwards: h.max_forwards,
            content_type: None,
            other: h.other.iter().filter(|x| matches!(x, Header::Route(_))).cloned().collect(),
        },
        body: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::transaction::fixtures::{Clock, parse_any, request, response};
    use crate::sip::{Message, Via};

    struct Run {
        clock: Clock,
        tsx: ClientInvite,
        out: Vec<Action>,
    }

    impl Run {
        fn new(reliable: bool) -> Run {
            let clock = Clock::new();
            let mut out = Vec::new();
            let tsx = ClientInvite::start(
                clock.now,
                TimerConfig::default(),
                reliable,
                request("INVITE", "z9hG4bKa", ""),
                &mut out,
            );
            Run { clock, tsx, out }
        }

        /// Jumps to each deadline until the transaction ends or `until_ms`
        /// passes, and returns the times (ms from start) of every send.
        fn sends_until(&mut self, until_ms: u64) -> Vec<u128> {
            let mut times = Vec::new();
            while let Some(at) = self.tsx.poll_timeout().filter(|&at| at <= self.clock.at(until_ms)) {
                self.clock.now = at;
                self.tsx.handle_timeout(at, &mut self.out);
                for a in self.out.drain(..) {
                    if matches!(a, Action::Send(_)) {
                        times.push(self.clock.ms());
                    }
                }
            }
            times
        }

        fn respond(&mut self, code: u16) -> Vec<Action> {
            let resp = response(&self.tsx.request, code);
            self.tsx.handle_response(self.clock.now, resp, &mut self.out);
            self.out.drain(..).collect()
        }
    }

    #[test]
    fn timer_a_doubles_until_timer_b() {
        let mut run = Run::new(false);
        assert!(matches!(run.out.drain(..).collect::<Vec<_>>()[..], [Action::Send(_)]));
        assert_eq!(run.tsx.timers.deadline(Timer::B), Some(run.clock.at(32_000)));
        // Retransmissions 500, 1000, 2000, 4000, 8000, 16000 ms apart.
        assert_eq!(run.sends_until(40_000), [500, 1_500, 3_500, 7_500, 15_500, 31_500]);
        assert_eq!(run.clock.ms(), 32_000);
        assert_eq!(run.tsx.state(), State::Terminated);
        assert_eq!(run.tsx.poll_timeout(), None);
    }

    #[test]
    fn timer_b_reports_the_timeout() {
        let mut run = Run::new(false);
        run.out.clear();
        run.clock.now = run.clock.at(32_000);
        run.tsx.handle_timeout(run.clock.now, &mut run.out);
        assert!(run.out.contains(&Action::Timeout(Timer::B)));
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn no_retransmissions_on_reliable_transports() {
        let mut run = Run::new(true);
        run.out.clear();
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)), "only B");
        assert_eq!(run.sends_until(40_000), Vec::<u128>::new());
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn provisional_stops_retransmissions() {
        let mut run = Run::new(false);
        run.out.clear();
        run.clock.now = run.clock.at(100);
        assert!(matches!(run.respond(180)[..], [Action::Response(_)]));
        assert_eq!(run.tsx.state(), State::Proceeding);
        assert_eq!(run.tsx.poll_timeout(), None, "the TU decides how long to ring");
        assert!(matches!(run.respond(183)[..], [Action::Response(_)]));
    }

    #[test]
    fn ack_for_a_non_2xx_final() {
        let mut run = Run::new(false);
        run.out.clear();
        run.respond(180);
        let actions = run.respond(486);
        let [Action::Send(ack), Action::Response(resp)] = &actions[..] else { panic!("{actions:?}") };
        assert_eq!(resp.status.code(), 486);
        let Message::Request(ack) = parse_any(ack) else { panic!("not a request") };
        let invite = &run.tsx.request;
        assert_eq!(ack.method, Method::Ack);
        assert_eq!(ack.uri, invite.uri);
        assert_eq!(ack.headers.via, vec![invite.headers.via[0].clone()], "same branch");
        assert_eq!(ack.headers.from, invite.headers.from);
        assert_eq!(ack.headers.to.tag(), Some("uas-tag"), "the response's To");
        assert_eq!(ack.headers.call_id, invite.headers.call_id);
        assert_eq!(ack.headers.cseq, CSeq::new(invite.headers.cseq.seq, Method::Ack));
        assert_eq!(ack.headers.routes().collect::<Vec<_>>(), invite.headers.routes().collect::<Vec<_>>());
        assert!(ack.body.is_empty());
        assert_eq!(run.tsx.state(), State::Completed);

        // A retransmitted 486 gets the same ACK again and does not reach the TU.
        let again = run.respond(486);
        assert!(matches!(&again[..], [Action::Send(b)] if *b == ack.to_bytes()));
        // Timer D after 32 s.
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)));
        assert_eq!(run.sends_until(40_000), Vec::<u128>::new());
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn timer_d_is_zero_on_reliable_transports() {
        let mut run = Run::new(true);
        run.out.clear();
        let actions = run.respond(603);
        assert_eq!(actions.len(), 2, "ACK and the response");
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn accepted_passes_every_2xx_until_timer_m() {
        let mut run = Run::new(false);
        run.out.clear();
        run.clock.now = run.clock.at(700);
        assert!(matches!(run.respond(200)[..], [Action::Response(_)]));
        assert_eq!(run.tsx.state(), State::Accepted);
        // A retransmission, and a 2xx from another fork (other To tag).
        assert!(matches!(run.respond(200)[..], [Action::Response(_)]));
        let mut fork = response(&run.tsx.request, 200);
        fork.headers.to.params.set("tag", Some("fork-2"));
        run.tsx.handle_response(run.clock.now, fork, &mut run.out);
        assert!(matches!(run.out.drain(..).collect::<Vec<_>>()[..], [Action::Response(_)]));
        // Neither provisionals nor failures from slower forks get through; no
        // ACK is sent by the transaction for any 2xx.
        assert!(run.respond(180).is_empty());
        assert!(run.respond(486).is_empty());
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(700 + 32_000)));
        run.sends_until(40_000);
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn ack_keeps_only_the_top_via() {
        let mut invite = request("INVITE", "z9hG4bKa", "");
        let extra = Via::parse("SIP/2.0/UDP other.example.com;branch=z9hG4bKb").unwrap();
        invite.headers.via.push(extra);
        let ack = build_ack(&invite, &response(&invite, 404));
        assert_eq!(ack.headers.via.len(), 1);
        assert_eq!(ack.headers.via[0].branch.as_deref(), Some("z9hG4bKa"));
        assert_eq!(ack.headers.max_forwards, invite.headers.max_forwards);
    }
}

//! The INVITE server transaction (RFC 3261 §17.2.1, figure 7, as RFC 6026
//! corrects it with the Accepted state and Timer L).
//!
//! ```text
//!               INVITE: to TU; 100 Trying if the TU is silent for 200 ms
//!   Proceeding ──300-699 from TU──▶ Completed ──ACK──▶ Confirmed ──I──▶ Terminated
//!     │ 1xx from TU: send          │ G: resend final, G = min(2G, T2)  ▲
//!     │ INVITE: resend last 1xx    │ INVITE: resend final              │
//!     │                            └──H: timeout──────────────────────▶│
//!     └──2xx from TU──▶ Accepted ──L────────────────────────────────────┘
//!                       INVITE: absorbed; 2xx from TU: send; ACK: to TU
//! ```

use std::time::{Duration, Instant};

use super::timer::{Timer, TimerConfig, TimerTable};
use super::{Action, AlreadyFinal};
use crate::sip::{Method, Request, Response, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ServerInvite {
    state: State,
    reliable: bool,
    config: TimerConfig,
    /// The last provisional or non-2xx final sent, for retransmitted INVITEs
    /// and Timer G. A 2xx is never kept: its retransmissions are the TU's.
    last: Option<Vec<u8>>,
    /// The 100 Trying that `Timer::Trying` sends if the TU has sent nothing
    /// by then.
    trying: Option<Vec<u8>>,
    /// The To tag of the final response, which an RFC 2543 ACK must carry to
    /// match this transaction.
    final_to_tag: Option<String>,
    /// The next interval of Timer G.
    interval: Duration,
    timers: TimerTable,
}

impl ServerInvite {
    /// Enters Proceeding for `request`. With `auto_trying`, the transaction
    /// sends 100 Trying itself after that long unless the TU answers first
    /// (§17.2.1 asks for one within 200 ms unless the TU is known to answer
    /// in that time); a zero delay sends it at once.
    pub(crate) fn new(
        now: Instant,
        config: TimerConfig,
        reliable: bool,
        request: &Request,
        auto_trying: Option<Duration>,
        out: &mut Vec<Action>,
    ) -> ServerInvite {
        let mut tsx = ServerInvite {
            state: State::Proceeding,
            reliable,
            config,
            last: None,
            trying: None,
            final_to_tag: None,
            interval: config.first_interval(),
            timers: TimerTable::default(),
        };
        if let Some(after) = auto_trying {
            let trying = Response::for_request(request, StatusCode::TRYING, "").to_bytes();
            if after.is_zero() {
                out.push(Action::Send(trying.clone()));
                tsx.last = Some(trying);
            } else {
                tsx.trying = Some(trying);
                tsx.timers.set(Timer::Trying, now, after);
            }
        }
        tsx
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn final_to_tag(&self) -> Option<&str> {
        self.final_to_tag.as_deref()
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// A request matched to this transaction: a retransmitted INVITE or an
    /// ACK.
    pub(crate) fn handle_request(&mut self, now: Instant, request: Request, out: &mut Vec<Action>) {
        if request.method == Method::Ack {
            match self.state {
                State::Completed => {
                    self.state = State::Confirmed;
                    self.timers.stop_all();
                    let i = self.config.t4_unless_reliable(self.reliable);
                    if i.is_zero() {
                        self.terminate();
                    } else {
                        self.timers.set(Timer::I, now, i);
                    }
                }
                // RFC 6026: the ACK of a 2xx belongs to the TU. With RFC 3261
                // branches it never matches (it is a transaction of its own),
                // but an RFC 2543 peer's ACK does.
                State::Accepted => out.push(Action::Ack(request)),
                // Retransmitted ACKs in Confirmed are what Timer I waits for;
                // an ACK before any final answers nothing.
                State::Proceeding | State::Confirmed | State::Terminated => {}
            }
            return;
        }
        match self.state {
            State::Proceeding | State::Completed => {
                if let Some(last) = &self.last {
                    out.push(Action::Send(last.clone()));
                }
            }
            // RFC 6026: in Accepted a retransmitted INVITE is absorbed, where
            // RFC 3261 would have taken it for a new request.
            State::Confirmed | State::Accepted | State::Terminated => {}
        }
    }

    /// A response from the TU.
    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        response: &Response,
        out: &mut Vec<Action>,
    ) -> Result<(), AlreadyFinal> {
        let code = response.status.code();
        match (self.state, code) {
            (State::Proceeding, 100..=199) => {
                let bytes = response.to_bytes();
                out.push(Action::Send(bytes.clone()));
                self.last = Some(bytes);
                self.trying = None;
                self.timers.stop(Timer::Trying);
            }
            (State::Proceeding, 200..=299) => {
                out.push(Action::Send(response.to_bytes()));
                self.final_to_tag = response.headers.to.tag().map(str::to_owned);
                self.last = None;
                self.trying = None;
                self.timers.stop_all();
                self.state = State::Accepted;
                self.timers.set(Timer::L, now, self.config.timeout());
            }
            (State::Proceeding, _) => {
                let bytes = response.to_bytes();
                out.push(Action::Send(bytes.clone()));
                self.final_to_tag = response.headers.to.tag().map(str::to_owned);
                self.last = Some(bytes);
                self.trying = None;
                self.timers.stop_all();
                self.state = State::Completed;
                if !self.reliable {
                    self.timers.set(Timer::G, now, self.interval);
                }
                self.timers.set(Timer::H, now, self.config.timeout());
            }
            // The TU retransmits its 2xx (§13.3.1.4) through the transaction
            // until the ACK comes or L ends it (RFC 6026).
            (State::Accepted, 200..=299) => out.push(Action::Send(response.to_bytes())),
            _ => return Err(AlreadyFinal),
        }
        Ok(())
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant, out: &mut Vec<Action>) {
        while let Some(timer) = self.timers.take_expired(now) {
            match (self.state, timer) {
                (State::Proceeding, Timer::Trying) => {
                    if let Some(trying) = self.trying.take() {
                        out.push(Action::Send(trying.clone()));
                        self.last = Some(trying);
                    }
                }
                (State::Completed, Timer::G) => {
                    if let Some(last) = &self.last {
                        out.push(Action::Send(last.clone()));
                    }
                    self.interval = self.interval.saturating_mul(2).min(self.config.max_interval());
                    self.timers.set(Timer::G, now, self.interval);
                }
                (State::Completed, Timer::H) => {
                    out.push(Action::Timeout(Timer::H));
                    self.terminate();
                }
                (State::Confirmed, Timer::I) | (State::Accepted, Timer::L) => self.terminate(),
                _ => {}
            }
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        self.timers.stop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::transaction::fixtures::{Clock, MS, parse_response, request, response};

    struct Run {
        clock: Clock,
        req: Request,
        tsx: ServerInvite,
        out: Vec<Action>,
    }

    impl Run {
        fn new(reliable: bool, auto_trying: Option<Duration>) -> Run {
            let clock = Clock::new();
            let req = request("INVITE", "z9hG4bKinv", "");
            let mut out = Vec::new();
            let tsx = ServerInvite::new(clock.now, TimerConfig::default(), reliable, &req, auto_trying, &mut out);
            Run { clock, req, tsx, out }
        }

        fn respond(&mut self, code: u16) -> Result<Vec<Action>, AlreadyFinal> {
            self.tsx.send_response(self.clock.now, &response(&self.req, code), &mut self.out)?;
            Ok(self.out.drain(..).collect())
        }

        fn receive(&mut self, method: &str) -> Vec<Action> {
            let to_tag = if method == "ACK" { "uas-tag" } else { "" };
            self.tsx.handle_request(self.clock.now, request(method, "z9hG4bKinv", to_tag), &mut self.out);
            self.out.drain(..).collect()
        }

        /// Jumps to each deadline up to `until_ms`; returns (ms, status) of
        /// every response sent and whether H timed out.
        fn run_until(&mut self, until_ms: u64) -> (Vec<(u128, u16)>, bool) {
            let (mut sent, mut timed_out) = (Vec::new(), false);
            while let Some(at) = self.tsx.poll_timeout().filter(|&at| at <= self.clock.at(until_ms)) {
                self.clock.now = at;
                self.tsx.handle_timeout(at, &mut self.out);
                for a in self.out.drain(..) {
                    match a {
                        Action::Send(b) => sent.push((self.clock.ms(), parse_response(&b).status.code())),
                        Action::Timeout(Timer::H) => timed_out = true,
                        other => panic!("{other:?}"),
                    }
                }
            }
            (sent, timed_out)
        }
    }

    fn sent_status(actions: &[Action]) -> Vec<u16> {
        actions
            .iter()
            .map(|a| match a {
                Action::Send(b) => parse_response(b).status.code(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn retransmitted_invite_gets_the_last_response() {
        let mut run = Run::new(false, None);
        assert!(run.out.is_empty());
        assert!(run.receive("INVITE").is_empty(), "nothing sent yet, nothing to resend");
        assert_eq!(sent_status(&run.respond(180).unwrap()), [180]);
        assert_eq!(sent_status(&run.receive("INVITE")), [180]);
        assert_eq!(sent_status(&run.respond(183).unwrap()), [183]);
        assert_eq!(sent_status(&run.receive("INVITE")), [183]);
        assert_eq!(sent_status(&run.respond(486).unwrap()), [486]);
        assert_eq!(run.tsx.state(), State::Completed);
        assert_eq!(sent_status(&run.receive("INVITE")), [486]);
        assert_eq!(run.respond(500), Err(AlreadyFinal));
        assert_eq!(run.respond(200), Err(AlreadyFinal));
    }

    #[test]
    fn timer_g_until_ack_then_timer_i() {
        let mut run = Run::new(false, None);
        run.respond(404).unwrap();
        assert_eq!(run.tsx.final_to_tag(), Some("uas-tag"));
        // G: 500, 1000, 2000, 4000, 4000 ms apart.
        let (sent, timed_out) = run.run_until(12_000);
        assert_eq!(sent, [(500, 404), (1_500, 404), (3_500, 404), (7_500, 404), (11_500, 404)]);
        assert!(!timed_out);
        run.clock.now = run.clock.at(12_000);
        assert!(run.receive("ACK").is_empty());
        assert_eq!(run.tsx.state(), State::Confirmed);
        assert!(run.receive("ACK").is_empty(), "retransmitted ACKs are absorbed");
        assert!(run.receive("INVITE").is_empty());
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(17_000)), "I = T4");
        assert_eq!(run.run_until(20_000), (vec![], false));
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn timer_h_without_ack() {
        let mut run = Run::new(false, None);
        run.respond(603).unwrap();
        let (sent, timed_out) = run.run_until(40_000);
        assert_eq!(sent.len(), 10, "500, 1500, 3500, 7500 then every 4 s to 31500");
        assert_eq!(sent.last(), Some(&(31_500, 603)));
        assert!(timed_out);
        assert_eq!(run.clock.ms(), 32_000);
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn reliable_transports_do_not_retransmit_and_skip_i() {
        let mut run = Run::new(true, None);
        run.respond(486).unwrap();
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)), "only H");
        run.clock.now = run.clock.at(50);
        run.receive("ACK");
        assert_eq!(run.tsx.state(), State::Terminated, "I is zero");
    }

    #[test]
    fn accepted_after_2xx() {
        let mut run = Run::new(false, None);
        run.respond(180).unwrap();
        run.clock.now = run.clock.at(2_000);
        assert_eq!(sent_status(&run.respond(200).unwrap()), [200]);
        assert_eq!(run.tsx.state(), State::Accepted);
        // The retransmitted INVITE is absorbed: no 180, no 200, no new request.
        assert!(run.receive("INVITE").is_empty());
        // The TU's 2xx retransmissions go out; nothing else may.
        assert_eq!(sent_status(&run.respond(200).unwrap()), [200]);
        assert_eq!(run.respond(180), Err(AlreadyFinal));
        assert_eq!(run.respond(486), Err(AlreadyFinal));
        // An ACK that matches (RFC 2543 peers) is the TU's.
        assert!(matches!(run.receive("ACK")[..], [Action::Ack(_)]));
        // No retransmissions of its own, and L after 64*T1.
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(2_000 + 32_000)));
        assert_eq!(run.run_until(40_000), (vec![], false));
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn automatic_100_trying() {
        // The TU is silent: 100 Trying after 200 ms, then resent for
        // retransmitted INVITEs.
        let mut run = Run::new(false, Some(200 * MS));
        assert_eq!(run.run_until(1_000), (vec![(200, 100)], false));
        assert_eq!(sent_status(&run.receive("INVITE")), [100]);

        // The TU answers in time: no 100 from the transaction.
        let mut run = Run::new(false, Some(200 * MS));
        run.clock.now = run.clock.at(150);
        run.respond(180).unwrap();
        assert_eq!(run.run_until(1_000), (vec![], false));

        // Zero delay: at once.
        let run = Run::new(true, Some(Duration::ZERO));
        assert_eq!(sent_status(&run.out), [100]);
    }
}

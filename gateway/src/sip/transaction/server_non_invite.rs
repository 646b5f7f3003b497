//! The non-INVITE server transaction (RFC 3261 §17.2.2, figure 8), which also
//! serves CANCEL.
//!
//! ```text
//!           request: to TU
//!   Trying ──1xx from TU──▶ Proceeding ──200-699 from TU──▶ Completed ──J──▶ Terminated
//!     │ request: absorbed   │ request: resend last 1xx      request: resend final
//!     └──200-699 from TU───────────────────────────────────▶ Completed
//! ```

use std::time::Instant;

use super::timer::{Timer, TimerConfig, TimerTable};
use super::{Action, AlreadyFinal};
use crate::sip::Response;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ServerNonInvite {
    state: State,
    reliable: bool,
    config: TimerConfig,
    /// The last response sent, for retransmitted requests.
    last: Option<Vec<u8>>,
    timers: TimerTable,
}

impl ServerNonInvite {
    /// Enters Trying. Nothing is sent: the TU answers.
    pub(crate) fn new(config: TimerConfig, reliable: bool) -> ServerNonInvite {
        ServerNonInvite { state: State::Trying, reliable, config, last: None, timers: TimerTable::default() }
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// A retransmission of the request: answered with the last response, if
    /// there is one (in Trying it is absorbed, §17.2.2).
    pub(crate) fn handle_request(&mut self, out: &mut Vec<Action>) {
        if let (State::Proceeding | State::Completed, Some(last)) = (self.state, &self.last) {
            out.push(Action::Send(last.clone()));
        }
    }

    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        response: &Response,
        out: &mut Vec<Action>,
    ) -> Result<(), AlreadyFinal> {
        if !matches!(self.state, State::Trying | State::Proceeding) {
            return Err(AlreadyFinal);
        }
        let bytes = response.to_bytes();
        out.push(Action::Send(bytes.clone()));
        self.last = Some(bytes);
        if response.status.is_provisional() {
            self.state = State::Proceeding;
            return Ok(());
        }
        self.state = State::Completed;
        let j = self.config.j(self.reliable);
        if j.is_zero() {
            self.terminate();
        } else {
            self.timers.set(Timer::J, now, j);
        }
        Ok(())
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        while let Some(timer) = self.timers.take_expired(now) {
            if (self.state, timer) == (State::Completed, Timer::J) {
                self.terminate();
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
    use crate::sip::Request;
    use crate::sip::transaction::fixtures::{Clock, parse_response, request, response};

    struct Run {
        clock: Clock,
        req: Request,
        tsx: ServerNonInvite,
        out: Vec<Action>,
    }

    impl Run {
        fn new(reliable: bool) -> Run {
            let req = request("OPTIONS", "z9hG4bKopt", "");
            Run { clock: Clock::new(), req, tsx: ServerNonInvite::new(TimerConfig::default(), reliable), out: vec![] }
        }

        fn respond(&mut self, code: u16) -> Result<Vec<u16>, AlreadyFinal> {
            self.tsx.send_response(self.clock.now, &response(&self.req, code), &mut self.out)?;
            Ok(self.sent())
        }

        fn retransmission(&mut self) -> Vec<u16> {
            self.tsx.handle_request(&mut self.out);
            self.sent()
        }

        fn sent(&mut self) -> Vec<u16> {
            self.out
                .drain(..)
                .map(|a| match a {
                    Action::Send(b) => parse_response(&b).status.code(),
                    other => panic!("{other:?}"),
                })
                .collect()
        }
    }

    #[test]
    fn absorbs_and_answers_retransmissions() {
        let mut run = Run::new(false);
        assert!(run.retransmission().is_empty(), "Trying absorbs");
        assert_eq!(run.respond(100).unwrap(), [100]);
        assert_eq!(run.tsx.state(), State::Proceeding);
        assert_eq!(run.retransmission(), [100]);
        assert_eq!(run.respond(200).unwrap(), [200]);
        assert_eq!(run.tsx.state(), State::Completed);
        assert_eq!(run.retransmission(), [200]);
        assert_eq!(run.respond(500), Err(AlreadyFinal));
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)));
    }

    #[test]
    fn timer_j() {
        let mut run = Run::new(false);
        run.clock.now = run.clock.at(300);
        run.respond(200).unwrap();
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(300 + 32_000)), "J = 64*T1");
        run.tsx.handle_timeout(run.clock.at(32_299));
        assert_eq!(run.tsx.state(), State::Completed);
        run.tsx.handle_timeout(run.clock.at(32_300));
        assert_eq!(run.tsx.state(), State::Terminated);
        assert_eq!(run.tsx.poll_timeout(), None);
    }

    #[test]
    fn timer_j_is_zero_on_reliable_transports() {
        let mut run = Run::new(true);
        run.respond(200).unwrap();
        assert_eq!(run.tsx.state(), State::Terminated);
    }
}

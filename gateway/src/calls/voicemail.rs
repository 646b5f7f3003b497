//! Leaving a voicemail: the caller hears the greeting and a beep, speaks,
//! and ends with `#`, by hanging up, or at the length limit; the recording
//! is stored in a mailbox (a queue's, a dialed number's or an agent's) with
//! the caller, the customer and the time.

use shared::records::MailboxKind;
use shared::ws::CallEndKind;

use super::{Call, Calls, Output, State};
use crate::prompts::id;

/// Longest message kept.
pub const MAX_MS: u64 = 120_000;
/// Clip ids of the voicemail's prompts (above the IVR's and announcements').
const GREETING: u64 = 1 << 41;
const BYE: u64 = (1 << 41) + 1;

/// Where a voicemail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub kind: MailboxKind,
    /// The queue's name, the dialed number, or the agent's user id.
    pub target: String,
}

impl Mailbox {
    /// A flow's mailbox name: `agent:<id>`, `number:<e164>`, `queue:<name>`,
    /// or a bare queue name.
    pub fn parse(name: &str) -> Mailbox {
        let (kind, target) = match name.split_once(':') {
            Some(("agent", id)) => (MailboxKind::Agent, id),
            Some(("number", n)) => (MailboxKind::Number, n),
            Some(("queue", q)) => (MailboxKind::Queue, q),
            _ => (MailboxKind::Queue, name),
        };
        Mailbox { kind, target: target.to_owned() }
    }
}

/// Where the caller is in leaving a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Greeting {
        mailbox: Mailbox,
    },
    Recording {
        mailbox: Mailbox,
        until: u64,
    },
    /// Saved; the caller hears so and is hung up on.
    Bye,
}

impl Calls {
    /// The caller (answered, nobody on the line) leaves a message.
    pub(super) fn start_voicemail(&mut self, call_id: &str, mailbox: Mailbox) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        let Some((rtp, _)) = c.kept else { return };
        c.state = State::Voicemail(Stage::Greeting { mailbox });
        let language = c.language.clone();
        self.out.push_back(Output::Music { rtp, on: false });
        self.out.push_back(Output::StopPlay { rtp });
        let prompts = vec![id::VOICEMAIL_GREETING.to_owned(), id::BEEP.to_owned()];
        self.out.push_back(Output::Play { rtp, id: GREETING, language, prompts });
        self.publish(call_id);
    }

    /// A voicemail prompt ended: record after the beep, hang up after the
    /// goodbye. False when the clip was not the voicemail's.
    pub(super) fn voicemail_play_done(&mut self, call_id: &str, clip: u64) -> bool {
        let Some(c) = self.calls.get_mut(call_id) else { return false };
        let (State::Voicemail(stage), Some((rtp, _))) = (&c.state, c.kept) else { return false };
        match (stage, clip) {
            (Stage::Greeting { mailbox }, GREETING) => {
                let until = self.now + MAX_MS;
                c.state = State::Voicemail(Stage::Recording { mailbox: mailbox.clone(), until });
                self.out.push_back(Output::RecordCaller { call_id: call_id.to_owned(), rtp });
                true
            }
            (Stage::Bye, BYE) => {
                self.hang_up_caller(call_id, CallEndKind::LocalHangUp);
                true
            }
            _ => false,
        }
    }

    /// `#` ends the message (other keys are part of it).
    pub(super) fn voicemail_digit(&mut self, call_id: &str, digit: char) -> bool {
        let Some(c) = self.calls.get(call_id) else { return false };
        let State::Voicemail(stage) = &c.state else { return false };
        if digit == '#' && matches!(stage, Stage::Recording { .. }) {
            self.voicemail_done(call_id);
        }
        true
    }

    /// When a message in progress reaches its length limit.
    pub(super) fn voicemail_deadline(&self) -> Option<u64> {
        self.calls
            .values()
            .filter_map(|c| match &c.state {
                State::Voicemail(Stage::Recording { until, .. }) => Some(*until),
                _ => None,
            })
            .min()
    }

    pub(super) fn voicemail_timeouts(&mut self) {
        let due: Vec<String> = self
            .calls
            .iter()
            .filter(|(_, c)| matches!(&c.state, State::Voicemail(Stage::Recording { until, .. }) if *until <= self.now))
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            self.voicemail_done(&id);
        }
    }

    /// The message is complete: it is saved, the caller hears so and is
    /// hung up on.
    fn voicemail_done(&mut self, call_id: &str) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        let (State::Voicemail(Stage::Recording { mailbox, .. }), Some((rtp, _))) = (&c.state, c.kept) else { return };
        let save = Output::SaveVoicemail {
            call_id: call_id.to_owned(),
            rtp,
            mailbox: mailbox.clone(),
            caller: c.info.from.clone(),
            customer: c.customer,
            at: self.now,
        };
        c.state = State::Voicemail(Stage::Bye);
        let language = c.language.clone();
        self.out.push_back(save);
        let prompts = vec![id::VOICEMAIL_SAVED.to_owned(), id::GOODBYE.to_owned()];
        self.out.push_back(Output::Play { rtp, id: BYE, language, prompts });
    }

    /// The call ended while the caller was speaking: what was said is kept.
    pub(super) fn voicemail_cut(&mut self, call_id: &str, call: &Call) {
        if let (State::Voicemail(Stage::Recording { mailbox, .. }), Some((rtp, _))) = (&call.state, call.kept) {
            self.out.push_back(Output::SaveVoicemail {
                call_id: call_id.to_owned(),
                rtp,
                mailbox: mailbox.clone(),
                caller: call.info.from.clone(),
                customer: call.customer,
                at: self.now,
            });
        }
    }
}

//! What happened to each call, for its interaction record and timeline:
//! the core says it as [`Output::Track`] and the driver writes it to the
//! store in order. Every call that reaches the core gets a record, also
//! those that end in the IVR or are abandoned in a queue.

use shared::records::{Disposition, EndedBy, Initiation};
use shared::ws::{CallDirection, CallEndKind, CallEndReason};

use super::{Calls, Output, State};

/// One step of a call's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tracked {
    Started {
        initiation: Initiation,
        caller: String,
        callee: String,
        trunk: String,
        agent: Option<i64>,
    },
    /// The IVR is over: the nodes walked and the customer it found.
    IvrLeft {
        path: Vec<String>,
        customer: Option<i64>,
    },
    Queued {
        queue: String,
    },
    /// The waiting caller heard their place and wait.
    Announced {
        position: u32,
        wait_secs: Option<u32>,
        all_busy: bool,
        prompts: Vec<String>,
    },
    /// The routing engine offered the call to an agent.
    Offered {
        agent: i64,
    },
    /// The agent let the offer ring out.
    OfferExpired {
        agent: i64,
    },
    OfferDeclined {
        agent: i64,
    },
    /// An agent has the call (answered, or connected for outbound calls).
    Answered {
        agent: i64,
    },
    Held,
    Resumed {
        held_ms: u64,
    },
    Transferred {
        from: i64,
        to: i64,
    },
    /// Handed by agent `from` to a queue.
    TransferredToQueue {
        from: i64,
        queue: String,
    },
    /// Sent on to an outside number, by agent `from` or by the IVR.
    TransferredToNumber {
        from: Option<i64>,
        number: String,
    },
    /// The outside number answered: the caller talks with it.
    ForwardAnswered,
    /// The caller rated the call in the survey.
    Survey {
        score: i64,
    },
    Ended {
        disposition: Disposition,
        ended_by: EndedBy,
        sip_status: Option<u16>,
        q850: Option<u16>,
    },
}

impl Calls {
    pub(super) fn track(&mut self, call_id: &str, what: Tracked) {
        self.out.push_back(Output::Track { call_id: call_id.to_owned(), at: self.now, what });
    }

    /// The end of a call in words a record keeps.
    pub(super) fn track_end(&mut self, call_id: &str, call: &super::Call, why: CallEndReason) {
        let outbound = call.info.direction == CallDirection::Outbound;
        let answered = call.answered;
        let disposition = match (&call.state, why.kind) {
            _ if answered => Disposition::Answered,
            _ if call.left_for.is_some() => call.left_for.unwrap_or(Disposition::Failed),
            (State::Voicemail(_), _) => Disposition::Voicemail,
            (State::Opening | State::Ivr, _) => Disposition::IvrHangUp,
            (_, CallEndKind::Rejected) if why.sip_status == Some(486) || why.sip_status == Some(600) => {
                Disposition::Busy
            }
            (_, CallEndKind::Rejected | CallEndKind::RemoteHangUp)
                if outbound && matches!(why.sip_status, Some(408 | 480 | 487)) =>
            {
                Disposition::NoAnswer
            }
            (State::Ringing, CallEndKind::Abandoned | CallEndKind::RemoteHangUp) => Disposition::Abandoned,
            _ => Disposition::Failed,
        };
        let ended_by = match why.kind {
            CallEndKind::RemoteHangUp | CallEndKind::Abandoned | CallEndKind::Rejected if outbound => EndedBy::Callee,
            CallEndKind::RemoteHangUp | CallEndKind::Abandoned => EndedBy::Caller,
            CallEndKind::Rejected => EndedBy::Callee,
            CallEndKind::LocalHangUp if call.state.agent().is_some() => EndedBy::Agent,
            CallEndKind::LocalHangUp => EndedBy::System,
            CallEndKind::Failed => EndedBy::Network,
            _ => EndedBy::System,
        };
        self.track(call_id, Tracked::Ended { disposition, ended_by, sip_status: why.sip_status, q850: why.q850 });
    }
}

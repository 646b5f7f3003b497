//! Why a call ended, in the terms the desks and reports use: a kind, and
//! the SIP status and Q.850 cause that carried it where they apply.

use shared::ws::{CallEndKind, CallEndReason};

use crate::sip::StatusCode;
use crate::sip::dialog::Reason;

/// Q.850 cause 16, normal call clearing.
pub const NORMAL_CLEARING: u16 = 16;

/// The Q.850 cause for a SIP final status, as RFC 3398 §8.2.6.1 maps them
/// (and 127, interworking, for the 4xx it does not list).
pub fn q850_of_status(status: u16) -> Option<u16> {
    Some(match status {
        400 | 481 | 500 | 503 => 41,
        401 | 402 | 403 | 407 | 603 => 21,
        404 | 485 | 604 => 1,
        405 => 63,
        406 | 415 | 501 => 79,
        408 | 504 => 102,
        410 => 22,
        480 => 18,
        482 | 483 => 25,
        484 => 28,
        486 | 600 => 17,
        502 => 38,
        606 => 58,
        410..=499 | 505 => 127,
        _ => return None,
    })
}

/// How a SIP dialog's end reads to the agent of the call. `ringing` tells
/// a caller who gave up before anyone answered from one who hung up.
pub fn of_dialog(reason: Reason, ringing: bool) -> CallEndReason {
    let with_status =
        |kind, s: StatusCode| CallEndReason { kind, sip_status: Some(s.code()), q850: q850_of_status(s.code()) };
    match reason {
        Reason::RemoteBye if ringing => end(CallEndKind::Abandoned, None, Some(NORMAL_CLEARING)),
        Reason::RemoteBye => end(CallEndKind::RemoteHangUp, None, Some(NORMAL_CLEARING)),
        Reason::LocalBye => end(CallEndKind::LocalHangUp, None, Some(NORMAL_CLEARING)),
        Reason::Cancelled if ringing => end(CallEndKind::Abandoned, Some(487), None),
        Reason::Cancelled => end(CallEndKind::LocalHangUp, Some(487), None),
        Reason::Rejected(s) => with_status(CallEndKind::Rejected, s),
        Reason::NoAck => end(CallEndKind::Failed, None, None),
        Reason::Timeout => end(CallEndKind::Failed, Some(408), q850_of_status(408)),
        Reason::Failed(s) => with_status(CallEndKind::Failed, s),
    }
}

pub fn end(kind: CallEndKind, sip_status: Option<u16>, q850: Option<u16>) -> CallEndReason {
    CallEndReason { kind, sip_status, q850 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3398_causes() {
        assert_eq!(q850_of_status(486), Some(17), "busy");
        assert_eq!(q850_of_status(480), Some(18), "no answer");
        assert_eq!(q850_of_status(404), Some(1), "unallocated number");
        assert_eq!(q850_of_status(603), Some(21), "rejected");
        assert_eq!(q850_of_status(488), Some(127), "interworking for the unlisted");
        assert_eq!(q850_of_status(200), None);
    }

    #[test]
    fn a_caller_hanging_up_while_ringing_abandoned() {
        assert_eq!(of_dialog(Reason::Cancelled, true).kind, CallEndKind::Abandoned);
        assert_eq!(of_dialog(Reason::RemoteBye, false).kind, CallEndKind::RemoteHangUp);
        let busy = of_dialog(Reason::Rejected(StatusCode::new(486).unwrap()), false);
        assert_eq!((busy.kind, busy.sip_status, busy.q850), (CallEndKind::Rejected, Some(486), Some(17)));
    }
}

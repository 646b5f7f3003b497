//! The contact center's durable records as the apps read them: interaction
//! records (one per call, with its legs and timeline), callbacks and
//! voicemails; and the names of the timeline's events.
//!
//! Times are RFC 3339 UTC strings; durations are milliseconds. Phone numbers
//! are E.164 (or a web caller's id). Lists come in pages: pass a page's
//! `next_cursor` back as `cursor` for the next one; a cursor is opaque.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Event kinds: `resource.verb`, as the WebSocket and the timeline name them.
// ---------------------------------------------------------------------------

/// A call reached the gateway (or left it, for outbound calls).
pub const CALL_STARTED: &str = "call.started";
/// A call rings for an agent (or, outbound, at the far end).
pub const CALL_RINGING: &str = "call.ringing";
/// An agent answered (or, outbound, the far end did).
pub const CALL_ANSWERED: &str = "call.answered";
pub const CALL_HELD: &str = "call.held";
pub const CALL_RESUMED: &str = "call.resumed";
/// Handed to another agent, queue or number.
pub const CALL_TRANSFERRED: &str = "call.transferred";
pub const CALL_ENDED: &str = "call.ended";
/// The agent saved the call's wrap-up (disposition code, notes).
pub const CALL_WRAPPED_UP: &str = "call.wrapped_up";
pub const IVR_ENTERED: &str = "ivr.entered";
/// The caller chose an option or entered a code; data names the node, never
/// the digits of a code.
pub const IVR_INPUT: &str = "ivr.input";
pub const IVR_LEFT: &str = "ivr.left";
pub const QUEUE_ENTERED: &str = "queue.entered";
/// The caller hung up while waiting.
pub const QUEUE_ABANDONED: &str = "queue.abandoned";
/// The waiting caller was told their place and the estimated wait: data
/// has `position`, `wait_secs` (absent when nobody works the queue),
/// `all_busy` and the `prompts` played.
pub const QUEUE_ANNOUNCED: &str = "queue.announced";
/// The call left its queue for another queue, voicemail or a callback.
pub const QUEUE_OVERFLOWED: &str = "queue.overflowed";
/// The routing engine offered the call to an agent.
pub const OFFER_CREATED: &str = "offer.created";
pub const OFFER_DECLINED: &str = "offer.declined";
/// Nobody took the offer in time.
pub const OFFER_EXPIRED: &str = "offer.expired";
pub const RECORDING_STARTED: &str = "recording.started";
pub const RECORDING_PAUSED: &str = "recording.paused";
pub const RECORDING_RESUMED: &str = "recording.resumed";
pub const RECORDING_READY: &str = "recording.ready";
/// A supervisor joined (listen, whisper, barge) or changed mode.
pub const SUPERVISOR_JOINED: &str = "supervisor.joined";
pub const SUPERVISOR_LEFT: &str = "supervisor.left";
pub const VOICEMAIL_CREATED: &str = "voicemail.created";
pub const VOICEMAIL_UPDATED: &str = "voicemail.updated";
pub const CALLBACK_SCHEDULED: &str = "callback.scheduled";
pub const CALLBACK_DIALING: &str = "callback.dialing";
pub const CALLBACK_COMPLETED: &str = "callback.completed";
pub const CALLBACK_FAILED: &str = "callback.failed";
pub const CALLBACK_CANCELLED: &str = "callback.cancelled";
pub const SURVEY_COMPLETED: &str = "survey.completed";

/// Every event kind above.
pub const EVENT_KINDS: &[&str] = &[
    CALL_STARTED,
    CALL_RINGING,
    CALL_ANSWERED,
    CALL_HELD,
    CALL_RESUMED,
    CALL_TRANSFERRED,
    CALL_ENDED,
    CALL_WRAPPED_UP,
    IVR_ENTERED,
    IVR_INPUT,
    IVR_LEFT,
    QUEUE_ENTERED,
    QUEUE_ABANDONED,
    QUEUE_ANNOUNCED,
    QUEUE_OVERFLOWED,
    OFFER_CREATED,
    OFFER_DECLINED,
    OFFER_EXPIRED,
    RECORDING_STARTED,
    RECORDING_PAUSED,
    RECORDING_RESUMED,
    RECORDING_READY,
    SUPERVISOR_JOINED,
    SUPERVISOR_LEFT,
    VOICEMAIL_CREATED,
    VOICEMAIL_UPDATED,
    CALLBACK_SCHEDULED,
    CALLBACK_DIALING,
    CALLBACK_COMPLETED,
    CALLBACK_FAILED,
    CALLBACK_CANCELLED,
    SURVEY_COMPLETED,
];

/// Whether `kind` has the `resource.verb` shape: two or more dot-separated
/// words of `a-z` and `_`, at most 64 bytes.
pub fn is_event_kind(kind: &str) -> bool {
    kind.len() <= 64
        && kind.split('.').count() >= 2
        && kind.split('.').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

/// Enums stored as text: their names, and parsing them back.
macro_rules! text_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vm])* $v,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------

text_enum! {
    /// How the call began.
    pub enum Initiation {
        /// A carrier's call to one of our numbers.
        Inbound => "inbound",
        /// An agent dialed out.
        Outbound => "outbound",
        /// Made by transferring another call.
        Transfer => "transfer",
        /// The gateway called a customer back.
        Callback => "callback",
        /// The web call button.
        Web => "web",
        /// An outbound campaign's dialer.
        Campaign => "campaign",
    }
}

text_enum! {
    /// How the call turned out.
    pub enum Disposition {
        /// An agent (or, outbound, the far end) answered.
        Answered => "answered",
        /// The caller hung up while waiting in a queue.
        Abandoned => "abandoned",
        /// The caller hung up in the IVR, before any queue.
        IvrHangUp => "ivr_hang_up",
        /// The caller left a voicemail.
        Voicemail => "voicemail",
        /// The caller took a callback instead of waiting.
        Callback => "callback",
        /// The queue sent the call elsewhere (another queue, a number).
        Overflow => "overflow",
        /// The call failed (network, gateway, carrier error).
        Failed => "failed",
        Busy => "busy",
        NoAnswer => "no_answer",
        /// Handed on by a transfer; the other record continues it.
        Transferred => "transferred",
    }
}

text_enum! {
    /// Who (or what) ended the call.
    pub enum EndedBy {
        /// The customer who called in.
        Caller => "caller",
        /// The far end of an outbound call or callback.
        Callee => "callee",
        Agent => "agent",
        Supervisor => "supervisor",
        /// The gateway: the IVR's end, a queue's time limit, a shutdown.
        System => "system",
        /// The network: the carrier's error, a dead call (no RTP), a lost browser.
        Network => "network",
    }
}

text_enum! {
    /// Who is on one leg of a call.
    pub enum LegKind {
        /// The customer who called in (SIP or web).
        Caller => "caller",
        /// The party an outbound call, callback or transfer reached.
        Callee => "callee",
        /// An agent's browser.
        Agent => "agent",
        /// A supervisor listening, whispering or barging.
        Supervisor => "supervisor",
    }
}

/// One call's record: what CDRs carry (caller, callee, start, answer, end,
/// duration, billsec, disposition, SIP status and Q.850 cause, codecs) and
/// the contact center's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interaction {
    /// The gateway's id of the call.
    pub call_id: String,
    pub initiation: Initiation,
    /// E.164, a SIP user, `anonymous`, or a web caller's id.
    pub caller: Option<String>,
    /// The dialed number (inbound) or the number called (outbound).
    pub callee: Option<String>,
    /// The SIP trunk the call came in or went out through.
    pub trunk: Option<String>,
    pub customer_id: Option<i64>,
    /// The queue's code.
    pub queue: Option<String>,
    pub campaign_id: Option<i64>,
    pub started_at: String,
    /// When the caller left the IVR.
    pub ivr_ended_at: Option<String>,
    pub enqueued_at: Option<String>,
    /// When the call left its queue (answered, abandoned, overflowed).
    pub dequeued_at: Option<String>,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    /// Start to end.
    pub duration_ms: Option<i64>,
    /// Answer to end; 0 for a call never answered.
    pub billsec_ms: Option<i64>,
    /// The agent who took the call (the last one, after transfers).
    pub agent_id: Option<i64>,
    pub hold_count: i64,
    pub hold_ms: i64,
    /// After-call work.
    pub wrap_up_ms: Option<i64>,
    pub disposition: Option<Disposition>,
    /// The agent's wrap-up code (e.g. `resolved`, `sale`).
    pub disposition_code: Option<String>,
    /// The agent's wrap-up notes.
    pub notes: Option<String>,
    pub wrapped_up_at: Option<String>,
    pub ended_by: Option<EndedBy>,
    /// The final SIP status (e.g. 486) when SIP ended it.
    pub sip_status: Option<u16>,
    /// The Q.850 cause, when known.
    pub q850: Option<u16>,
    /// e.g. `PCMU` or `PCMU/PCMA` (caller side / agent side).
    pub codecs: Option<String>,
    /// The recording's id (its file name), if the call was recorded.
    pub recording: Option<String>,
    /// The caller's survey score.
    pub survey_score: Option<i64>,
    /// The IVR nodes the call went through, in order.
    pub ivr_path: Vec<String>,
    /// What the IVR collected or set.
    pub ivr_vars: BTreeMap<String, String>,
    /// The name of the customer (`customer_id`), when the call has one.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// The tickets opened on this call, oldest first.
    #[serde(default)]
    pub tickets: Vec<crate::tickets::TicketBrief>,
}

/// One leg of a call: the customer's, an agent's, a supervisor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionLeg {
    /// The call layer's name of the leg, unique within the call.
    pub leg: String,
    pub kind: LegKind,
    pub agent_id: Option<i64>,
    /// The number on a SIP leg.
    pub number: Option<String>,
    pub started_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    pub ended_by: Option<EndedBy>,
    pub sip_status: Option<u16>,
    pub codec: Option<String>,
}

/// Free-form JSON, as events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventData {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<EventData>),
    Map(BTreeMap<String, EventData>),
}

/// One state change of a call, in its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionEvent {
    pub id: i64,
    pub at: String,
    /// `resource.verb`, one of [`EVENT_KINDS`] (or a newer one).
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<EventData>,
}

/// `GET /api/v1/interactions/{call_id}`: the record with its legs and
/// timeline (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionDetail {
    pub interaction: Interaction,
    pub legs: Vec<InteractionLeg>,
    pub events: Vec<InteractionEvent>,
}

/// `GET /api/v1/interactions`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionPage {
    pub items: Vec<Interaction>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/interactions/{call_id}/wrap_up`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WrapUpRequest {
    /// 1 to 64 characters, e.g. `resolved`.
    pub disposition_code: String,
    /// At most 4000 characters.
    #[serde(default)]
    pub notes: Option<String>,
}

// ---------------------------------------------------------------------------
// Callbacks
// ---------------------------------------------------------------------------

text_enum! {
    pub enum CallbackState {
        /// Waiting for its place or time to come up.
        Pending => "pending",
        /// Being dialed now.
        Dialing => "dialing",
        /// The customer answered.
        Completed => "completed",
        /// Every attempt failed.
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// How one attempt to call back went.
    pub enum CallbackResult {
        Busy => "busy",
        NoAnswer => "no_answer",
        Failed => "failed",
        Answered => "answered",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Callback {
    pub id: i64,
    /// The queue's code.
    pub queue: String,
    /// E.164.
    pub number: String,
    pub customer_id: Option<i64>,
    /// The call during which the caller asked for it, if any.
    pub call_id: Option<String>,
    pub requested_at: String,
    /// A scheduled callback's time; absent: as soon as its place comes up.
    pub due_at: Option<String>,
    /// Its place in the queue: the original call's entry time (or, for a
    /// scheduled one, its time).
    pub position_at: String,
    pub state: CallbackState,
    pub attempts: u32,
    pub max_attempts: u32,
    /// When the next attempt may start (after a busy or unanswered one).
    pub next_attempt_at: Option<String>,
    pub last_result: Option<CallbackResult>,
    /// The agent of the last attempt.
    pub agent_id: Option<i64>,
    /// The user who scheduled it; absent when a caller asked for it.
    pub created_by: Option<i64>,
    pub updated_at: String,
}

/// `POST /api/v1/callbacks`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCallback {
    /// The queue's code.
    pub queue: String,
    /// E.164 (`+` and country code); spaces, dashes, `00` for `+`, and
    /// Persian or Arabic-Indic digits are accepted.
    pub number: String,
    /// RFC 3339; absent: as soon as an agent of the queue is free.
    #[serde(default)]
    pub due_at: Option<String>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// 1 to 10; 3 when absent.
    #[serde(default)]
    pub max_attempts: Option<u32>,
}

/// `GET /api/v1/callbacks`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackPage {
    pub items: Vec<Callback>,
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------
// Voicemails
// ---------------------------------------------------------------------------

text_enum! {
    /// Whose mailbox a voicemail is in.
    pub enum MailboxKind {
        /// A queue's (target: the queue's code).
        Queue => "queue",
        /// A dialed number's (target: the number, E.164).
        Number => "number",
        /// An agent's own (target: the agent's user id).
        Agent => "agent",
    }
}

text_enum! {
    pub enum VoicemailStatus {
        New => "new",
        /// Someone is assigned to follow it up.
        Assigned => "assigned",
        InProgress => "in_progress",
        Done => "done",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voicemail {
    pub id: i64,
    pub mailbox_kind: MailboxKind,
    pub mailbox: String,
    pub call_id: Option<String>,
    /// E.164, a SIP user or `anonymous`.
    pub caller: Option<String>,
    pub customer_id: Option<i64>,
    pub received_at: String,
    pub duration_ms: i64,
    pub status: VoicemailStatus,
    pub assigned_to: Option<i64>,
    pub notes: Option<String>,
    pub updated_at: String,
}

/// `GET /api/v1/voicemails`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoicemailPage {
    pub items: Vec<Voicemail>,
    pub next_cursor: Option<String>,
}

/// `PATCH /api/v1/voicemails/{id}`: only the fields present change; `null`
/// clears `assigned_to` or `notes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoicemailPatch {
    /// A user id (supervisors only). Assigning a new voicemail makes it
    /// `assigned`; clearing an assigned one makes it `new` again.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub assigned_to: Option<Option<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VoicemailStatus>,
    /// At most 4000 characters.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Option<Option<String>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kinds_are_resource_verb() {
        for k in EVENT_KINDS {
            assert!(is_event_kind(k), "{k}");
        }
        for bad in ["call", "call.", ".ended", "Call.Ended", "call ended", "call.ended!"] {
            assert!(!is_event_kind(bad), "{bad}");
        }
    }

    #[test]
    fn enums_round_trip_as_their_json_names() {
        for d in Disposition::ALL {
            assert_eq!(serde_json::to_string(d).unwrap(), format!("\"{}\"", d.as_str()));
            assert_eq!(Disposition::parse(d.as_str()), Some(*d));
        }
        assert_eq!(Disposition::parse("ivr_hang_up"), Some(Disposition::IvrHangUp));
        assert_eq!(VoicemailStatus::parse("in_progress"), Some(VoicemailStatus::InProgress));
        assert_eq!(Initiation::parse("nope"), None);
    }

    #[test]
    fn patch_tells_null_from_absent() {
        let p: VoicemailPatch = serde_json::from_str(r#"{"assigned_to":null}"#).unwrap();
        assert_eq!(p.assigned_to, Some(None));
        assert_eq!(p.notes, None);
        let p: VoicemailPatch = serde_json::from_str(r#"{"assigned_to":7,"notes":"x"}"#).unwrap();
        assert_eq!((p.assigned_to, p.notes), (Some(Some(7)), Some(Some("x".into()))));
        assert!(serde_json::from_str::<VoicemailPatch>(r#"{"other":1}"#).is_err());
    }

    #[test]
    fn event_data_reads_any_json() {
        let d: EventData = serde_json::from_str(r#"{"a":[1,2.5,"x",null,true],"b":{"c":-3}}"#).unwrap();
        let EventData::Map(m) = &d else { panic!("{d:?}") };
        assert_eq!(m["b"], EventData::Map([("c".to_owned(), EventData::Int(-3))].into()));
        assert_eq!(
            m["a"],
            EventData::List(vec![
                EventData::Int(1),
                EventData::Float(2.5),
                EventData::Text("x".into()),
                EventData::Null,
                EventData::Bool(true)
            ])
        );
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"a":[1,2.5,"x",null,true],"b":{"c":-3}}"#);
    }
}

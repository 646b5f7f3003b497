//! Outbound campaigns as the API shows them: a campaign's settings (caller
//! ID, call windows in the contact's time zone, attempts and retry delays
//! by result, what to do with answering machines, the pacing target, the
//! script and dispositions the agent sees), its contacts' results, the
//! do-not-call lists, the report of a CSV import and the dial log.
//!
//! Times are RFC 3339 UTC; numbers are E.164. Enumerations travel as text
//! in inputs so that a wrong one is answered 422 naming the field.

use serde::{Deserialize, Serialize};

text_enum! {
    /// How the dialer places calls.
    pub enum CampaignMode {
        /// The agent sees the contact first and dials.
        Preview => "preview",
        /// One call per free agent.
        Progressive => "progressive",
        /// More calls than free agents, paced to the abandon target.
        Predictive => "predictive",
        /// No agents: a message or an IVR flow.
        Agentless => "agentless",
    }
}

text_enum! {
    /// Where a campaign stands.
    pub enum CampaignStatus {
        /// Created, never started.
        Draft => "draft",
        Running => "running",
        /// No new calls; calls under way go on.
        Paused => "paused",
        /// Over for good.
        Stopped => "stopped",
    }
}

text_enum! {
    /// What the dialer does when a machine answers.
    pub enum MachineAction {
        HangUp => "hang_up",
        LeaveMessage => "leave_message",
        PassToAgent => "pass_to_agent",
    }
}

text_enum! {
    /// Where a contact stands.
    pub enum ContactStatus {
        /// Waiting for its next attempt.
        Pending => "pending",
        Dialing => "dialing",
        /// Talking to an agent; waits for the disposition.
        Connected => "connected",
        Done => "done",
    }
}

text_enum! {
    /// What one attempt came to.
    pub enum AttemptResult {
        Busy => "busy",
        NoAnswer => "no_answer",
        Failed => "failed",
        Machine => "machine",
        /// Answered with no agent free: heard the short message.
        Abandoned => "abandoned",
        Connected => "connected",
    }
}

text_enum! {
    /// Why a contact is done.
    pub enum Outcome {
        /// Talked to; the disposition says how it went.
        Completed => "completed",
        DoNotCall => "do_not_call",
        /// No attempts left.
        Exhausted => "exhausted",
        /// The campaign does not retry the last result.
        NoRetry => "no_retry",
        /// Its call windows never open.
        NoWindow => "no_window",
    }
}

/// A call window: on these days, from `start` to `end` in the contact's
/// own time zone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallWindow {
    /// `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`.
    pub days: Vec<String>,
    /// `HH:MM`, 24-hour.
    pub start: String,
    /// `HH:MM`, after `start` (`24:00` for midnight).
    pub end: String,
}

/// Minutes before the next attempt after each result; `null`: no retry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryMinutes {
    pub busy: Option<u32>,
    pub no_answer: Option<u32>,
    pub failed: Option<u32>,
    pub machine: Option<u32>,
    pub abandoned: Option<u32>,
}

impl Default for RetryMinutes {
    fn default() -> Self {
        RetryMinutes { busy: Some(10), no_answer: Some(60), failed: Some(240), machine: Some(240), abandoned: Some(30) }
    }
}

/// Everything about a campaign but its name, mode and status. Every field
/// has a default but `caller_id`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignSettings {
    /// The number the contacts see (E.164 as typed).
    pub caller_id: String,
    /// The queue whose agents take the campaign's calls.
    pub queue: Option<String>,
    /// IANA time zone for contacts without their own.
    pub time_zone: String,
    /// Country code (digits) for numbers imported without one.
    pub country_code: Option<String>,
    /// No windows: any time.
    pub windows: Vec<CallWindow>,
    /// Attempts per contact in all, 1 to 20.
    pub max_attempts: u32,
    pub retry_minutes: RetryMinutes,
    /// `hang_up`, `leave_message` or `pass_to_agent`.
    pub machine_action: String,
    /// Predictive: most abandoned calls per 100 live answers (0.1 to 10).
    pub target_abandon_percent: f64,
    /// Predictive: most calls ringing per free agent (1 to 5).
    pub max_ratio: f64,
    /// Agentless: most calls at once (1 to 500).
    pub max_lines: u32,
    /// Agentless: the IVR flow answered calls run (a message or a survey).
    pub flow: Option<String>,
    /// What the agent says, shown on the desk.
    pub script: String,
    /// The dispositions the agent picks from.
    pub dispositions: Vec<String>,
    /// The language of what the contacts hear (the drop message, the
    /// message left on machines): `en`, `fa`, `ar` or `tr`.
    pub language: String,
    /// How long a contact's phone may ring before the attempt is given up
    /// as not answered (10 to 120 seconds).
    pub ring_timeout_secs: u32,
    /// The voice prompt left on answering machines (`leave_message`); absent:
    /// the shipped `campaign_message`.
    pub message_prompt: Option<String>,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        CampaignSettings {
            caller_id: String::new(),
            queue: None,
            time_zone: "UTC".into(),
            country_code: None,
            windows: Vec::new(),
            max_attempts: 3,
            retry_minutes: RetryMinutes::default(),
            machine_action: "hang_up".into(),
            target_abandon_percent: 3.0,
            max_ratio: 3.0,
            max_lines: 10,
            flow: None,
            script: String::new(),
            dispositions: Vec::new(),
            language: "en".into(),
            ring_timeout_secs: 30,
            message_prompt: None,
        }
    }
}

/// The body of `POST /campaigns` and `PUT /campaigns/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    /// `preview`, `progressive`, `predictive` or `agentless`.
    pub mode: String,
    pub settings: CampaignSettings,
}

/// Contacts by where they stand.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCounts {
    pub total: i64,
    pub pending: i64,
    pub dialing: i64,
    pub connected: i64,
    pub done: i64,
}

/// One campaign.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub mode: CampaignMode,
    pub status: CampaignStatus,
    pub settings: CampaignSettings,
    pub contacts: ContactCounts,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub stopped_at: Option<String>,
}

/// A row of an import that was not loaded, and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    /// The file's line, counting from 1 (the header is line 1).
    pub line: u64,
    pub reason: String,
}

/// A row whose number came earlier.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateRow {
    pub line: u64,
    /// The earlier line with the same number; absent: already in the campaign.
    pub first_line: Option<u64>,
}

/// What a CSV import did: `rows` = `loaded` + bad + duplicates.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: u64,
    pub loaded: u64,
    pub blank_lines: u64,
    pub bad: Vec<BadRow>,
    pub duplicates: Vec<DuplicateRow>,
}

/// One contact and where it stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactResult {
    pub id: i64,
    pub number: String,
    pub name: Option<String>,
    pub time_zone: Option<String>,
    /// The list's other columns, in the file's order.
    pub fields: Vec<(String, String)>,
    pub status: ContactStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_result: Option<AttemptResult>,
    pub outcome: Option<Outcome>,
    pub disposition: Option<String>,
    pub agent_id: Option<i64>,
}

/// A page of a campaign's contacts with the campaign's totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignResults {
    pub counts: ContactCounts,
    /// Done contacts by outcome (`completed`, `exhausted`, …).
    pub outcomes: Vec<(String, i64)>,
    /// Completed contacts by disposition.
    pub dispositions: Vec<(String, i64)>,
    pub items: Vec<ContactResult>,
    /// Pass it as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A number on a do-not-call list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DncEntry {
    pub number: String,
    /// Absent: the global list.
    pub campaign_id: Option<i64>,
    pub added_at: String,
    pub added_by: Option<i64>,
}

/// The body of `POST …/dnc`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DncInput {
    /// As typed; stored as E.164.
    pub number: String,
}

/// One decision of the dialer, with why it was made then.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialLogEntry {
    pub id: i64,
    pub at: String,
    pub contact_id: Option<i64>,
    pub attempt: Option<i64>,
    pub agent_id: Option<i64>,
    /// `dial`, `preview`, `connect`, `drop`, `hang_up`, `leave_message`,
    /// `run_flow`, `retry`, `finish`, `list_dry`, `start`, `pause`, `stop`.
    pub action: String,
    pub reason: String,
    pub free_agents: i64,
    pub ringing: i64,
    /// Calls ringing per free agent the pacer allowed.
    pub ratio: f64,
    /// The rolling abandon rate, percent; absent before the first live answer.
    pub abandon_percent: Option<f64>,
}

/// A page of the dial log, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialLogPage {
    pub items: Vec<DialLogEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// What the agent's desk shows of a campaign call: the contact card, the
/// script and the dispositions to pick from (on `CallInfo::campaign`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignCall {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub contact_id: i64,
    pub contact_name: Option<String>,
    /// The list's other columns, in the file's order.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
    #[serde(default)]
    pub script: String,
    #[serde(default)]
    pub dispositions: Vec<String>,
}

/// The body of `POST /campaigns/{id}/contacts/{contact}/disposition`: how
/// the agent's campaign call went, and optionally when to call again.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositionInput {
    /// One of the campaign's dispositions (any text up to 64 characters
    /// when the campaign lists none).
    pub disposition: String,
    /// RFC 3339: call the contact back then (a callback the agent promised).
    #[serde(default)]
    pub callback_at: Option<String>,
}

/// A supervisor's alert about a running campaign.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignAlert {
    /// `list_dry`: there was room to dial and no contact was due.
    pub kind: String,
    /// RFC 3339: when it was raised.
    pub at: String,
    /// RFC 3339: when the next contact is due; absent: the list is used up.
    pub next_due: Option<String>,
}

/// A campaign as the dialer runs it now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignLive {
    pub campaign_id: i64,
    pub status: CampaignStatus,
    /// The dialer has the campaign loaded (a running or paused campaign
    /// with calls possible; false without a SIP trunk for outbound calls).
    pub dialing: bool,
    /// Agents free for the campaign's calls now.
    pub free_agents: u32,
    /// Calls placed and not yet answered.
    pub ringing: u32,
    /// Calls answered and not yet over (with agents, in the flow, hearing
    /// a message).
    pub in_progress: u32,
    /// Contacts loaded and waiting for an attempt (due or not).
    pub waiting: u32,
    /// Calls ringing per free agent the pacer allows now.
    pub ratio: f64,
    /// The rolling abandon rate, percent; absent before the first live answer.
    pub abandon_percent: Option<f64>,
    /// The target, percent.
    pub target_abandon_percent: f64,
    /// Live answers per call placed, over the pacer's window.
    pub answer_rate: f64,
    pub contacts: ContactCounts,
    /// The list ran dry and nothing was loaded since.
    pub alert: Option<CampaignAlert>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_and_settings_default() {
        for m in CampaignMode::ALL {
            assert_eq!(CampaignMode::parse(m.as_str()), Some(*m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        assert_eq!(MachineAction::parse("pass_to_agent"), Some(MachineAction::PassToAgent));
        assert_eq!(Outcome::parse("done"), None);
        let s: CampaignSettings = serde_json::from_str(r#"{"caller_id":"+4420"}"#).unwrap();
        assert_eq!((s.max_attempts, s.time_zone.as_str(), s.retry_minutes.busy), (3, "UTC", Some(10)));
        assert!(serde_json::from_str::<CampaignSettings>(r#"{"caller":"+4420"}"#).is_err());
    }
}

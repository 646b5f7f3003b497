//! The signed-in user's own views (`/api/v1/me/…`): the callbacks they
//! should see and their figures for one day. Each user sees only their own.

use serde::{Deserialize, Serialize};

use crate::records::Callback;

/// `GET /api/v1/me/callbacks`: the callbacks still to be made for the
/// user's queues or by the user (earliest due first), then those of the
/// user's that ended in the last 24 hours (latest first). At most 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCallbacks {
    pub items: Vec<Callback>,
}

/// `GET /api/v1/me/dashboard`: the user's calls of one day.
///
/// A call counts on the day its agent answered it, once it has ended, for
/// the agent who had it last (after a transfer, the one it went to).
/// Durations are milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyDashboard {
    /// `YYYY-MM-DD`, in `tz`.
    pub day: String,
    /// The IANA time zone the day is counted in (`UTC` unless asked).
    pub tz: String,
    /// RFC 3339: the day's first instant.
    pub from: String,
    /// RFC 3339: the next day's first instant.
    pub to: String,
    /// Calls answered and ended.
    pub calls: i64,
    /// Answer to end, less the time on hold, summed.
    pub talk_ms: i64,
    pub hold_ms: i64,
    /// After-call work, summed.
    pub wrap_up_ms: i64,
    /// (talk + hold + wrap-up) ÷ calls, rounded; absent without calls.
    pub average_handle_ms: Option<i64>,
    /// Offers to this user that nobody took in time (`offer.expired`).
    pub missed_offers: i64,
    /// The calls whose callers answered the survey.
    pub surveys: i64,
    /// Their mean score; absent without answers.
    pub survey_average: Option<f64>,
    /// Quality evaluations of the user's calls started in the 30 days
    /// before `to` ([`QUALITY_DAYS`]).
    #[serde(default)]
    pub evaluations: i64,
    /// Their mean score in %; absent without evaluations.
    #[serde(default)]
    pub quality_average_pct: Option<f64>,
}

/// How many days of evaluations the dashboard's quality figure covers.
pub const QUALITY_DAYS: i64 = 30;

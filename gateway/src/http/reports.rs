//! Supervisors' reports: `GET /api/v1/reports/{queues|agents|hours|days}`,
//! as JSON or as CSV (`Accept: text/csv` or `?format=csv`). The figures'
//! definitions are in `shared::reports`; the arithmetic in
//! `store::reports`. Hours and days are those of the center's time zone
//! (`wallboard.time_zone`), as the wallboard's "today" is.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use shared::reports::{Figures, GroupBy, MAX_PERIOD_DAYS, Report, WAIT_BUCKETS_SECS};

use super::error::{ApiPath, ApiQuery};
use super::interactions::parse_time;
use super::session::{Allowed, Supervisors};
use super::{AppError, AppState};
use crate::store::ReportRequest;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The period's start: RFC 3339, or a day `YYYY-MM-DD` (its first
    /// instant in the center's time zone). Today when absent.
    pub from: Option<String>,
    /// The period's end: RFC 3339 (excluded), or a day `YYYY-MM-DD`
    /// (included: up to the next day's first instant). The end of `from`'s
    /// day when absent. At most 93 days after `from`.
    pub to: Option<String>,
    /// A queue's code: only its calls, callbacks, voicemails and
    /// evaluations, and the activity of its members.
    pub queue: Option<String>,
    /// An agent's id: only the calls they answered, their activity,
    /// callbacks, voicemails and evaluations.
    pub agent: Option<i64>,
    /// `csv` for a CSV file (as `Accept: text/csv` does); `json` by default.
    pub format: Option<String>,
}

/// A report of a period, one row per queue, agent, hour or day.
///
/// Traffic figures count queue stays by the time the caller entered the
/// queue; handling figures count agents' segments by the time they
/// answered; the service level is the wallboard's rule (answered within
/// the queue's target ÷ answered and abandoned after it); occupancy is
/// (on call + wrap-up) ÷ (logged in − not ready). See the `Figures`
/// schema for every figure. As CSV: one line per row and a last `total`
/// line; durations in ms.
#[utoipa::path(
    get, path = "/api/v1/reports/{group}", tag = "reports",
    security(("session" = ["supervisor", "admin"])),
    params(("group" = GroupBy, Path, description = "queues, agents, hours or days"), ReportQuery),
    responses(
        (status = 200, body = Report),
        (status = 200, content_type = "text/csv", body = String, description = "With `Accept: text/csv` or `format=csv`"),
        (status = 400, description = "A bad group, time, period or filter; `detail` names it", body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
    )
)]
pub async fn report(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(group): ApiPath<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let group = GroupBy::parse(&group)
        .ok_or_else(|| AppError::BadRequest("group: one of queues, agents, hours, days".into()))?;
    let csv = match q.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(_) => return Err(AppError::BadRequest("format: json or csv".into())),
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.split(',').any(|p| p.trim().starts_with("text/csv"))),
    };
    let tz_name = state.config.wallboard.time_zone.clone();
    let tz = TimeZone::get(&tz_name).map_err(|e| AppError::Internal(format!("time zone: {e}")))?;
    let now = state.clock.now_ms();
    let from = match q.from.as_deref() {
        Some(s) => instant(s, "from", &tz, false)?,
        None => crate::wallboard::day_start(now, &tz),
    };
    let to = match q.to.as_deref() {
        Some(s) => instant(s, "to", &tz, true)?,
        None => next_day(from, &tz)?,
    };
    if to <= from {
        return Err(AppError::BadRequest("to: must be after from".into()));
    }
    if to - from > MAX_PERIOD_DAYS * 86_400_000 + 3_600_000 {
        return Err(AppError::BadRequest(format!("to: at most {MAX_PERIOD_DAYS} days after from")));
    }
    if let Some(queue) = &q.queue
        && (queue.is_empty() || queue.len() > 64 || queue.chars().any(char::is_control))
    {
        return Err(AppError::BadRequest("queue: a queue's code".into()));
    }
    if q.agent.is_some_and(|a| a <= 0) {
        return Err(AppError::BadRequest("agent: a user's id".into()));
    }
    let req = ReportRequest { group, from, to, queue: q.queue, agent: q.agent, tz, tz_name, now };
    let report = state.store.report(&req).await?;
    if !csv {
        return Ok(axum::Json(report).into_response());
    }
    let mut resp = csv_text(&report).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let name = format!("attachment; filename=\"report-{}.csv\"", group.as_str());
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).expect("ASCII"));
    Ok(resp)
}

/// Unix ms of an RFC 3339 time, or of a day's first instant in `tz` (the
/// next day's with `end`, so that an end day is included).
fn instant(s: &str, key: &str, tz: &TimeZone, end: bool) -> Result<i64, AppError> {
    if s.len() != 10 {
        return parse_time(s, key);
    }
    let bad = || AppError::BadRequest(format!("{key}: an RFC 3339 time or a day YYYY-MM-DD"));
    let b = s.as_bytes();
    if !b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }) {
        return Err(bad());
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[0..4].parse::<i16>(), s[5..7].parse::<i8>(), s[8..10].parse::<i8>()) else {
        return Err(bad());
    };
    let day = Date::new(y, m, d).map_err(|_| bad())?;
    let day = if end { day.tomorrow().map_err(|_| bad())? } else { day };
    Ok(day.to_zoned_datetime(tz.clone()).map_err(|_| bad())?.timestamp().as_millisecond())
}

/// The first instant of the day after the one `ms` falls in.
fn next_day(ms: i64, tz: &TimeZone) -> Result<i64, AppError> {
    let z = Timestamp::from_millisecond(ms)
        .map_err(|e| AppError::Internal(format!("clock: {e}")))?
        .to_zoned_datetime(tz.clone());
    z.tomorrow()
        .and_then(|t| t.start_of_day())
        .map(|t| t.timestamp().as_millisecond())
        .map_err(|e| AppError::Internal(format!("day: {e}")))
}

/// The columns of the CSV, after `key` and `label`.
fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "key",
        "label",
        "offered",
        "answered",
        "answered_in_target",
        "abandoned",
        "abandoned_in_target",
        "abandon_wait_avg_ms",
        "abandon_wait_max_ms",
        "other",
        "service_level_pct",
        "sl_breaches",
        "asa_ms",
        "max_answer_wait_ms",
    ]
    .map(String::from)
    .to_vec();
    for s in WAIT_BUCKETS_SECS {
        h.push(format!("answered_wait_le_{s}s"));
    }
    h.push(format!("answered_wait_gt_{}s", WAIT_BUCKETS_SECS[WAIT_BUCKETS_SECS.len() - 1]));
    h.extend(
        [
            "offers",
            "missed_offers",
            "handled",
            "transferred",
            "talk_ms",
            "hold_ms",
            "wrap_up_ms",
            "avg_talk_ms",
            "avg_hold_ms",
            "avg_wrap_up_ms",
            "aht_ms",
            "logins",
            "logged_in_ms",
            "not_ready_ms",
            "not_ready_by_reason",
            "idle_ms",
            "ringing_ms",
            "on_call_ms",
            "wrap_up_state_ms",
            "occupancy_pct",
            "callbacks_requested",
            "callbacks_completed",
            "callback_time_avg_ms",
            "voicemails",
            "dispositions",
            "surveys",
            "survey_avg",
            "evaluations",
            "quality_avg_pct",
        ]
        .map(String::from),
    );
    h
}

fn line(key: &str, label: &str, f: &Figures) -> Vec<String> {
    let n = |v: u32| v.to_string();
    let ms = |v: u64| v.to_string();
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let dec = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let mut l = vec![
        key.to_owned(),
        label.to_owned(),
        n(f.offered),
        n(f.answered),
        n(f.answered_in_target),
        n(f.abandoned),
        n(f.abandoned_in_target),
        opt(f.abandon_wait_avg_ms),
        opt(f.abandon_wait_max_ms),
        n(f.other),
        dec(f.service_level_pct),
        n(f.sl_breaches),
        opt(f.asa_ms),
        opt(f.max_answer_wait_ms),
    ];
    l.extend(f.answered_by_wait.iter().map(|c| n(*c)));
    let reasons: Vec<String> = f.not_ready_by_reason.iter().map(|r| format!("{}:{}", r.reason, r.ms)).collect();
    let codes: Vec<String> = f.dispositions.iter().map(|c| format!("{}:{}", c.code, c.count)).collect();
    l.extend([
        n(f.offers),
        n(f.missed_offers),
        n(f.handled),
        n(f.transferred),
        ms(f.talk_ms),
        ms(f.hold_ms),
        ms(f.wrap_up_ms),
        opt(f.avg_talk_ms),
        opt(f.avg_hold_ms),
        opt(f.avg_wrap_up_ms),
        opt(f.aht_ms),
        n(f.logins),
        ms(f.logged_in_ms),
        ms(f.not_ready_ms),
        reasons.join("; "),
        ms(f.idle_ms),
        ms(f.ringing_ms),
        ms(f.on_call_ms),
        ms(f.wrap_up_state_ms),
        dec(f.occupancy_pct),
        n(f.callbacks_requested),
        n(f.callbacks_completed),
        opt(f.callback_time_avg_ms),
        n(f.voicemails),
        codes.join("; "),
        n(f.surveys),
        dec(f.survey_avg),
        n(f.evaluations),
        dec(f.quality_avg_pct),
    ]);
    l
}

/// RFC 4180 text (CRLF) with a byte-order mark, as the calls report's
/// export writes it: cells a spreadsheet would take for a formula get a `'`.
pub fn csv_text(r: &Report) -> String {
    let mut out = String::from("\u{feff}");
    let mut put = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    put(&header());
    for row in &r.rows {
        put(&line(&row.key, &row.label, &row.figures));
    }
    put(&line("total", "", &r.total));
    out
}

fn cell(c: &str) -> String {
    let number_like = |s: &str| s.chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    let formula = match c.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !number_like(&c[1..]),
        _ => false,
    };
    let c = if formula { format!("'{c}") } else { c.to_owned() };
    if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_both_read() {
        let tehran = TimeZone::get("Asia/Tehran").unwrap();
        assert_eq!(instant("2023-11-15", "from", &tehran, false).unwrap(), 1_699_993_800_000);
        assert_eq!(instant("2023-11-15", "to", &tehran, true).unwrap(), 1_699_993_800_000 + 86_400_000);
        assert_eq!(instant("2023-11-14T22:13:20Z", "from", &tehran, false).unwrap(), 1_700_000_000_000);
        for bad in ["2023-02-30", "2023-1-015", "yesterday", "２٠23-01-01"] {
            assert!(instant(bad, "from", &tehran, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("-12.5"), "-12.5");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

//! The signed-in user's own views: the callbacks they should see and their
//! figures for a day ("my dashboard"). Agents and up; each user only ever
//! sees their own: there is no parameter naming another user.

use axum::extract::State;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use shared::me::{MyCallbacks, MyDashboard, QUALITY_DAYS};
use shared::quality::EvaluationList;

use super::error::ApiQuery;
use super::session::{Agents, Allowed};
use super::{AppError, AppState};
use crate::store::rfc3339;

/// The longest list `GET /me/callbacks` gives.
const CALLBACKS_MAX: i64 = 100;

/// The callbacks to see on the desk.
///
/// Those still to be made (`pending`, `dialing`) in a queue the user
/// serves, last attempted by them or scheduled by them, earliest due first
/// (their place in the queue: the due time, or the time of the next
/// attempt); then those last attempted or scheduled by the user that ended
/// (completed, failed, cancelled) in the last 24 hours, latest first. At
/// most 100.
#[utoipa::path(
    get, path = "/api/v1/me/callbacks", tag = "me",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = MyCallbacks), (status = 401, body = shared::Problem))
)]
pub async fn callbacks(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<MyCallbacks>, AppError> {
    let now = state.clock.now_ms();
    let rows = state.store.my_callbacks(authed.user.id, now, CALLBACKS_MAX).await?;
    Ok(axum::Json(MyCallbacks { items: rows.iter().map(|r| r.to_wire()).collect() }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// `YYYY-MM-DD`; today (in `tz`) when absent.
    pub day: Option<String>,
    /// An IANA time zone, e.g. `Asia/Tehran`; `UTC` when absent.
    pub tz: Option<String>,
}

/// The signed-in user's figures for one day.
///
/// Calls count on the day the user answered them, once ended, for the
/// agent who had them last. Talk time is answer to end less hold; average
/// handle time is (talk + hold + wrap-up) ÷ calls. Missed offers are the
/// offers to the user that nobody took in time (`offer.expired`). Survey
/// answers and their mean score are those of the same calls. Quality:
/// the evaluations of the user's calls started in the 30 days before the
/// day's end, and their mean score.
#[utoipa::path(
    get, path = "/api/v1/me/dashboard", tag = "me",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(DashboardQuery),
    responses(
        (status = 200, body = MyDashboard),
        (status = 400, description = "`day` is not a date, or `tz` not a known time zone", body = shared::Problem),
        (status = 401, body = shared::Problem),
    )
)]
pub async fn dashboard(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<axum::Json<MyDashboard>, AppError> {
    let tz_name = q.tz.as_deref().unwrap_or("UTC");
    let tz = zone(tz_name)?;
    let day = match q.day.as_deref() {
        Some(d) => parse_day(d)?,
        None => Timestamp::from_millisecond(state.clock.now_ms())
            .map_err(|e| AppError::Internal(format!("clock: {e}")))?
            .to_zoned_datetime(tz.clone())
            .date(),
    };
    let (from, to) = day_span(day, &tz)?;
    let f = state.store.day_figures(authed.user.id, from, to).await?;
    let (evaluations, score_bp) = state.store.quality_of(authed.user.id, to - QUALITY_DAYS * 86_400_000, to).await?;
    let talk_ms = (f.answered_ms - f.hold_ms).max(0);
    let handled = talk_ms + f.hold_ms + f.wrap_up_ms;
    Ok(axum::Json(MyDashboard {
        day: day.to_string(),
        tz: tz_name.to_owned(),
        from: rfc3339(from),
        to: rfc3339(to),
        calls: f.calls,
        talk_ms,
        hold_ms: f.hold_ms,
        wrap_up_ms: f.wrap_up_ms,
        average_handle_ms: (f.calls > 0).then(|| (handled + f.calls / 2) / f.calls),
        missed_offers: f.missed_offers,
        surveys: f.surveys,
        survey_average: (f.surveys > 0).then(|| f.survey_sum as f64 / f.surveys as f64),
        evaluations,
        quality_average_pct: (evaluations > 0).then(|| (score_bp as f64 / evaluations as f64).round() / 100.0),
    }))
}

/// The signed-in user's quality evaluations (the last 100), newest first:
/// the scorecard, the points per criterion, the score and the comment.
#[utoipa::path(
    get, path = "/api/v1/me/evaluations", tag = "me",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = EvaluationList), (status = 401, body = shared::Problem))
)]
pub async fn evaluations(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<EvaluationList>, AppError> {
    let f = crate::store::EvaluationFilter { agent_id: Some(authed.user.id), ..Default::default() };
    Ok(axum::Json(EvaluationList { items: state.store.evaluations(&f, 100).await? }))
}

fn zone(name: &str) -> Result<TimeZone, AppError> {
    let bad = || AppError::BadRequest("tz: not a known time zone".into());
    if name.len() > 64 {
        return Err(bad());
    }
    TimeZone::get(name).map_err(|_| bad())
}

/// A date written exactly `YYYY-MM-DD`.
fn parse_day(s: &str) -> Result<Date, AppError> {
    let bad = || AppError::BadRequest("day: a date written YYYY-MM-DD".into());
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape {
        return Err(bad());
    }
    let part = |r: std::ops::Range<usize>| s[r].parse::<i8>();
    let year = s[0..4].parse::<i16>().map_err(|_| bad())?;
    let (Ok(month), Ok(day)) = (part(5..7), part(8..10)) else { return Err(bad()) };
    Date::new(year, month, day).map_err(|_| bad())
}

/// The day's first instant and the next day's, in Unix ms.
fn day_span(day: Date, tz: &TimeZone) -> Result<(i64, i64), AppError> {
    let bad = || AppError::BadRequest("day: out of range".into());
    let from = day.to_zoned_datetime(tz.clone()).map_err(|_| bad())?.timestamp().as_millisecond();
    let to = day
        .tomorrow()
        .map_err(|_| bad())?
        .to_zoned_datetime(tz.clone())
        .map_err(|_| bad())?
        .timestamp()
        .as_millisecond();
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_strict_dates() {
        assert_eq!(parse_day("2024-02-29").unwrap(), Date::new(2024, 2, 29).unwrap());
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-01T00:00", "today", "", "２٠24-01-01"]
        {
            assert!(parse_day(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_day_spans_its_zone_with_daylight_saving() {
        let utc = day_span(Date::new(2023, 11, 14).unwrap(), &TimeZone::UTC).unwrap();
        assert_eq!(utc, (1_699_920_000_000, 1_699_920_000_000 + 86_400_000));
        // Tehran: UTC+3:30.
        let tehran = day_span(Date::new(2023, 11, 14).unwrap(), &zone("Asia/Tehran").unwrap()).unwrap();
        assert_eq!(tehran.0, 1_699_920_000_000 - 12_600_000);
        // The day Berlin moves its clocks forward has 23 hours.
        let berlin = day_span(Date::new(2024, 3, 31).unwrap(), &zone("Europe/Berlin").unwrap()).unwrap();
        assert_eq!(berlin.1 - berlin.0, 23 * 3_600_000);
        assert!(zone("Mars/Olympus").is_err());
    }
}

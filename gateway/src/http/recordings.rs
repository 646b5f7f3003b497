//! Call recordings for supervisors and admins: the search, and the audio
//! for the browser's player (byte ranges, so it seeks) or as a download.
//!
//! Downloads are for admins, and for supervisors on the queues whose
//! settings say `supervisors_download_recordings`. Every search, every
//! playback and every download (and every refused download) writes an
//! audit row; a playback is audited once, on its first request (no
//! `Range`, or one starting at byte 0), not on each range the player
//! asks for while seeking; a request from further on is audited too
//! unless the same user was audited for the same recording in the last
//! [`SESSION_MS`] (so skipping the first byte does not dodge the audit).
//! Files are served only from inside
//! `media.recordings_dir`, by ids that cannot name a path.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;
use shared::Role;
use shared::recordings::{RecordingPage, is_recording_id};
use shared::records::Disposition;

use super::error::{ApiPath, ApiQuery};
use super::interactions::{check_text, cursor, page_limit, parse_time};
use super::session::{Allowed, Authed, ClientAddr, Supervisors};
use super::voicemails::{resolve, serve_wav};
use super::{AppError, AppState};
use crate::store::RecordingFilter;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecordingQuery {
    /// RFC 3339: calls started at or after.
    pub from: Option<String>,
    /// RFC 3339: calls started before.
    pub to: Option<String>,
    /// An agent's id: calls they took or had a leg in.
    pub agent: Option<i64>,
    /// A queue's code.
    pub queue: Option<String>,
    /// The customer's code, or part of their name or of the caller's number.
    pub customer: Option<String>,
    /// The agent's wrap-up (disposition) code.
    pub disposition: Option<String>,
    /// How the call turned out.
    pub outcome: Option<Disposition>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AudioQuery {
    /// 1: as an attachment (a download), for the roles allowed; 0 or
    /// absent: inline, for the player.
    pub download: Option<u8>,
}

/// Queue code → whether its supervisors may download its recordings.
async fn download_policy(state: &AppState) -> Result<HashMap<String, bool>, AppError> {
    Ok(state.store.list_queues().await?.into_iter().map(|q| (q.name, q.supervisors_download_recordings)).collect())
}

/// Admins may download any recording; supervisors those of the queues
/// that allow it.
fn may_download(authed: &Authed, policy: &HashMap<String, bool>, queue: Option<&str>) -> bool {
    authed.user.role.at_least(Role::Admin) || queue.and_then(|q| policy.get(q)).copied().unwrap_or(false)
}

/// How long one user's requests for one recording count as one playback.
pub const SESSION_MS: u64 = 10 * 60_000;

/// (user, recording, download) → when that was last audited; pruned when
/// it grows.
#[derive(Debug, Default)]
pub struct Audited(HashMap<(i64, String, bool), u64>);

/// Whether this request is audited: it starts a playback, or the user has
/// no audited access to the recording in the last [`SESSION_MS`].
fn audit_due(state: &AppState, user: i64, id: &str, download: bool, range: Option<&str>) -> bool {
    let now = state.clock.now_ms().max(0) as u64;
    let mut table = state.recordings_audited.lock().unwrap_or_else(|e| e.into_inner());
    let seen = &mut table.0;
    if seen.len() > 10_000 {
        seen.retain(|_, at| now.saturating_sub(*at) < SESSION_MS);
    }
    let key = (user, id.to_owned(), download);
    let recent = seen.get(&key).is_some_and(|at| now.saturating_sub(*at) < SESSION_MS);
    let due = starts_playback(range) || !recent;
    if due {
        seen.insert(key, now);
    }
    due
}

/// Whether a request for the audio starts a playback (or a download):
/// no `Range`, or a range from byte 0. Later ranges are the same playback
/// seeking.
pub fn starts_playback(range: Option<&str>) -> bool {
    match range {
        None => true,
        Some(r) => r.trim().strip_prefix("bytes=").is_some_and(|s| s.trim_start().starts_with("0-")),
    }
}

/// Recorded calls, newest first.
///
/// Filters by the call's start, agent, queue, customer and disposition.
/// Each item says whether the signed-in user may download it. Audited.
#[utoipa::path(
    get, path = "/api/v1/recordings", tag = "recordings",
    security(("session" = ["supervisor", "admin"])),
    params(RecordingQuery),
    responses(
        (status = 200, body = RecordingPage),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Agents", body = shared::Problem),
    )
)]
pub async fn list(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiQuery(q): ApiQuery<RecordingQuery>,
) -> Result<axum::Json<RecordingPage>, AppError> {
    let limit = page_limit(q.limit, 50, 200)?;
    let customer = q.customer.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = customer {
        check_text(c, "customer", 100)?;
    }
    let f = RecordingFilter {
        from: q.from.as_deref().map(|t| parse_time(t, "from")).transpose()?,
        to: q.to.as_deref().map(|t| parse_time(t, "to")).transpose()?,
        agent_id: q.agent,
        queue: q.queue.filter(|s| !s.is_empty()),
        customer: customer.map(str::to_owned),
        disposition_code: q.disposition.filter(|s| !s.is_empty()),
        outcome: q.outcome,
    };
    let (mut items, next_cursor) = state.store.recordings(&f, cursor(q.cursor.as_deref())?, limit).await?;
    let policy = download_policy(&state).await?;
    for r in &mut items {
        r.can_download = may_download(&authed, &policy, r.queue.as_deref());
    }
    state.audit(&authed, addr, "recordings.searched", "recordings".into()).await?;
    Ok(axum::Json(RecordingPage { items, next_cursor }))
}

/// A recording's audio: a stereo WAV, the caller on the left channel and
/// the agent on the right.
///
/// Byte ranges are honoured (`Accept-Ranges: bytes`; 206 with
/// `Content-Range`, 416 for a range outside the file), so players seek.
/// `download=1` sends it as an attachment: admins, and supervisors where
/// the call's queue has `supervisors_download_recordings`. Each playback
/// or download is audited once (on its request without `Range` or from
/// byte 0).
#[utoipa::path(
    get, path = "/api/v1/recordings/{id}/audio", tag = "recordings",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = String, Path, description = "The recording's id (a call's first recording: the call's id)"), AudioQuery),
    responses(
        (status = 200, description = "The WAV file", content_type = "audio/wav", body = Vec<u8>),
        (status = 206, description = "Part of it (a Range request)", content_type = "audio/wav", body = Vec<u8>),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Agents; a download the user may not make", body = shared::Problem),
        (status = 404, description = "No such recording, deleted, or its file is missing", body = shared::Problem),
        (status = 416, description = "The range is outside the file"),
    )
)]
pub async fn audio(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<AudioQuery>,
    req: Request,
) -> Result<Response, AppError> {
    let download = match q.download {
        None | Some(0) => false,
        Some(1) => true,
        Some(_) => return Err(AppError::BadRequest("download: 0 or 1".into())),
    };
    if !is_recording_id(&id) {
        return Err(AppError::NotFound);
    }
    let r = state.store.recording(&id).await?.ok_or(AppError::NotFound)?;
    let target = format!("recording:{id}");
    if download && !may_download(&authed, &download_policy(&state).await?, r.queue.as_deref()) {
        state.audit(&authed, addr, "recording.download_refused", target).await?;
        return Err(AppError::Forbidden("downloading recordings is not allowed"));
    }
    let Some(path) = resolve(&state.config.media.recordings_dir, &format!("{id}.wav")).await else {
        tracing::warn!("a recording's file is missing or outside media.recordings_dir");
        return Err(AppError::NotFound);
    };
    let range = req.headers().get(header::RANGE).map(|v| v.to_str().unwrap_or("?"));
    if audit_due(&state, authed.user.id, &id, download, range) {
        let action = if download { "recording.downloaded" } else { "recording.played" };
        state.audit(&authed, addr, action, target).await?;
    }
    let disposition = format!("{}; filename=\"{id}.wav\"", if download { "attachment" } else { "inline" });
    serve_wav(path, req, HeaderValue::from_str(&disposition).ok()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_playback_is_its_first_request() {
        assert!(starts_playback(None));
        assert!(starts_playback(Some("bytes=0-")));
        assert!(starts_playback(Some("bytes=0-1023")));
        assert!(!starts_playback(Some("bytes=1024-")));
        assert!(!starts_playback(Some("bytes=-500")));
        assert!(!starts_playback(Some("bytes=10-0")));
        assert!(!starts_playback(Some("items=0-")));
    }
}

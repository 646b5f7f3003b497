//! Voicemails: the list, one voicemail, its follow-up (assignment, status,
//! notes) and its audio for the browser's player.
//!
//! Supervisors and admins see every voicemail; an agent sees their inbox:
//! those assigned to them, those in their own mailbox, and those nobody is
//! assigned to in the mailbox of a queue they serve. The audio goes to the
//! same people, every play is audited, and a stored path is served only if
//! it resolves inside `media.voicemail_dir`.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::records::{MailboxKind, Voicemail, VoicemailPage, VoicemailPatch, VoicemailStatus};
use tower::ServiceExt;

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::interactions::{check_text, cursor, is_supervisor, page_limit};
use super::session::{Agents, Allowed, Authed, ClientAddr};
use super::{AppError, AppState};
use crate::store::{VoicemailFilter, VoicemailRow};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VoicemailQuery {
    pub status: Option<VoicemailStatus>,
    pub mailbox_kind: Option<MailboxKind>,
    /// The mailbox: a queue's code, a number or an agent's id.
    pub mailbox: Option<String>,
    pub assigned_to: Option<i64>,
    /// `true`: only the signed-in user's inbox (assigned to them, in their
    /// own mailbox, or unassigned in a queue they serve), which is all an
    /// agent sees anyway; for supervisors, their own.
    pub mine: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
}

/// The voicemail, if `authed` may see it (supervisors: any; agents: their
/// inbox's): 404 when there is none, 403 when it is someone else's.
async fn visible(state: &AppState, authed: &Authed, id: i64) -> Result<VoicemailRow, AppError> {
    let v = state.store.voicemail(id).await?.ok_or(AppError::NotFound)?;
    if !is_supervisor(authed) && !in_inbox(state, authed, &v).await? {
        return Err(AppError::Forbidden("another agent's voicemail"));
    }
    Ok(v)
}

async fn in_inbox(state: &AppState, authed: &Authed, v: &VoicemailRow) -> Result<bool, AppError> {
    let queues = match v.voicemail.mailbox_kind {
        MailboxKind::Queue => state.store.agent_queue_codes(authed.user.id).await?,
        _ => Vec::new(),
    };
    Ok(v.in_inbox_of(authed.user.id, &queues))
}

/// Voicemails, newest first.
///
/// Supervisors and admins see every voicemail (`mine=true`: their own
/// inbox); an agent sees their inbox: assigned to them, in their own
/// mailbox, or unassigned in the mailbox of a queue they serve.
#[utoipa::path(
    get, path = "/api/v1/voicemails", tag = "voicemails",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(VoicemailQuery),
    responses((status = 200, body = VoicemailPage), (status = 400, body = shared::Problem), (status = 401, body = shared::Problem))
)]
pub async fn list(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<VoicemailQuery>,
) -> Result<axum::Json<VoicemailPage>, AppError> {
    let limit = page_limit(q.limit, 50, 200)?;
    let f = VoicemailFilter {
        status: q.status,
        mailbox_kind: q.mailbox_kind,
        mailbox: q.mailbox,
        assigned_to: q.assigned_to,
        inbox_of: (!is_supervisor(&authed) || q.mine == Some(true)).then_some(authed.user.id),
    };
    Ok(axum::Json(state.store.voicemails(&f, cursor(q.cursor.as_deref())?, limit).await?))
}

/// One voicemail.
#[utoipa::path(
    get, path = "/api/v1/voicemails/{id}", tag = "voicemails",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The voicemail's id")),
    responses(
        (status = 200, body = Voicemail),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Neither assigned to the agent nor in their mailbox", body = shared::Problem),
        (status = 404, body = shared::Problem),
    )
)]
pub async fn get(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Voicemail>, AppError> {
    Ok(axum::Json(visible(&state, &authed, id).await?.voicemail))
}

/// Follow a voicemail up: assign it (supervisors and admins), set its
/// status or notes (supervisors, admins, the assignee; while nobody is
/// assigned, the mailbox's agent or an agent of the mailbox's queue).
#[utoipa::path(
    patch, path = "/api/v1/voicemails/{id}", tag = "voicemails",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The voicemail's id")),
    request_body = VoicemailPatch,
    responses(
        (status = 200, body = Voicemail),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Not allowed to change this voicemail, or to assign", body = shared::Problem),
        (status = 404, body = shared::Problem),
    )
)]
pub async fn update(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<VoicemailPatch>,
) -> Result<axum::Json<Voicemail>, AppError> {
    let v = visible(&state, &authed, id).await?;
    let me = authed.user.id;
    if !is_supervisor(&authed) {
        if patch.assigned_to.is_some() {
            return Err(AppError::Forbidden("only supervisors assign voicemails"));
        }
        let assigned_to = v.voicemail.assigned_to;
        // `visible` let only the inbox's through: assigned to this agent,
        // or to nobody (their own mailbox, their queue's).
        if assigned_to.is_some_and(|a| a != me) {
            return Err(AppError::Forbidden("assigned to someone else"));
        }
    }
    if let Some(Some(user)) = patch.assigned_to {
        let ok = state.store.user(user).await?.is_some_and(|u| !u.disabled);
        if !ok {
            return Err(AppError::BadRequest("assigned_to: no such user".into()));
        }
    }
    if let Some(Some(n)) = &patch.notes {
        check_text(n, "notes", 4000)?;
    }
    let now = state.clock.now_ms();
    let v = state.store.voicemail_update(id, &patch, now).await?.ok_or(AppError::NotFound)?;
    state.audit(&authed, addr, "voicemail.updated", format!("voicemail:{id}")).await?;
    Ok(axum::Json(v.voicemail))
}

/// The voicemail's audio (WAV), for the browser's player; byte ranges
/// are honoured.
#[utoipa::path(
    get, path = "/api/v1/voicemails/{id}/audio", tag = "voicemails",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The voicemail's id")),
    responses(
        (status = 200, description = "The WAV file", content_type = "audio/wav", body = Vec<u8>),
        (status = 206, description = "Part of it (a Range request)", content_type = "audio/wav", body = Vec<u8>),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Neither assigned to the agent nor in their mailbox", body = shared::Problem),
        (status = 404, description = "No such voicemail, or its audio is missing", body = shared::Problem),
    )
)]
pub async fn audio(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> Result<Response, AppError> {
    let v = visible(&state, &authed, id).await?;
    let Some(path) = resolve(&state.config.media.voicemail_dir, &v.file).await else {
        // The detail stays out of the answer; the log has the id only.
        tracing::warn!(voicemail = id, "voicemail audio missing or outside media.voicemail_dir");
        return Err(AppError::NotFound);
    };
    state.audit(&authed, addr, "voicemail.played", format!("voicemail:{id}")).await?;
    serve_wav(path, req, None).await
}

/// The WAV file at `path` for `req`, byte ranges honoured (206 with
/// `Content-Range`, 416 outside the file), never cached; with
/// `disposition` as its `Content-Disposition` when given.
pub(super) async fn serve_wav(
    path: PathBuf,
    req: Request,
    disposition: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let resp = tower_http::services::ServeFile::new(path)
        .oneshot(req)
        .await
        .map_err(|e| AppError::Internal(format!("audio file: {e}")))?;
    if resp.status() == axum::http::StatusCode::NOT_FOUND {
        return Err(AppError::NotFound);
    }
    let mut resp = resp.map(axum::body::Body::new).into_response();
    let ok = resp.status().is_success();
    let h = resp.headers_mut();
    if ok {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
        if let Some(d) = disposition {
            h.insert(header::CONTENT_DISPOSITION, d);
        }
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(resp)
}

/// The file `stored` names inside `dir`, if it is a plain relative path that
/// stays inside `dir` once links are followed, and the file exists.
pub(super) async fn resolve(dir: &Path, stored: &str) -> Option<PathBuf> {
    let rel = Path::new(stored);
    if stored.is_empty() || stored.contains('\0') || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let base = tokio::fs::canonicalize(dir).await.ok()?;
    let full = tokio::fs::canonicalize(base.join(rel)).await.ok()?;
    let meta = tokio::fs::metadata(&full).await.ok()?;
    (full.starts_with(&base) && meta.is_file()).then_some(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_plain_paths_inside_the_folder_resolve() {
        let root = std::env::temp_dir().join(format!("cc-vm-{}", rand::random::<u64>()));
        let dir = root.join("voicemail");
        std::fs::create_dir_all(dir.join("2024")).unwrap();
        std::fs::write(dir.join("2024/a.wav"), b"RIFF").unwrap();
        std::fs::write(root.join("secret.wav"), b"RIFF").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("secret.wav"), dir.join("link.wav")).unwrap();

        assert_eq!(resolve(&dir, "2024/a.wav").await, Some(dir.join("2024/a.wav").canonicalize().unwrap()));
        for bad in ["", "../secret.wav", "2024/../../secret.wav", "./2024/a.wav", "/etc/passwd", "2024", "nope.wav"] {
            assert_eq!(resolve(&dir, bad).await, None, "{bad:?}");
        }
        let abs = root.join("secret.wav").display().to_string();
        assert_eq!(resolve(&dir, &abs).await, None);
        #[cfg(unix)]
        assert_eq!(resolve(&dir, "link.wav").await, None, "a link out of the folder");
        std::fs::remove_dir_all(&root).unwrap();
    }
}

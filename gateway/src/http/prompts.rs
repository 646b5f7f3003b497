//! Voice prompts: supervisors list and listen to them, administrators
//! upload their own recordings (they win over the shipped ones) and take
//! them back. An upload is a WAV file as the catalog takes it (8000 Hz,
//! mono, 16-bit PCM, at most 2 MiB, i.e. about two minutes; sox converts
//! anything else: `sox in.mp3 -r 8000 -c 1 -b 16 out.wav`). It is checked
//! before it is written, written under `media.prompts_override_dir/<lang>/`
//! (through a temporary file, so the IVR never reads half a file), and the
//! IVR plays it from the next call on (`RoutingChanged::Prompts` makes call
//! control reload the catalog). Every change is audited.

use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::{Lang, Problem};

use super::error::ApiPath;
use super::routing_events::RoutingChanged;
use super::session::{Admins, Allowed, ClientAddr, Supervisors};
use super::{AppError, AppState};
use crate::media::wav;
use crate::prompts::{self, MAX_SECONDS, valid_id};

/// The largest upload: 2 MiB (the server's body limit), about two minutes.
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024;

/// A prompt in the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PromptInfo {
    /// `en`, `fa`, `ar` or `tr`.
    pub language: String,
    pub id: String,
    /// Whether an administrator's recording replaces the shipped one (or
    /// adds a prompt the gateway does not ship).
    pub custom: bool,
    /// Whether the gateway ships this prompt.
    pub shipped: bool,
}

/// Every prompt of every language, shipped and uploaded.
#[utoipa::path(
    get, path = "/api/v1/prompts", tag = "prompts",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<PromptInfo>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn list(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<PromptInfo>>, AppError> {
    let media = &state.config.media;
    let mut out = Vec::new();
    for lang in Lang::ALL {
        let shipped = ids_in(&media.prompts_dir.join(lang.tag()));
        let custom = ids_in(&media.prompts_override_dir.join(lang.tag()));
        let mut all: Vec<&String> = shipped.iter().chain(custom.iter()).collect();
        all.sort();
        all.dedup();
        out.extend(all.into_iter().map(|id| PromptInfo {
            language: lang.tag().to_owned(),
            id: id.clone(),
            custom: custom.contains(id),
            shipped: shipped.contains(id),
        }));
    }
    Ok(axum::Json(out))
}

/// The prompt as callers hear it (the uploaded one if there is one).
#[utoipa::path(
    get, path = "/api/v1/prompts/{language}/{id}", tag = "prompts",
    security(("session" = ["supervisor", "admin"])),
    params(("language" = String, Path, description = "en, fa, ar or tr"), ("id" = String, Path, description = "The prompt's id")),
    responses(
        (status = 200, description = "audio/wav", content_type = "audio/wav"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn audio(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath((language, id)): ApiPath<(String, String)>,
) -> Result<Response, AppError> {
    let (lang, id) = parse(&language, &id).ok_or(AppError::NotFound)?;
    let media = &state.config.media;
    let custom = file(&media.prompts_override_dir, lang, &id);
    let path = if custom.is_file() { custom } else { file(&media.prompts_dir, lang, &id) };
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)?;
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    Ok(resp)
}

/// Uploads a recording for a prompt: replaces the shipped one, or adds a
/// prompt for IVR flows to play.
#[utoipa::path(
    put, path = "/api/v1/prompts/{language}/{id}", tag = "prompts",
    security(("session" = ["admin"])),
    params(("language" = String, Path, description = "en, fa, ar or tr"), ("id" = String, Path, description = "1 to 64 of a-z, A-Z, 0-9, _ and -")),
    request_body(content = Vec<u8>, content_type = "audio/wav", description = "8000 Hz mono 16-bit PCM WAV, at most 2 MiB"),
    responses(
        (status = 200, body = PromptInfo),
        (status = 400, description = "Not audio/wav", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No such language", body = Problem),
        (status = 422, description = "Not a WAV the IVR can play; `detail` says why", body = Problem),
    )
)]
pub async fn upload(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath((language, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<PromptInfo>, AppError> {
    let Some(lang) = Lang::parse(&language) else { return Err(AppError::NotFound) };
    if !valid_id(&id) {
        return Err(AppError::invalid("id: 1 to 64 of a-z, A-Z, 0-9, _ and -"));
    }
    let wav_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| ["audio/wav", "audio/x-wav", "audio/wave"].iter().any(|t| v.starts_with(t)));
    if !wav_type {
        return Err(AppError::BadRequest("expected Content-Type: audio/wav".into()));
    }
    check(&body).map_err(AppError::invalid)?;
    let media = &state.config.media;
    let dir = media.prompts_override_dir.join(lang.tag());
    let target = file(&media.prompts_override_dir, lang, &id);
    let tmp = dir.join(format!(".{id}.upload"));
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&tmp, &body).await?;
        tokio::fs::rename(&tmp, &target).await
    };
    if let Err(e) = written.await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(AppError::Internal(format!("prompt not written: {e}")));
    }
    state.audit(&authed, addr, "prompt.uploaded", format!("prompt:{}/{id}", lang.tag())).await?;
    let _ = state.routing_changes.send(RoutingChanged::Prompts);
    let shipped = file(&media.prompts_dir, lang, &id).is_file();
    Ok(axum::Json(PromptInfo { language: lang.tag().to_owned(), id, custom: true, shipped }))
}

/// Takes an uploaded recording back: the shipped prompt plays again (an
/// added prompt is gone).
#[utoipa::path(
    delete, path = "/api/v1/prompts/{language}/{id}", tag = "prompts",
    security(("session" = ["admin"])),
    params(("language" = String, Path, description = "en, fa, ar or tr"), ("id" = String, Path, description = "The prompt's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No uploaded recording for it", body = Problem),
    )
)]
pub async fn remove(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath((language, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, AppError> {
    let (lang, id) = parse(&language, &id).ok_or(AppError::NotFound)?;
    let target = file(&state.config.media.prompts_override_dir, lang, &id);
    match tokio::fs::remove_file(&target).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Internal(format!("prompt not removed: {e}"))),
    }
    state.audit(&authed, addr, "prompt.removed", format!("prompt:{}/{id}", lang.tag())).await?;
    let _ = state.routing_changes.send(RoutingChanged::Prompts);
    Ok(StatusCode::NO_CONTENT)
}

/// Whether `bytes` is a prompt the catalog loads: a WAV at 8000 Hz, mono,
/// 16-bit PCM, not empty, not longer than the catalog allows.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() > MAX_UPLOAD {
        return Err("the file: at most 2 MiB".into());
    }
    let parsed = wav::read(bytes).map_err(|e| format!("the file: {e}"))?;
    if parsed.channels != 1 {
        return Err(format!("the file: must be mono (has {} channels)", parsed.channels));
    }
    if parsed.samples.is_empty() {
        return Err("the file: has no sound".into());
    }
    if parsed.samples.len() > MAX_SECONDS * wav::RATE as usize {
        return Err(format!("the file: at most {MAX_SECONDS} s"));
    }
    Ok(())
}

fn parse(language: &str, id: &str) -> Option<(Lang, String)> {
    let lang = Lang::parse(language)?;
    valid_id(id).then(|| (lang, id.to_owned()))
}

fn file(root: &Path, lang: Lang, id: &str) -> PathBuf {
    root.join(lang.tag()).join(format!("{id}.wav"))
}

/// The prompt ids of one folder (none when it is absent).
fn ids_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok()?.path().file_name()?.to_str().map(str::to_owned))
        .filter_map(|name| name.strip_suffix(".wav").filter(|id| prompts::valid_id(id)).map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_of(channels: u16, samples: &[i16]) -> Vec<u8> {
        let mut w = wav::WavWriter::new(std::io::Cursor::new(Vec::new()), channels).unwrap();
        w.write(samples).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn uploads_are_checked_like_the_catalog_loads_them() {
        assert!(check(&wav_of(1, &[1, 2, 3])).is_ok());
        assert!(check(&wav_of(2, &[1, 2, 3, 4])).unwrap_err().contains("mono"));
        assert!(check(&wav_of(1, &[])).unwrap_err().contains("no sound"));
        assert!(check(b"ID3 not a wav").unwrap_err().contains("RIFF"));
        assert!(check(&vec![0; MAX_UPLOAD + 1]).unwrap_err().contains("2 MiB"));
        assert_eq!(parse("fa", "welcome"), Some((Lang::Fa, "welcome".into())));
        assert_eq!(parse("xx", "welcome"), None);
        assert_eq!(parse("en", "../../etc/passwd"), None, "ids never name a path");
    }
}

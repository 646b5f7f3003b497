//! Outbound campaigns for supervisors and administrators: the campaigns
//! and their settings, contact lists imported from CSV (every row not
//! loaded reported with its line and why), the do-not-call lists (global
//! and per campaign), start / pause / stop, the results (JSON pages or one
//! CSV file) and the dial log.
//!
//! Start, pause and stop change the campaign's state, which the dialer's
//! driver follows. Every change is audited; the audit log and the tracing
//! log name campaigns by id and never carry a contact's number.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::Problem;
use shared::campaign::{
    BadRow, Campaign, CampaignInput, CampaignLive, CampaignResults, CampaignStatus, DialLogPage, DispositionInput,
    DncEntry, DncInput, DuplicateRow, ImportReport,
};

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::interactions::{cursor, page_limit};
use super::session::{Agents, Allowed, Authed, ClientAddr, Supervisors};
use super::{AppError, AppState};
use crate::campaign::{csv, import, settings};
use crate::store::{CampaignFields, DialLogRow};

/// Largest CSV list accepted.
const IMPORT_MAX_BYTES: usize = 20 * 1024 * 1024;

fn key(name: &str) -> Option<(&'static str, String)> {
    Some(("key", name.to_owned()))
}

/// Tells the dialer (when it runs) that a campaign or the global
/// do-not-call list (`None`) changed.
fn tell_dialer(state: &AppState, campaign: Option<i64>) {
    if let Some(d) = state.dialer.get() {
        d.changed(campaign);
    }
}

/// Every campaign, newest first, with its contacts counted by status.
#[utoipa::path(
    get, path = "/api/v1/campaigns", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<Campaign>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn list(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Campaign>>, AppError> {
    Ok(axum::Json(state.store.campaigns().list().await?))
}

/// Create a campaign (in `draft`).
#[utoipa::path(
    post, path = "/api/v1/campaigns", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    request_body = CampaignInput,
    responses(
        (status = 201, body = Campaign),
        (status = 400, description = "Not JSON, a missing or unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "A setting is wrong; `key` names it", body = Problem),
    )
)]
pub async fn create(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<(StatusCode, axum::Json<Campaign>), AppError> {
    let c = settings::check(&input)?;
    let fields = CampaignFields { name: &c.name, mode: c.mode, settings: &c.settings };
    let campaign = state.store.campaigns().create(&fields, authed.user.id, state.clock.now_ms()).await?;
    state.audit(&authed, addr, "campaign.created", format!("campaign:{}", campaign.id)).await?;
    Ok((StatusCode::CREATED, axum::Json(campaign)))
}

/// One campaign.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
pub async fn read(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Campaign>, AppError> {
    Ok(axum::Json(existing(&state, id).await?))
}

async fn existing(state: &AppState, id: i64) -> Result<Campaign, AppError> {
    state.store.campaigns().by_id(id).await?.ok_or(AppError::NotFound)
}

/// Replace a campaign's name, mode and settings (not once it is stopped).
#[utoipa::path(
    put, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    request_body = CampaignInput,
    responses(
        (status = 200, body = Campaign),
        (status = 400, description = "Not JSON, a missing or unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The name is taken, or the campaign is stopped", body = Problem),
        (status = 422, description = "A setting is wrong; `key` names it", body = Problem),
    )
)]
pub async fn update(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<axum::Json<Campaign>, AppError> {
    if existing(&state, id).await?.status == CampaignStatus::Stopped {
        return Err(AppError::Conflict("the campaign is stopped".into()));
    }
    let c = settings::check(&input)?;
    let fields = CampaignFields { name: &c.name, mode: c.mode, settings: &c.settings };
    let campaign =
        state.store.campaigns().update(id, &fields, state.clock.now_ms()).await?.ok_or(AppError::NotFound)?;
    state.audit(&authed, addr, "campaign.updated", format!("campaign:{id}")).await?;
    tell_dialer(&state, Some(id));
    Ok(axum::Json(campaign))
}

/// Import contacts from CSV. The first row names the columns: one for the
/// number (`number`, `phone`, `mobile`, `tel`), optionally `name` and
/// `time_zone` (IANA), and any others as customer fields. Digits may be in
/// any script; national numbers get the campaign's country code. Rows that
/// load are added; every other row is reported with its line and why, or
/// as a duplicate of an earlier line or of a contact already listed.
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/contacts", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    request_body(content = String, content_type = "text/csv", description = "UTF-8 CSV with a header row, at most 20 MiB"),
    responses(
        (status = 200, body = ImportReport),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The campaign is stopped", body = Problem),
        (status = 422, description = "The file as a whole cannot be read, is not UTF-8 or is larger than 20 MiB (`key` is `file`)", body = Problem),
    )
)]
pub async fn import_contacts(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    body: Body,
) -> Result<axum::Json<ImportReport>, AppError> {
    let campaign = existing(&state, id).await?;
    if campaign.status == CampaignStatus::Stopped {
        return Err(AppError::Conflict("the campaign is stopped".into()));
    }
    let bytes = axum::body::to_bytes(body, IMPORT_MAX_BYTES)
        .await
        .map_err(|_| AppError::Invalid { detail: "file: larger than 20 MiB".into(), member: key("file") })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| AppError::Invalid { detail: "file: must be UTF-8 text".into(), member: key("file") })?;
    let campaigns = state.store.campaigns();
    let listed = campaigns.numbers(id).await?;
    let config = import::ImportConfig { country_code: campaign.settings.country_code.clone() };
    let read = import::import(text, &config, &listed)
        .map_err(|e| AppError::Invalid { detail: format!("file: {e}"), member: key("file") })?;
    let loaded = campaigns.add_contacts(id, &read.contacts, state.clock.now_ms()).await?;
    state.audit(&authed, addr, "campaign.contacts_imported", format!("campaign:{id}")).await?;
    tracing::info!(campaign = id, rows = read.rows, loaded, bad = read.bad.len(), "contact list imported");
    tell_dialer(&state, Some(id));
    Ok(axum::Json(ImportReport {
        rows: read.rows as u64,
        loaded,
        blank_lines: read.blank_lines as u64,
        bad: read.bad.into_iter().map(|b| BadRow { line: b.line as u64, reason: b.reason }).collect(),
        duplicates: read
            .duplicates
            .into_iter()
            .map(|d| DuplicateRow { line: d.line as u64, first_line: d.first_line.map(|l| l as u64) })
            .collect(),
    }))
}

/// Start (or resume) a campaign: from draft or paused.
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/start", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Running or stopped already", body = Problem))
)]
pub async fn start(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Campaign>, AppError> {
    let from = [CampaignStatus::Draft, CampaignStatus::Paused];
    change_status(&state, &authed, addr, id, &from, CampaignStatus::Running, "start").await
}

/// Pause a running campaign: no new calls; calls under way go on.
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/pause", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Not running", body = Problem))
)]
pub async fn pause(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Campaign>, AppError> {
    change_status(&state, &authed, addr, id, &[CampaignStatus::Running], CampaignStatus::Paused, "pause").await
}

/// Stop a campaign for good.
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/stop", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Stopped already", body = Problem))
)]
pub async fn stop(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Campaign>, AppError> {
    let from = [CampaignStatus::Draft, CampaignStatus::Running, CampaignStatus::Paused];
    change_status(&state, &authed, addr, id, &from, CampaignStatus::Stopped, "stop").await
}

async fn change_status(
    state: &AppState,
    authed: &Authed,
    addr: std::net::IpAddr,
    id: i64,
    from: &[CampaignStatus],
    to: CampaignStatus,
    verb: &str,
) -> Result<axum::Json<Campaign>, AppError> {
    let before = existing(state, id).await?;
    let now = state.clock.now_ms();
    let campaigns = state.store.campaigns();
    if !campaigns.set_status(id, from, to, now).await? {
        return Err(AppError::Conflict(format!("the campaign is {}", before.status.as_str())));
    }
    let reason = format!("{} by user {}", to.as_str(), authed.user.id);
    let entry = DialLogRow {
        campaign_id: id,
        at: now,
        contact_id: None,
        attempt: None,
        agent_id: None,
        action: verb.to_owned(),
        reason,
        free_agents: 0,
        ringing: 0,
        ratio: 1.0,
        abandon_rate: None,
    };
    campaigns.log(&entry).await?;
    state.audit(authed, addr, &format!("campaign.{}", to.as_str()), format!("campaign:{id}")).await?;
    tell_dialer(state, Some(id));
    Ok(axum::Json(existing(state, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 1000; 200 when absent.
    pub limit: Option<i64>,
}

impl PageQuery {
    fn page(&self) -> Result<(i64, Option<crate::store::Cursor>), AppError> {
        Ok((page_limit(self.limit, 200, 1000)?, cursor(self.cursor.as_deref())?))
    }
}

/// The campaign's results: contacts by status, outcomes and dispositions,
/// and a page of contacts with where each stands.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/results", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id"), PageQuery),
    responses((status = 200, body = CampaignResults), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
pub async fn results(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<axum::Json<CampaignResults>, AppError> {
    let (limit, after) = q.page()?;
    let campaign = existing(&state, id).await?;
    let campaigns = state.store.campaigns();
    let (items, next) = campaigns.contacts(id, after, limit).await?;
    let (outcomes, dispositions) = campaigns.tallies(id).await?;
    Ok(axum::Json(CampaignResults {
        counts: campaign.contacts,
        outcomes,
        dispositions,
        items,
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Every contact's result as one CSV file (a spreadsheet opens it): the
/// list's own columns after ours.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/results.csv", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn results_csv(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, AppError> {
    existing(&state, id).await?;
    let campaigns = state.store.campaigns();
    let mut contacts = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = campaigns.contacts(id, after, 1000).await?;
        contacts.extend(page);
        match next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    let mut extra: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for c in &contacts {
        for (k, _) in &c.fields {
            if seen.insert(k.as_str()) {
                extra.push(k);
            }
        }
    }
    let mut out = String::new();
    let mut header: Vec<&str> = vec![
        "id",
        "number",
        "name",
        "time_zone",
        "status",
        "attempts",
        "last_result",
        "last_attempt_at",
        "next_attempt_at",
        "outcome",
        "disposition",
        "agent_id",
    ];
    header.extend(&extra);
    csv::write_line(&mut out, &header);
    for c in &contacts {
        let mut row = vec![
            c.id.to_string(),
            c.number.clone(),
            c.name.clone().unwrap_or_default(),
            c.time_zone.clone().unwrap_or_default(),
            c.status.as_str().to_owned(),
            c.attempts.to_string(),
            c.last_result.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            c.last_attempt_at.clone().unwrap_or_default(),
            c.next_attempt_at.clone().unwrap_or_default(),
            c.outcome.map(|o| o.as_str().to_owned()).unwrap_or_default(),
            c.disposition.clone().unwrap_or_default(),
            c.agent_id.map(|a| a.to_string()).unwrap_or_default(),
        ];
        for k in &extra {
            row.push(c.fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone()).unwrap_or_default());
        }
        csv::write_line(&mut out, &row);
    }
    let mut resp = out.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let disposition = format!("attachment; filename=\"campaign-{id}-results.csv\"");
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII"));
    Ok(resp)
}

/// The dial log, newest first: every decision of the dialer with why it
/// was made then and the pacing figures of that moment.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/dial_log", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id"), PageQuery),
    responses((status = 200, body = DialLogPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
pub async fn dial_log(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<axum::Json<DialLogPage>, AppError> {
    let (limit, before) = q.page()?;
    existing(&state, id).await?;
    let (items, next) = state.store.campaigns().log_page(id, before, limit).await?;
    Ok(axum::Json(DialLogPage { items, next_cursor: next.map(|c| c.encode()) }))
}

/// A number as typed, for a do-not-call list: E.164, digits in any script,
/// national numbers with the campaign's country code.
fn dnc_number(typed: &str, country_code: Option<&str>) -> Result<String, AppError> {
    import::phone(typed, country_code)
        .map_err(|e| AppError::Invalid { detail: format!("number {}", e.reason()), member: key("number") })
}

/// The global do-not-call list: no campaign calls these numbers.
#[utoipa::path(
    get, path = "/api/v1/dnc", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<DncEntry>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn global_dnc(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<DncEntry>>, AppError> {
    Ok(axum::Json(state.store.campaigns().dnc_list(None).await?))
}

/// Put a number on the global do-not-call list (201; 200 when it was there).
#[utoipa::path(
    post, path = "/api/v1/dnc", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    request_body = DncInput,
    responses((status = 201), (status = 200, description = "Already listed"), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, description = "Not a number; `key` is `number`", body = Problem))
)]
pub async fn add_global_dnc(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<DncInput>,
) -> Result<StatusCode, AppError> {
    let number = dnc_number(&input.number, None)?;
    dnc_change(&state, &authed, addr, None, &number, true).await
}

/// Take a number off the global do-not-call list.
#[utoipa::path(
    delete, path = "/api/v1/dnc/{number}", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("number" = String, Path, description = "E.164")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, description = "Not on the list", body = Problem), (status = 422, body = Problem))
)]
pub async fn remove_global_dnc(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(number): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    let number = dnc_number(&number, None)?;
    dnc_change(&state, &authed, addr, None, &number, false).await
}

/// A campaign's own do-not-call list.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/dnc", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = Vec<DncEntry>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
pub async fn campaign_dnc(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<DncEntry>>, AppError> {
    existing(&state, id).await?;
    Ok(axum::Json(state.store.campaigns().dnc_list(Some(id)).await?))
}

/// Put a number on a campaign's do-not-call list (201; 200 when it was there).
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/dnc", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    request_body = DncInput,
    responses((status = 201), (status = 200, description = "Already listed"), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "Not a number; `key` is `number`", body = Problem))
)]
pub async fn add_campaign_dnc(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DncInput>,
) -> Result<StatusCode, AppError> {
    let campaign = existing(&state, id).await?;
    let number = dnc_number(&input.number, campaign.settings.country_code.as_deref())?;
    dnc_change(&state, &authed, addr, Some(id), &number, true).await
}

/// Take a number off a campaign's do-not-call list.
#[utoipa::path(
    delete, path = "/api/v1/campaigns/{id}/dnc/{number}", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id"), ("number" = String, Path, description = "E.164")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, description = "No such campaign, or not on its list", body = Problem), (status = 422, body = Problem))
)]
pub async fn remove_campaign_dnc(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath((id, number)): ApiPath<(i64, String)>,
) -> Result<StatusCode, AppError> {
    let campaign = existing(&state, id).await?;
    let number = dnc_number(&number, campaign.settings.country_code.as_deref())?;
    dnc_change(&state, &authed, addr, Some(id), &number, false).await
}

async fn dnc_change(
    state: &AppState,
    authed: &Authed,
    addr: std::net::IpAddr,
    campaign: Option<i64>,
    number: &str,
    add: bool,
) -> Result<StatusCode, AppError> {
    let campaigns = state.store.campaigns();
    let target = match campaign {
        Some(id) => format!("campaign:{id}:dnc"),
        None => "dnc:global".to_owned(),
    };
    if add {
        let added = campaigns.dnc_add(campaign, number, authed.user.id, state.clock.now_ms()).await?;
        if !added {
            return Ok(StatusCode::OK);
        }
        state.audit(authed, addr, "dnc.added", target).await?;
        tell_dialer(state, campaign);
        Ok(StatusCode::CREATED)
    } else {
        if !campaigns.dnc_remove(campaign, number).await? {
            return Err(AppError::NotFound);
        }
        state.audit(authed, addr, "dnc.removed", target).await?;
        tell_dialer(state, campaign);
        Ok(StatusCode::NO_CONTENT)
    }
}

/// The campaign as the dialer runs it now: free agents, calls ringing and
/// under way, contacts waiting, the pacing ratio, the rolling abandon rate
/// against its target, contacts by status, and the list-dry alert.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/live", tag = "campaigns",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = CampaignLive), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
pub async fn live(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<CampaignLive>, AppError> {
    let campaign = existing(&state, id).await?;
    if let Some(d) = state.dialer.get()
        && let Some(mut live) = d.live(id).await
    {
        live.status = campaign.status;
        return Ok(axum::Json(live));
    }
    // Not loaded: a draft, a stopped campaign, or no dialer (no SIP).
    Ok(axum::Json(CampaignLive {
        campaign_id: id,
        status: campaign.status,
        dialing: false,
        free_agents: 0,
        ringing: 0,
        in_progress: 0,
        waiting: 0,
        ratio: 1.0,
        abandon_percent: None,
        target_abandon_percent: campaign.settings.target_abandon_percent,
        answer_rate: 0.0,
        contacts: campaign.contacts,
        alert: None,
    }))
}

/// The agent's disposition of the campaign contact they talked with, and
/// optionally when to call them back (before other contacts, once due).
/// Frees the agent for the campaign's next call.
#[utoipa::path(
    post, path = "/api/v1/campaigns/{id}/contacts/{contact}/disposition", tag = "campaigns",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The campaign's id"), ("contact" = i64, Path, description = "The contact's id")),
    request_body = DispositionInput,
    responses(
        (status = 204),
        (status = 400, body = Problem),
        (status = 401, body = Problem),
        (status = 403, description = "Another agent's contact", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The contact is not waiting for a disposition", body = Problem),
        (status = 422, description = "Not one of the campaign's dispositions (`key` is `disposition`), or a bad `callback_at`", body = Problem),
    )
)]
pub async fn disposition(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath((id, contact)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DispositionInput>,
) -> Result<StatusCode, AppError> {
    let campaign = existing(&state, id).await?;
    let d = input.disposition.trim();
    let listed = &campaign.settings.dispositions;
    let known = if listed.is_empty() {
        !d.is_empty() && d.chars().count() <= 64 && !d.chars().any(char::is_control)
    } else {
        listed.iter().any(|x| x == d)
    };
    if !known {
        let detail = "disposition: not one of the campaign's dispositions".to_owned();
        return Err(AppError::Invalid { detail, member: key("disposition") });
    }
    let now = state.clock.now_ms();
    let callback_at = match input.callback_at.as_deref() {
        None => None,
        Some(t) => {
            let at = t.parse::<jiff::Timestamp>().map(|t| t.as_millisecond()).ok().filter(|at| *at > now);
            let detail = "callback_at: must be an RFC 3339 time in the future".to_owned();
            Some(at.ok_or(AppError::Invalid { detail, member: key("callback_at") })?)
        }
    };
    let dialer = state.dialer.get().ok_or_else(|| AppError::Conflict("no dialer runs".into()))?;
    let by = (authed.user.role == shared::Role::Agent).then_some(authed.user.id);
    match dialer.disposition(id, contact, by, d.to_owned(), callback_at).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(crate::drive::dialer::DispositionError::NotYours) => Err(AppError::Forbidden("another agent's contact")),
        Err(crate::drive::dialer::DispositionError::NotConnected) => {
            Err(AppError::Conflict("the contact is not waiting for a disposition".into()))
        }
    }
}

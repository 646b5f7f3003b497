//! The gateway's REST endpoints the apps call: opening, reading and closing
//! the session. The session itself is an HttpOnly cookie the browser keeps;
//! these calls only send it along (same origin).

use serde::de::DeserializeOwned;
use shared::{LoginRequest, Problem, SessionInfo};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

use crate::messages::problem_message_key;

const SESSIONS: &str = "/api/v1/sessions";
const CURRENT_SESSION: &str = "/api/v1/sessions/current";

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The gateway answered with problem details.
    Problem(Problem),
    /// No answer: the network or the gateway is down.
    Network,
    /// An answer we cannot read, with its HTTP status.
    Unexpected(u16),
}

impl ApiError {
    /// The message key to show the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            ApiError::Problem(p) => problem_message_key(&p.code),
            ApiError::Network => "error-network",
            ApiError::Unexpected(_) => "error-generic",
        }
    }
}

/// `POST /api/v1/sessions`: signs in; the gateway sets the session cookie.
pub async fn login(req: &LoginRequest) -> Result<SessionInfo, ApiError> {
    let body = serde_json::to_string(req).expect("a LoginRequest always serialises");
    let (status, text) = call("POST", SESSIONS, Some(body)).await?;
    match status {
        200 | 201 => parse(status, &text),
        _ => Err(problem(status, &text)),
    }
}

/// `GET /api/v1/sessions/current`: the signed-in user, or `None` on 401.
pub async fn current_session() -> Result<Option<SessionInfo>, ApiError> {
    let (status, text) = call("GET", CURRENT_SESSION, None).await?;
    match status {
        200 => parse(status, &text).map(Some),
        401 => Ok(None),
        _ => Err(problem(status, &text)),
    }
}

/// `DELETE /api/v1/sessions/current`: signs out; an already ended session
/// counts as signed out.
pub async fn logout() -> Result<(), ApiError> {
    let (status, text) = call("DELETE", CURRENT_SESSION, None).await?;
    match status {
        200 | 204 | 401 => Ok(()),
        _ => Err(problem(status, &text)),
    }
}

/// `GET` of any JSON resource under the API.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let (status, text) = call("GET", path, None).await?;
    match status {
        200 => parse(status, &text),
        _ => Err(problem(status, &text)),
    }
}

/// The queues the signed-in agent serves, by name.
pub async fn my_queues(agent_id: i64) -> Result<Vec<shared::directory::Queue>, ApiError> {
    let me: shared::directory::Agent = get(&format!("/api/v1/agents/{agent_id}")).await?;
    let all: Vec<shared::directory::Queue> = get("/api/v1/queues").await?;
    Ok(all.into_iter().filter(|q| me.queue_ids.contains(&q.id)).collect())
}

async fn call(method: &str, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("accept", "application/json, application/problem+json");
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ApiError::Network)?
        .dyn_into()
        .map_err(|_| ApiError::Network)?;
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|v| v.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

fn parse<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Unexpected(status))
}

fn problem(status: u16, text: &str) -> ApiError {
    match serde_json::from_str::<Problem>(text) {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Unexpected(status),
    }
}

// ---------------------------------------------------------------------------
// Customers and tickets, for the agent's customer card.
// ---------------------------------------------------------------------------

/// Why a write (`POST`, `PUT`, `PATCH`) was refused, with the field a 422
/// names (its `key` member, e.g. `phones[1]`), so that a form can mark it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    pub error: ApiError,
    pub key: Option<String>,
}

impl From<ApiError> for WriteError {
    fn from(error: ApiError) -> WriteError {
        WriteError { error, key: None }
    }
}

/// Sends `body` as JSON with `method` and reads the JSON answer (200 or 201).
pub async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &B,
) -> Result<T, WriteError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::Unexpected(0))?;
    let (status, text) = call(method, path, Some(body)).await?;
    match status {
        200 | 201 => Ok(parse(status, &text)?),
        _ => {
            let key = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("key").and_then(|k| k.as_str()).map(str::to_owned));
            Err(WriteError { error: problem(status, &text), key })
        }
    }
}

/// Sends `body` as JSON (or nothing) with `method` where the answer is
/// `204 No Content`.
pub async fn send_no_content<B: serde::Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<(), WriteError> {
    let body = match body {
        Some(b) => Some(serde_json::to_string(b).map_err(|_| ApiError::Unexpected(0))?),
        None => None,
    };
    let (status, text) = call(method, path, body).await?;
    match status {
        200 | 201 | 204 => Ok(()),
        _ => Err(WriteError { error: problem(status, &text), key: None }),
    }
}

/// `s` made safe for a URL's query.
fn query_value(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// `GET /api/v1/customers/{id}`.
pub async fn customer(id: i64) -> Result<shared::customers::Customer, ApiError> {
    get(&format!("/api/v1/customers/{id}")).await
}

/// Customers whose name, code or number contains `q` (the first 20).
pub async fn search_customers(q: &str) -> Result<Vec<shared::customers::Customer>, ApiError> {
    let page: shared::customers::CustomerPage =
        get(&format!("/api/v1/customers?limit=20&q={}", query_value(q))).await?;
    Ok(page.items)
}

/// The customer one of whose numbers is `e164` exactly, if any.
pub async fn customer_by_number(e164: &str) -> Result<Option<shared::customers::Customer>, ApiError> {
    let found = search_customers(e164).await?;
    Ok(found.into_iter().find(|c| c.phones.iter().any(|p| p == e164)))
}

/// A customer's earlier calls, newest first.
pub async fn customer_history(id: i64) -> Result<Vec<shared::directory::InteractionSummary>, ApiError> {
    get(&format!("/api/v1/customers/{id}/interactions")).await
}

/// A customer's open tickets (open or in progress), newest first.
pub async fn open_tickets(customer_id: i64) -> Result<Vec<shared::tickets::Ticket>, ApiError> {
    get(&format!("/api/v1/customers/{customer_id}/tickets?status=open,in_progress")).await
}

pub async fn create_customer(
    input: &shared::customers::CustomerInput,
) -> Result<shared::customers::Customer, WriteError> {
    send_json("POST", "/api/v1/customers", input).await
}

pub async fn update_customer(
    id: i64,
    input: &shared::customers::CustomerInput,
) -> Result<shared::customers::Customer, WriteError> {
    send_json("PUT", &format!("/api/v1/customers/{id}"), input).await
}

pub async fn create_ticket(t: &shared::tickets::NewTicket) -> Result<shared::tickets::Ticket, WriteError> {
    send_json("POST", "/api/v1/tickets", t).await
}

pub async fn update_ticket(
    id: i64,
    patch: &shared::tickets::TicketPatch,
) -> Result<shared::tickets::Ticket, WriteError> {
    send_json("PATCH", &format!("/api/v1/tickets/{id}"), patch).await
}

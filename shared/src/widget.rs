//! The web call button's wire types: what a customer's page exchanges with
//! the gateway, with no session. The widget itself is a small script
//! (`assets/widget/widget.js`) that speaks these as JSON.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/widgets/{id}`: whether to offer a call or a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetStatus {
    /// The center is open now (its entry flow's business hours).
    pub open: bool,
    /// Seconds a caller would wait now; absent when nobody works the queue
    /// or the widget has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_secs: Option<u32>,
    /// The widget takes callback requests.
    pub callbacks: bool,
    /// Closed, nobody working, or a wait longer than the widget's limit:
    /// offer the callback form rather than a call.
    pub suggest_callback: bool,
}

/// `POST /api/v1/widgets/{id}/callbacks`: call me back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WidgetCallbackRequest {
    /// The customer's number; E.164 or national with the country code,
    /// digits in any script.
    pub number: String,
    /// RFC 3339; absent: as soon as an agent is free.
    #[serde(default)]
    pub due_at: Option<String>,
    /// The site's signed customer token, if it has one.
    #[serde(default)]
    pub token: Option<String>,
}

/// The callback request was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetCallbackAccepted {
    /// RFC 3339; absent: as soon as an agent is free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
}

/// What the widget sends on its WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WidgetClientMsg {
    /// The first message: the call, with the widget's WebRTC offer.
    Call {
        sdp: String,
        /// The page's address.
        #[serde(default)]
        page: Option<String>,
        /// `en`, `fa`, `ar` or `tr`.
        #[serde(default)]
        language: Option<String>,
        /// The site's signed customer token.
        #[serde(default)]
        token: Option<String>,
    },
    /// Keys from the dialpad (or a survey score).
    Digits {
        digits: String,
    },
    HangUp,
}

/// How the caller's call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WidgetPhase {
    Menu,
    Waiting,
    Agent,
    Held,
    Voicemail,
    Survey,
}

/// What the gateway sends the widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WidgetServerMsg {
    /// The first message: the STUN/TURN servers to offer with (TURN
    /// credentials made for this caller, short-lived).
    Ready {
        ice_servers: Vec<crate::ws::IceServer>,
    },
    /// The gateway's WebRTC answer.
    Answer {
        sdp: String,
    },
    Phase {
        phase: WidgetPhase,
    },
    /// The call is over: `ended`, `refused` or `failed`.
    Ended {
        reason: String,
    },
    /// A request was refused; `code` is stable.
    Error {
        code: String,
        message: String,
    },
}

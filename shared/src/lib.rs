//! Wire types spoken between the browser apps and the gateway: REST bodies,
//! WebSocket messages, ids and problem details. Everything here is plain data
//! with serde; it builds for `wasm32-unknown-unknown` and never pulls tokio.
//!
//! JSON is snake_case; times are RFC 3339 UTC strings; errors are RFC 9457
//! problem details ([`Problem`]).

pub mod auth;
pub mod codes;
pub mod customers;
pub mod directory;
pub mod lang;
pub mod me;
pub mod problem;
pub mod quality;
pub mod recordings;
pub mod reports;
// `records` defines `text_enum!`, which `campaign` uses too.
#[macro_use]
pub mod records;
pub mod campaign;
pub mod routing;
pub mod tickets;
pub mod wallboard;
pub mod widget;
pub mod ws;

pub use auth::{App, LoginRequest, Role, SessionInfo, UserInfo};
pub use lang::Lang;
pub use problem::Problem;

/// The WebSocket endpoint both apps connect to.
pub const WS_PATH: &str = "/api/v1/ws";
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cc_session";

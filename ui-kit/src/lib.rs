//! What the agent and supervisor apps share.
//!
//! - [`fluent`] and [`messages`]: the message files (English built in, the
//!   others fetched from the gateway when chosen) and their parser (plain
//!   Rust, tested natively); [`i18n`]: the current language and `t(...)`.
//! - [`api`]: the REST calls for sessions; [`ws`]: the WebSocket with
//!   reconnects; [`session`]: who is signed in and which screen follows.
//! - [`login`], [`shell`], [`not_allowed`]: the screens around each app's
//!   own pages; [`status`]: agent statuses as labels. [`format`]: numbers and
//!   times through `Intl`. [`media`]: microphones, speakers and sound levels;
//!   [`rtc`]: WebRTC legs to the gateway. [`calls`]: the agent's calls as the
//!   desk shows them, [`recording`]: a call's recording, [`live_calls`]: the
//!   live calls supervisors watch, [`supervise`]: a supervisor on a call
//!   (plain state, tested natively). [`dial`]: a number the desk asks the
//!   softphone to dial. [`report`]: the calls report's waits, totals and
//!   CSV (plain state, tested natively). [`recordings`]: the Recordings
//!   screen's search, audio addresses and channel choice (plain state).
//!
//! **Invariant:** no user-visible text is written in Rust; every text comes
//! from `assets/i18n/*.ftl` (a test checks that each key the code names
//! exists).

pub mod api;
pub mod calls;
pub mod dial;
pub mod fluent;
pub mod format;
pub mod i18n;
pub mod live_calls;
pub mod login;
pub mod media;
pub mod messages;
pub mod not_allowed;
pub mod recording;
pub mod recordings;
pub mod report;
pub mod rtc;
pub mod session;
pub mod shell;
pub mod status;
pub mod supervise;
pub mod ws;

pub use i18n::{LangSelect, lang, t, t_args, t_or, tr};
pub use login::LoginPage;
pub use not_allowed::NotAllowed;
pub use session::{Screen, Session};
pub use shell::{Loading, Shell};
pub use status::{PresencePill, StatusPill};
pub use ws::{ConnState, RequestError, WsClient};

//! The IVR: flows that are data, and a sans-IO interpreter that walks a
//! caller through one.
//!
//! # Flows
//!
//! A [`Flow`] is a JSON document (`flow.rs`): a name, a start node, a
//! default language and a map of nodes by id, each tagged by `"type"`:
//!
//! ```json
//! { "name": "main", "start": "hours", "language": "fa",
//!   "nodes": {
//!     "hours":   { "type": "hours", "time_zone": "Asia/Tehran",
//!                  "weekly": [{ "days": ["sat","sun","mon","tue","wed"], "open": "08:00", "close": "16:00" }],
//!                  "holidays": ["2026-03-21", { "from": "2026-03-22", "to": "2026-03-24" }],
//!                  "open": "welcome", "closed": "closed" },
//!     "welcome": { "type": "play", "prompts": ["welcome"], "next": "who" },
//!     "who":     { "type": "identify", "by": "caller", "found": "menu", "not_found": "menu",
//!                  "register_unknown": true },
//!     "menu":    { "type": "menu", "prompt": "menu_main", "options": { "1": "sales", "2": "code" },
//!                  "timeout_secs": 5, "max_retries": 2, "invalid_prompt": "invalid_choice", "on_fail": "sales" },
//!     "code":    { "type": "collect", "prompt": "enter_customer_code", "var": "code", "min_digits": 4,
//!                  "max_digits": 8, "next": "by_code", "on_fail": "sales" },
//!     "by_code": { "type": "identify", "by": { "var": "code" }, "found": "vip", "not_found": "sales" },
//!     "vip":     { "type": "set_priority", "priority": 5, "next": "sales" },
//!     "sales":   { "type": "queue", "queue": "sales", "skills": [{ "skill": "persian", "min_level": 3 }] },
//!     "closed":  { "type": "voicemail", "mailbox": "sales" }
//!   } }
//! ```
//!
//! [`Flow::parse`] refuses a broken flow with a [`FlowError`] naming the
//! node and the reason (`node "menu": option "x" is not a DTMF key`): unknown
//! targets, bad keys, times, days, zones, languages, out-of-range numbers,
//! prompt ids that could not be file names, oversized documents, and loops
//! of nodes that never wait for the caller (`set`, `set_language`,
//! `set_priority`, `switch`, `hours`, `identify`), which would spin.
//! Flows live in the store (`store/flows.rs`) and the admin API imports and
//! exports them (`http/flows.rs`); an [`EntryPoint`] (a dialed number or
//! `web:<name>`) picks the flow for a call.
//!
//! # The interpreter
//!
//! [`IvrSession`] is one caller in one flow, a sans-IO core on a virtual
//! clock: no tokio, no IO, time is Unix milliseconds passed in. The driver
//! feeds it `handle_digit`, `handle_play_done`, `handle_customer`,
//! `handle_timeout` and `handle_caller_gone`, drains [`IvrSession::poll_output`]
//! after each, and sleeps until [`IvrSession::poll_timeout`]:
//!
//! - [`Output::Play`] prompts (ids resolved per language by the driver to
//!   `assets/prompts/<lang>/<id>.wav`, or `common/<id>.wav` for sounds
//!   such as `beep`) and [`Output::StopPlay`] when the
//!   caller barges in; each play has a [`PlayId`] so a late "done" of a
//!   stopped prompt is not mistaken for the next one;
//! - [`Output::LookupCustomer`] (by number or by code), answered with
//!   `handle_customer` (after [`session::LOOKUP_TIMEOUT_MS`] the caller is
//!   taken as unknown), and [`Output::RegisterCustomer`] for an unknown
//!   caller when the node asks for it;
//! - [`Output::SurveyAnswer`] as soon as a rating is given;
//! - [`Output::Done`] with the [`Outcome`]: the [`Action`] (queue,
//!   voicemail, callback, transfer, hang up; abandoned or failed), the
//!   language, priority and VIP flag, the variables, the customer found and
//!   the path of nodes and inputs. The call layer hands it to the agent.
//!
//! **Keys.** Menus, collects and surveys wait `timeout_secs` after their
//! prompt; a wrong key or none plays the notice (`invalid_prompt`,
//! `timeout_prompt`) and the prompt again, up to `max_retries` times, then
//! goes to `on_fail` (a survey just goes on). With `barge_in` (their
//! default) a key during the prompt stops it and counts. A collect ends on
//! its terminator (`#` by default), at `max_digits`, or on timeout once it
//! has `min_digits`.
//!
//! **Type-ahead.** Keys pressed while nothing asks for them (during a
//! `play`, a lookup, or a prompt without barge-in) are kept, at most
//! [`session::MAX_TYPE_AHEAD`], and answer the next menu, collect or survey
//! before its prompt plays: a caller who knows the menus dials "1 3" during
//! the welcome and goes straight through two menus. A `play` with
//! `barge_in: true` also stops on the first key and goes on. A wrong key
//! throws away the rest of the kept keys.
//!
//! **Safety.** Every input may enter at most [`session::MAX_STEPS`] nodes;
//! beyond that (only possible with a hand-built flow that skipped
//! validation) the session ends with [`Action::Failed`]. Keys outside the
//! DTMF set and inputs after the end are ignored; nothing panics.
//!
//! **Variables.** `collect`, `set` and `survey` write variables; `switch`
//! reads them and the names in [`flow::RESERVED_VARS`] (`language`,
//! `entry`, `dialed`, `caller`, `customer`, `priority`, `vip`), which the
//! session answers itself.
//!
//! Out of scope here: playing audio, the database, the agent's screen (the
//! call layer and its drivers), and a limit on the IVR's total time (the
//! call layer's to set).

pub mod entry;
pub mod flow;
pub mod hours;
pub mod session;

#[cfg(test)]
mod tests;

pub use entry::{EntryKind, EntryPoint};
pub use flow::{Flow, FlowError, Node, SkillNeed, TransferTarget};
pub use session::{Action, CallContext, CustomerRef, IvrSession, Lookup, Outcome, Output, PlayId, Step};

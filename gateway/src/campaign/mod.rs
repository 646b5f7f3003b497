//! Outbound campaigns, the sans-IO part: contact lists read from CSV
//! ([`import`]), the campaign's rules for when and how often a contact may
//! be called ([`rules`]), the dialer that decides what to dial next and why
//! ([`dialer`], paced by [`pacer`] in predictive mode), and answering
//! machine detection on the answered call's audio ([`amd`]).
//!
//! Nothing here reads a clock, a socket or the database: the time comes in
//! as Unix milliseconds, decisions go out as values. The store keeps
//! campaigns, contacts and the dial log (`store/campaigns.rs`); the REST
//! API is `http/campaigns.rs`; the driver that runs the dialers and places
//! their calls through call control is `drive/dialer.rs` (the calls
//! themselves: `calls/campaign.rs`).

pub mod amd;
pub mod csv;
pub mod dialer;
pub mod import;
pub mod pacer;
pub mod rules;
pub mod settings;
#[cfg(test)]
mod sim;

pub use dialer::{Action, Decision, DialMode, Dialer, DialerConfig, DialerError, MachineAction, RunState, Why};
pub use import::{ImportConfig, ImportError, import};
pub use pacer::{PacingConfig, PacingFigures};
pub use rules::{AttemptResult, CallWindow, DncList, DoNotCall, RetryDelays, Rules};

/// Everything the campaign cores refuse, gathered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CampaignError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Dialer(#[from] DialerError),
}

//! The SIP transaction layer (RFC 3261 §17 with the RFC 6026 corrections): the
//! four transaction state machines, their timers, and [`Transactions`], the
//! sans-IO core that matches messages to transactions for one endpoint.
//!
//! # Why a transaction layer of our own
//!
//! The transaction layer is what makes SIP reliable over UDP: it retransmits
//! requests and final responses, absorbs the peer's retransmissions, and tells
//! the transaction user (the dialog layer, the TU of RFC 3261) when a peer
//! never answered. None of the Rust SIP crates we measured has one that runs
//! without an async runtime (`../shared/guide/SIP-PARSERS.md`), and a layer
//! whose timers are tokio timers can only be tested on tokio's clock. Ours
//! takes time and packets as inputs and hands back packets, events and the
//! next deadline, so a simulated hour of retransmissions runs in microseconds.
//!
//! # How a driver runs it
//!
//! One task owns one [`Transactions`]. After every input (a parsed request or
//! response from the socket, a command from the TU, or the deadline of
//! [`Transactions::poll_timeout`] passing) it drains
//! [`Transactions::poll_transmit`] and [`Transactions::poll_event`] until both
//! return `None`, then sleeps until the next `poll_timeout`:
//!
//! ```text
//! socket ──handle_request / handle_response──▶ Transactions ──poll_transmit──▶ socket
//! TU ──send_request / send_response / send_ack──▶ Transactions ──poll_event──▶ TU
//! clock ──handle_timeout(now) at poll_timeout()──▶ Transactions
//! ```
//!
//! # Map
//!
//! - `timer.rs`: [`Timer`] (A to M as RFC 3261 and RFC 6026 name them), their
//!   base values in [`TimerConfig`], and the per-transaction deadline table.
//! - `key.rs`: [`Key`], the transaction identity of §17.1.3 and §17.2.3, the
//!   RFC 2543 fallback identity for branches without the magic cookie, and
//!   the `received`/`rport` stamp on incoming requests (§18.2.1, RFC 3581).
//! - `client_invite.rs`, `client_non_invite.rs`, `server_invite.rs`,
//!   `server_non_invite.rs`: the four machines of figures 5 to 8, as RFC 6026
//!   corrects them. They know nothing of keys or addresses: they take
//!   messages and the time and answer with `Action`s.
//! - `transactions.rs`: [`Transactions`], the matching, the bounded table of
//!   live transactions, and the [`Event`]s and [`Transmit`]s the driver drains.
//! - `sim.rs` (tests only): two endpoints wired back to back over a lossy
//!   link on a virtual clock.
//!
//! **Architecture invariant:** nothing here does IO, reads a clock or draws a
//! random number; the only source of time is the `now` passed in, and the
//! branch of a client transaction comes from the caller. No input from the
//! network can make it panic, and the number of live transactions never
//! exceeds [`Config::max_transactions`].
//!
//! # Scope
//!
//! - Responses go to the source address of the request, on every transport
//!   and for every peer (RFC 3581's symmetric routing, not §18.2.2's sent-by
//!   port): it crosses NATs and never aims traffic at an address named inside
//!   a message. `maddr`, the RFC 3263 DNS procedures and reopening a closed
//!   TCP connection to the sent-by are therefore out of scope.
//! - Merged requests (§8.2.2.2), loop detection and Timer C are the TU's and
//!   the proxy's business, not the transaction layer's.
//! - A server transaction whose TU never answers lives until the TU does: RFC
//!   3261 gives it no timer. The cap on live transactions is what bounds the
//!   memory a silent TU or a flood can take.
//! - RFC 3262 (reliable provisional responses) and RFC 4320's non-INVITE
//!   fixes beyond what figures 6 and 8 say are not implemented.

mod client_invite;
mod client_non_invite;
mod key;
mod server_invite;
mod server_non_invite;
mod timer;
mod transactions;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod sim;

pub use key::{Key, Role};
pub use timer::{Timer, TimerConfig};
pub use transactions::{Config, Event, TransactionError, Transactions, Transmit};

use crate::sip::{Request, Response};

/// What a state machine asks its owner to do. The machines own no addresses
/// and no keys; [`Transactions`] turns these into [`Transmit`]s and
/// [`Event`]s for the transaction's peer and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Send these octets to the transaction's peer.
    Send(Vec<u8>),
    /// Pass a response up to the TU (client transactions only).
    Response(Response),
    /// Pass an ACK up to the TU: an INVITE server transaction in the Accepted
    /// state hands on the ACKs for its 2xx (RFC 6026 §8).
    Ack(Request),
    /// Timer B, F or H fired: the peer never answered (or never acknowledged).
    Timeout(Timer),
}

/// A machine refused a response from the TU because it already sent its
/// final one (and, for INVITE, the new one is not a 2xx in Accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlreadyFinal;

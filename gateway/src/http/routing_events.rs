//! How the routing engine learns that its configuration changed, without
//! polling the database.
//!
//! After each committed write, the admin routes (`queues.rs`) send one
//! [`RoutingChanged`] on `AppState::routing_changes`. The engine's driver
//! subscribes (`state.routing_changes.subscribe()`) before it loads the
//! configuration (`Store::list_queues`, `Store::agent_profiles`), so that
//! nothing changed between the load and the subscription goes unseen, and
//! then, per event, reloads what it names: `Store::queue_config(name)`,
//! `Store::agent_profile(id)`. A receiver that falls more than [`CAPACITY`]
//! events behind gets `RecvError::Lagged` and reloads everything.
//!
//! The events carry names, not settings: the database stays the one truth,
//! and a second gateway node could send the same events from PostgreSQL's
//! LISTEN/NOTIFY later.

use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingChanged {
    /// A queue was created or its settings changed (its routing name).
    Queue(String),
    /// A queue was deleted, and with it every membership of it.
    QueueRemoved(String),
    /// A user's skills or queue memberships changed (their user id).
    Agent(i64),
    /// An administrator uploaded or removed a voice prompt: the catalog
    /// is to be loaded again.
    Prompts,
}

/// How many events a slow receiver may fall behind before it lags.
pub const CAPACITY: usize = 256;

/// The sender `AppState` keeps; receivers come from `subscribe()`.
pub fn channel() -> broadcast::Sender<RoutingChanged> {
    broadcast::channel(CAPACITY).0
}

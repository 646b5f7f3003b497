//! The wallboard's driver: one task that makes the board for every
//! watching supervisor at once ([`crate::wallboard`] does the arithmetic)
//! and hands it to their sockets through a watch channel.
//!
//! It wakes every [`TICK`], and sooner ([`SETTLE`] after the first news)
//! when a live call or an agent changes, so a burst of changes makes one
//! board. The stored records (today's and the window's calls, pending
//! callbacks) are read again at most every [`RECORDS_MAX_AGE`], or at the
//! next board after a call ended; queues and memberships when routing
//! settings change. Nothing is made while nobody watches. The task starts
//! with the first watcher and ends with the server.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jiff::tz::TimeZone;
use shared::routing::{AgentProfile, QueueConfig};
use shared::wallboard::WINDOW_MINS;
use shared::ws::ServerMsg;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::calls::Audience;
use crate::http::AppState;
use crate::store::rfc3339;
use crate::wallboard::{self, Inputs, QueueCall};

/// A new board at least this often while someone watches.
pub const TICK: Duration = Duration::from_secs(2);
/// How long after a change the board is made (changes in between join it).
pub const SETTLE: Duration = Duration::from_millis(250);
/// How old the records read may get.
pub const RECORDS_MAX_AGE: Duration = Duration::from_secs(2);
/// A board this old is not shown to a new watcher (they get the next).
const FRESH: Duration = Duration::from_secs(3);

/// What a watching socket holds: the boards to come.
pub type Watch = watch::Receiver<Option<Arc<Board>>>;

/// A board as made, with when.
#[derive(Debug)]
pub struct Board {
    pub made: Instant,
    pub msg: ServerMsg,
}

/// Where the boards go out; one per gateway, in [`AppState`].
pub struct Hub {
    boards: watch::Sender<Option<Arc<Board>>>,
    /// A new watcher: make a board now.
    nudge: Notify,
    started: AtomicBool,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub { boards: watch::channel(None).0, nudge: Notify::new(), started: AtomicBool::new(false) }
    }
}

impl Hub {
    /// A supervisor starts watching: the receiver of the next boards, and
    /// the last one if it is fresh. Starts the task the first time.
    pub fn watch(&self, state: &AppState) -> (Watch, Option<Arc<Board>>) {
        if !self.started.swap(true, Ordering::AcqRel) {
            tokio::spawn(run(state.clone()));
        }
        let rx = self.boards.subscribe();
        let last = rx.borrow().clone().filter(|b| b.made.elapsed() < FRESH);
        self.nudge.notify_one();
        (rx, last)
    }
}

/// The next board for a socket that watches (`None` watching: never);
/// `None` once the hub is gone.
pub async fn next(rx: &mut Option<Watch>) -> Option<Arc<Board>> {
    let Some(rx) = rx else { return std::future::pending().await };
    loop {
        rx.changed().await.ok()?;
        if let Some(b) = rx.borrow_and_update().clone() {
            return Some(b);
        }
    }
}

/// Queues (display name, settings) and memberships, as last read.
type Routing = (Vec<(String, QueueConfig)>, Vec<(i64, AgentProfile)>);

/// The records as last read.
struct Records {
    read: Instant,
    calls: Vec<QueueCall>,
    callbacks: Vec<String>,
}

async fn run(state: AppState) {
    let mut notices = state.call_notices.subscribe();
    let mut agents = state.agent_events.subscribe();
    let mut routing_changes = state.routing_changes.subscribe();
    let mut stop = state.shutdown.clone();
    let tz_name = state.config.wallboard.time_zone.clone();
    // Checked when the config was read.
    let tz = TimeZone::get(&tz_name).unwrap_or(TimeZone::UTC);
    let mut routing: Option<Routing> = None;
    let mut records: Option<Records> = None;
    let mut next = Instant::now();
    let soon = |next: &mut Instant| *next = (*next).min(Instant::now() + SETTLE);
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = state.wallboard.nudge.notified() => {}
            n = notices.recv() => {
                match n {
                    Ok(n) if n.to == Audience::Supervisors => {
                        if matches!(n.msg, ServerMsg::LiveCallRemoved { .. }) {
                            // Its record is being written: read again.
                            if let Some(r) = &mut records {
                                r.read = Instant::now() - RECORDS_MAX_AGE;
                            }
                        }
                        soon(&mut next);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => soon(&mut next),
                    Err(RecvError::Closed) => return,
                }
                continue;
            }
            a = agents.recv() => {
                if matches!(a, Err(RecvError::Closed)) {
                    return;
                }
                soon(&mut next);
                continue;
            }
            r = routing_changes.recv() => {
                if matches!(r, Err(RecvError::Closed)) {
                    return;
                }
                routing = None;
                soon(&mut next);
                continue;
            }
            _ = stop.wait_for(|s| *s) => return,
        }
        next = Instant::now() + TICK;
        if state.wallboard.boards.receiver_count() == 0 {
            continue;
        }
        if routing.is_none() {
            match (state.store.queue_rows().await, state.store.agent_profiles().await) {
                (Ok(q), Ok(p)) => routing = Some((q.into_iter().map(|q| (q.display_name, q.config)).collect(), p)),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!(error = %e, "wallboard: routing settings not read");
                    continue;
                }
            }
        }
        let now = state.clock.now_ms();
        if records.as_ref().is_none_or(|r| r.read.elapsed() >= RECORDS_MAX_AGE) {
            let since = wallboard::since(now, &tz);
            match (state.store.queue_calls_since(since).await, state.store.callbacks_pending().await) {
                (Ok(calls), Ok(cbs)) => {
                    records = Some(Records {
                        read: Instant::now(),
                        calls,
                        callbacks: cbs.into_iter().map(|c| c.queue).collect(),
                    })
                }
                (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "wallboard: records not read"),
            }
        }
        let (Some((queues, profiles)), Some(records)) = (&routing, &records) else { continue };
        let live = match state.calls.get() {
            Some(calls) => calls.live_calls().await.unwrap_or_default(),
            None => Vec::new(),
        };
        let presence: HashMap<i64, shared::ws::AgentPresence> = {
            let p = state.presence.lock().expect("presence lock");
            profiles.iter().map(|(id, _)| (*id, p.agent(*id, "", now))).collect()
        };
        let queues = wallboard::board(&Inputs {
            now_ms: now,
            day_start_ms: wallboard::day_start(now, &tz),
            queues,
            profiles,
            presence: &presence,
            live: &live,
            callbacks: &records.callbacks,
            calls: &records.calls,
        });
        let msg =
            ServerMsg::Wallboard { at: rfc3339(now), time_zone: tz_name.clone(), window_mins: WINDOW_MINS, queues };
        state.wallboard.boards.send_replace(Some(Arc::new(Board { made: Instant::now(), msg })));
    }
}

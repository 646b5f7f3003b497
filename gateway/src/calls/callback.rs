//! Callbacks that keep the caller's place.
//!
//! A caller waiting in a queue that offers callbacks presses 9: their entry
//! in the routing engine becomes a callback (same place), they hear when to
//! expect the call and are hung up on, and the callback is stored. When its
//! place comes up the engine offers it to an agent like a call (ringing on
//! the desk as an outbound call to the customer); the agent accepts with
//! their softphone and the gateway dials the customer through the outbound
//! trunk, with the agent already on the line. Busy, no answer or a failure
//! schedule another attempt (up to [`MAX_ATTEMPTS`], [`RETRY_MS`] apart) at
//! the same place. Callbacks in the store (after a restart, scheduled for a
//! time the customer chose, asked for over the API) join their queue when
//! due, and cancelled ones leave ([`Calls::sync_callbacks`]).

use std::collections::BTreeSet;

use shared::records::{CallbackResult, Disposition};
use shared::ws::{CallDirection, CallEndKind, CallEndReason, CallInfo, ServerMsg};

use super::{AcdEntry, Call, Calls, Output, State};
use crate::acd::{CallAttrs, EntryKind};
use crate::prompts;

/// Attempts to reach the customer before the callback fails.
pub const MAX_ATTEMPTS: u32 = 3;
/// Time between attempts.
pub const RETRY_MS: u64 = 120_000;
/// The key that asks for a callback while waiting.
pub const KEY: char = '9';
/// Clip id of the confirmation, after which the caller is hung up on.
pub(super) const LEAVING: u64 = (1 << 41) + 2;

/// A callback the gateway owes a customer.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub queue: String,
    pub number: String,
    pub customer: Option<i64>,
    /// Its place: the original call's entry time.
    pub entered: u64,
    pub attempts: u32,
    /// Its row in the store, once written.
    pub id: Option<i64>,
    /// The call ringing agents or dialing the customer for it now.
    pub call: Option<String>,
    /// The call during which the caller asked for it.
    pub origin: Option<String>,
}

/// A callback as the store keeps it, for [`Calls::sync_callbacks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub queue: String,
    pub number: String,
    pub customer: Option<i64>,
    /// The call it came from, if a caller asked during one.
    pub origin: Option<String>,
    /// Its place (ms).
    pub position_at: u64,
    /// Not before (a scheduled callback, or the next attempt).
    pub not_before: Option<u64>,
    pub attempts: u32,
    /// Being dialed when the gateway stopped: that attempt failed.
    pub interrupted: bool,
}

/// The callbacks' part of [`Calls`].
#[derive(Debug, Default)]
pub(super) struct Callbacks {
    pub pending: std::collections::HashMap<u64, Pending>,
    /// (due, engine key) of attempts to make again.
    pub retries: BTreeSet<(u64, u64)>,
    /// Stored callbacks finished or cancelled here (the store may say
    /// pending a moment longer): never taken again.
    pub done: std::collections::HashSet<i64>,
    /// Attempts that began or ended before the store gave the callback its
    /// id, written once it does.
    pub unsaved: std::collections::HashMap<u64, Unsaved>,
}

/// An attempt not yet written: the agent, and how it ended with the time
/// of the next try, if it did.
pub(super) type Unsaved = (i64, Option<(CallbackResult, Option<u64>)>);

impl Calls {
    /// The trunk callbacks leave on and the number they show; without one,
    /// no callbacks are offered.
    pub fn set_outbound(&mut self, trunk: String, caller_id: String) {
        self.outbound = Some((trunk, caller_id));
    }

    /// Whether waiting callers of `queue` may ask for a callback.
    pub(super) fn offers_callback(&self, queue: &str, caller: &str) -> bool {
        self.outbound.is_some()
            && super::is_dialable(caller)
            && self.acd.queue_config(queue).is_some_and(|q| q.offer_callback)
    }

    /// The caller pressed the callback key while waiting: their place
    /// becomes a callback, they hear when to expect it and are hung up on.
    /// False when the call cannot take a callback now.
    pub(super) fn take_callback(&mut self, call_id: &str) -> bool {
        let Some(c) = self.calls.get(call_id) else { return false };
        let (State::Ringing, Some(entry)) = (&c.state, &c.acd) else { return false };
        if !self.offers_callback(&entry.queue, &c.info.from) || c.kept.is_none() {
            return false;
        }
        let entry = entry.clone();
        if self.acd.convert_to_callback(self.now, entry.key).is_err() {
            return false;
        }
        let Some(c) = self.calls.get_mut(call_id) else { return false };
        c.acd = None;
        // Offers of the call that rang are taken back by the engine.
        for agent in std::mem::take(&mut c.offered) {
            self.notify_end(agent, call_id, super::reason::end(CallEndKind::Withdrawn, None, None));
        }
        self.acd_keys.remove(&entry.key);
        let entered = entry.attrs.entered.unwrap_or(self.now);
        self.callback_taken(call_id, entry.key, entry.queue, entered);
        true
    }

    /// The flow's `callback` node: the caller is called back from `queue`,
    /// their place counted from now. False when no callback can be made (no
    /// outbound trunk, no such queue, no caller number).
    pub(super) fn callback_from_ivr(&mut self, call_id: &str, queue: &str, mut attrs: CallAttrs) -> bool {
        let Some(c) = self.calls.get(call_id) else { return false };
        if self.outbound.is_none() || !super::is_dialable(&c.info.from) || c.kept.is_none() {
            return false;
        }
        self.next_key += 1;
        let key = self.next_key;
        attrs.kind = EntryKind::Callback;
        attrs.entered = Some(self.now);
        if !matches!(self.acd.enqueue(self.now, key, queue, attrs), Ok(crate::acd::Enqueued::Waiting { .. })) {
            return false;
        }
        self.callback_taken(call_id, key, queue.to_owned(), self.now);
        true
    }

    /// The caller's callback waits in the engine under `key`: it is stored,
    /// and the caller hears when to expect it and is hung up on.
    fn callback_taken(&mut self, call_id: &str, key: u64, queue: String, entered: u64) {
        let wait = self.acd.position(self.now, key).and_then(|(_, w)| w).unwrap_or(0);
        let Some(c) = self.calls.get_mut(call_id) else { return };
        let Some((rtp, _)) = c.kept else { return };
        c.left_for = Some(Disposition::Callback);
        c.state = State::Leaving;
        let pending = Pending {
            queue,
            number: c.info.from.clone(),
            customer: c.customer,
            entered,
            attempts: 0,
            id: None,
            call: None,
            origin: Some(call_id.to_owned()),
        };
        let lang = shared::Lang::parse(&c.language).unwrap_or(prompts::FALLBACK);
        self.out.push_back(Output::SaveCallback {
            key,
            queue: pending.queue.clone(),
            number: pending.number.clone(),
            customer: pending.customer,
            call_id: call_id.to_owned(),
            entered,
        });
        self.callbacks.pending.insert(key, pending);
        let saying = prompts::say_callback_confirmed(lang, wait);
        let prompts = saying.into_iter().map(str::to_owned).collect();
        self.out.push_back(Output::Music { rtp, on: false });
        self.out.push_back(Output::Play { rtp, id: LEAVING, language: lang.tag().to_owned(), prompts });
        self.publish(call_id);
    }

    /// The store has the callback: its row id.
    pub fn handle_callback_saved(&mut self, key: u64, id: i64) {
        if let Some(p) = self.callbacks.pending.get_mut(&key) {
            p.id = Some(id);
        }
        // An attempt that began (or ended) before: written now, in order.
        if let Some((agent, ended)) = self.callbacks.unsaved.remove(&key) {
            self.out.push_back(Output::CallbackDialing { id, agent });
            if let Some((result, retry_at)) = ended {
                self.out.push_back(Output::CallbackResult { id, result, retry_at });
                if retry_at.is_none() {
                    self.callbacks.done.insert(id);
                }
            }
        }
    }

    /// The callbacks the store holds as pending: new ones (after a restart,
    /// scheduled or asked for over the API) take their place in their queue
    /// now or when due; known ones that are no longer pending (cancelled)
    /// leave, unless an agent is already on them.
    pub fn sync_callbacks(&mut self, stored: Vec<Stored>) {
        // Nobody could call anyone back: they wait in the store.
        if self.outbound.is_none() {
            return;
        }
        let listed: std::collections::HashSet<i64> = stored.iter().map(|s| s.id).collect();
        let gone: Vec<u64> = self
            .callbacks
            .pending
            .iter()
            .filter(|(_, p)| p.id.is_some_and(|id| !listed.contains(&id)))
            .filter(|(_, p)| {
                // Not while an agent has it (dialing or talking).
                p.call.as_ref().is_none_or(|c| self.calls.get(c).is_none_or(|c| matches!(c.state, State::Ringing)))
            })
            .map(|(k, _)| *k)
            .collect();
        for key in gone {
            let Some(p) = self.callbacks.pending.remove(&key) else { continue };
            if let Some(id) = p.id {
                self.callbacks.done.insert(id);
            }
            self.callbacks.retries.retain(|(_, k)| *k != key);
            if let Some(call_id) = p.call
                && let Some(c) = self.calls.remove(&call_id)
            {
                // Ringing desks stop: the customer cancelled.
                for agent in c.offered {
                    self.notify_end(agent, &call_id, super::reason::end(CallEndKind::Withdrawn, None, None));
                }
                self.acd_keys.remove(&key);
                self.out
                    .push_back(Output::Supervisors { msg: ServerMsg::LiveCallRemoved { call_id: call_id.clone() } });
            }
            let _ = self.acd.abandon(self.now, key);
        }
        for s in stored {
            if self.callbacks.done.contains(&s.id) {
                continue;
            }
            let known =
                self.callbacks.pending.iter_mut().find(|(_, p)| {
                    p.id == Some(s.id) || (p.id.is_none() && p.origin.is_some() && p.origin == s.origin)
                });
            if let Some((_, p)) = known {
                p.id = Some(s.id);
                continue;
            }
            if self.acd.queue_config(&s.queue).is_none() {
                continue;
            }
            if s.interrupted {
                // The store hears that the attempt cut short by a restart failed.
                let result = CallbackResult::Failed;
                self.out.push_back(Output::CallbackResult { id: s.id, result, retry_at: Some(self.now) });
            }
            self.next_key += 1;
            let key = self.next_key;
            let pending = Pending {
                queue: s.queue,
                number: s.number,
                customer: s.customer,
                entered: s.position_at,
                attempts: s.attempts,
                id: Some(s.id),
                call: None,
                origin: s.origin,
            };
            self.callbacks.pending.insert(key, pending);
            // Due now or later: it joins its queue from the retries' clock.
            let due = s.not_before.unwrap_or(self.now).max(self.now);
            self.callbacks.retries.insert((due, key));
        }
        self.callback_retries();
    }

    /// The engine offers a callback to an agent: it rings on their desk as
    /// an outbound call to the customer.
    pub(super) fn offer_callback(&mut self, key: u64, agent: i64, queue: String) {
        let Some(p) = self.callbacks.pending.get_mut(&key) else { return };
        let call_id = match &p.call {
            Some(id) => id.clone(),
            None => {
                let Some((trunk, caller_id)) = self.outbound.clone() else { return };
                // Unique across restarts too (keys start again at 1).
                let call_id = format!("callback-{}-{}-{}-{}", p.id.unwrap_or(0), key, p.attempts + 1, self.now);
                let info = CallInfo {
                    queue: Some(queue.clone()),
                    ..CallInfo::new(
                        call_id.clone(),
                        CallDirection::Outbound,
                        caller_id,
                        p.number.clone(),
                        trunk,
                        crate::store::rfc3339(self.now as i64),
                    )
                };
                let attrs = CallAttrs { kind: EntryKind::Callback, entered: Some(p.entered), ..CallAttrs::default() };
                p.call = Some(call_id.clone());
                self.next_seq += 1;
                let mut call = Call::new(info, self.next_seq, rand_free_session(key), State::Ringing);
                call.acd = Some(AcdEntry { key, queue, attrs });
                call.callback = Some(key);
                self.calls.insert(call_id.clone(), call);
                self.acd_keys.insert(key, call_id.clone());
                call_id
            }
        };
        let Some(c) = self.calls.get_mut(&call_id) else { return };
        if !c.offered.insert(agent) {
            return;
        }
        let msg = ServerMsg::CallRinging { call: c.info.clone() };
        self.out.push_back(Output::Notify { agent, msg });
        self.publish(&call_id);
    }

    /// A callback's call reached the customer, or could not: done, or
    /// another attempt later at the same place.
    pub(super) fn callback_call_over(&mut self, call: &Call, why: CallEndReason) {
        let Some(key) = call.callback else { return };
        let Some(p) = self.callbacks.pending.get_mut(&key) else { return };
        p.call = None;
        // Only an INVITE to the customer is an attempt; anything else (a
        // queue removed, media that failed) puts it back in its place.
        let attempted = matches!(call.state, State::Talking { .. } | State::Dialing { .. }) && call.dialog.is_some();
        if !attempted {
            self.callbacks.retries.insert((self.now, key));
            return;
        }
        p.attempts += 1;
        let result = match why.sip_status {
            Some(486 | 600) => CallbackResult::Busy,
            Some(408 | 480 | 487) => CallbackResult::NoAnswer,
            // The agent gave up while it rang.
            _ if why.kind == CallEndKind::LocalHangUp => CallbackResult::NoAnswer,
            _ => CallbackResult::Failed,
        };
        let retry = (p.attempts < MAX_ATTEMPTS).then(|| self.now + RETRY_MS);
        let agent = call.state.agent().unwrap_or(0);
        self.settle(key, agent, result, retry);
    }

    /// The customer answered a callback: it is done, whatever follows
    /// (a transfer, a survey).
    pub(super) fn callback_answered(&mut self, call_id: &str) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        let Some(key) = c.callback.take() else { return };
        let agent = c.state.agent().unwrap_or(0);
        if let Some(p) = self.callbacks.pending.get_mut(&key) {
            p.call = None;
            p.attempts += 1;
        }
        self.settle(key, agent, CallbackResult::Answered, None);
    }

    /// How an attempt ended; another comes at `retry`, or it is over.
    fn settle(&mut self, key: u64, agent: i64, result: CallbackResult, retry: Option<u64>) {
        let id = self.callbacks.pending.get(&key).and_then(|p| p.id);
        match retry {
            Some(due) => {
                self.callbacks.retries.insert((due, key));
            }
            None => {
                self.callbacks.pending.remove(&key);
            }
        }
        match id {
            Some(id) => {
                if retry.is_none() {
                    self.callbacks.done.insert(id);
                }
                self.out.push_back(Output::CallbackResult { id, result, retry_at: retry });
            }
            None => {
                self.callbacks.unsaved.insert(key, (agent, Some((result, retry))));
            }
        }
    }

    /// The agent accepted a callback: the attempt starts.
    pub(super) fn callback_dialing(&mut self, call_id: &str, agent: i64) {
        let Some(key) = self.calls.get(call_id).and_then(|c| c.callback) else { return };
        match self.callbacks.pending.get(&key).and_then(|p| p.id) {
            Some(id) => self.out.push_back(Output::CallbackDialing { id, agent }),
            None => {
                self.callbacks.unsaved.insert(key, (agent, None));
            }
        }
    }

    /// Attempts due again take their place in the queue.
    pub(super) fn callback_retries(&mut self) {
        while let Some(&(due, key)) = self.callbacks.retries.first() {
            if due > self.now {
                break;
            }
            self.callbacks.retries.pop_first();
            let Some(p) = self.callbacks.pending.get(&key) else { continue };
            let attrs = CallAttrs { kind: EntryKind::Callback, entered: Some(p.entered), ..CallAttrs::default() };
            let queue = p.queue.clone();
            match self.acd.enqueue(self.now, key, &queue, attrs) {
                Ok(crate::acd::Enqueued::Waiting { .. }) => {}
                // Full now: again a little later.
                Ok(crate::acd::Enqueued::Diverted { .. }) => {
                    self.callbacks.retries.insert((self.now + RETRY_MS, key));
                }
                // The queue is gone: it stays in the store, failed here.
                Err(_) => {
                    self.callbacks.pending.remove(&key);
                }
            }
        }
    }

    pub(super) fn callback_deadline(&self) -> Option<u64> {
        self.callbacks.retries.first().map(|(due, _)| *due)
    }
}

/// A session id for a callback's SDP (`o=` line): any number will do.
fn rand_free_session(key: u64) -> u64 {
    key.wrapping_mul(0x9e37_79b9) & 0xffff_ffff
}

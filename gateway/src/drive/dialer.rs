//! The dialer's driver: one task that runs a [`Dialer`] core per running
//! or paused campaign on the wall clock, and carries out its decisions
//! through call control (`calls/campaign.rs`).
//!
//! Inputs: the campaigns as the store has them (loaded at start, when the
//! API changes one — [`DialerHandle::changed`] — and every few seconds),
//! their pending contacts and do-not-call lists; agents' presence (free
//! for a campaign: a desk open, available, doing nothing, and in the
//! campaign's queue when it names one); campaign calls' news from call
//! control (answered, connected, ended); answering machine detection on
//! the answered leg's audio ([`amd`](crate::campaign::amd), fed by the
//! media driver's copy of the leg); agents' dispositions over the API.
//!
//! Each decision is carried out in order: its effect on the contact and
//! its line in the dial log are written (awaited, so the store never lags
//! the core), then the call is placed, connected, dropped with the short
//! message, hung up on, left a message (once the machine's greeting has
//! ended) or given its IVR flow. A connected contact waits for the agent's
//! disposition; without one [`DISPOSITION_WAIT_MS`] after the call ended it
//! is completed without one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shared::campaign::{CampaignAlert, CampaignCall, CampaignLive, CampaignMode, CampaignSettings, CampaignStatus};
use shared::ws::{AgentActivity, AgentPresence, AgentStatus};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use super::calls::{CallsHandle, CampaignRequest};
use super::webrtc::WebRtcHandle;
use crate::calls::{CampaignDial, CampaignNews, CampaignResult};
use crate::campaign::amd::{Amd, AmdConfig, Verdict};
use crate::campaign::dialer::{Action, Answered, AttemptId, ContactId, Decision, Dialer, MachineAction, RunState};
use crate::campaign::rules::{AttemptResult, DoNotCall};
use crate::http::routing_events::RoutingChanged;
use crate::media::rtp_leg::RtpLegId;
use crate::store::{ContactChange, DialLogRow, Store};

/// How long a connected contact waits for the agent's disposition after
/// the call ended before it is completed without one.
pub const DISPOSITION_WAIT_MS: i64 = 120_000;
/// How often the campaigns are read again without being told.
const SYNC_EVERY: Duration = Duration::from_secs(5);
/// Contacts loaded at a time per campaign (more as these are used).
const LOAD: i64 = 500;
/// The machine's greeting is over after this much quiet (leave a message).
const BEEP_QUIET_MS: u32 = 1_000;
/// A greeting longer than this gets the message anyway.
const GREETING_MAX_MS: u64 = 30_000;

/// Why a disposition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispositionError {
    /// No such campaign running, or the contact is not waiting for one.
    NotConnected,
    /// Another agent has the contact.
    NotYours,
}

enum Command {
    Changed(Option<i64>),
    Live {
        campaign: i64,
        reply: oneshot::Sender<Option<CampaignLive>>,
    },
    Disposition {
        campaign: i64,
        contact: ContactId,
        /// The agent saving it; `None`: a supervisor.
        agent: Option<i64>,
        disposition: String,
        callback_at: Option<i64>,
        reply: oneshot::Sender<Result<(), DispositionError>>,
    },
}

/// How the API reaches the dialer. Cheap to clone.
#[derive(Clone)]
pub struct DialerHandle {
    tx: mpsc::UnboundedSender<Command>,
}

impl DialerHandle {
    /// A campaign changed (status, settings, contacts, its do-not-call
    /// list); `None`: the global do-not-call list, or anything.
    pub fn changed(&self, campaign: Option<i64>) {
        let _ = self.tx.send(Command::Changed(campaign));
    }

    /// The campaign's live figures; `None` when the dialer has not loaded it.
    pub async fn live(&self, campaign: i64) -> Option<CampaignLive> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Command::Live { campaign, reply }).ok()?;
        rx.await.ok().flatten()
    }

    /// An agent's (or a supervisor's) disposition of a connected contact,
    /// with the time of a promised callback.
    pub async fn disposition(
        &self,
        campaign: i64,
        contact: ContactId,
        agent: Option<i64>,
        disposition: String,
        callback_at: Option<i64>,
    ) -> Result<(), DispositionError> {
        let (reply, rx) = oneshot::channel();
        let cmd = Command::Disposition { campaign, contact, agent, disposition, callback_at, reply };
        self.tx.send(cmd).map_err(|_| DispositionError::NotConnected)?;
        rx.await.unwrap_or(Err(DispositionError::NotConnected))
    }
}

/// Starts the dialer's task.
/// `caller_ids`: the numbers the outbound trunk lets us show, its default
/// first; a campaign's caller ID not among them is replaced by the default
/// (and a warning logged). Without an outbound trunk (`None`) it loads no
/// campaign: the API shows them as not dialing.
pub fn start(
    caller_ids: Option<Vec<String>>,
    store: Store,
    calls: CallsHandle,
    media: WebRtcHandle,
    presence: broadcast::Receiver<AgentPresence>,
    routing: broadcast::Receiver<RoutingChanged>,
    shutdown: watch::Receiver<bool>,
) -> DialerHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let (back_tx, back_rx) = mpsc::unbounded_channel();
    let driver = Driver {
        outbound: caller_ids.unwrap_or_default(),
        store,
        calls,
        media,
        campaigns: HashMap::new(),
        agents: HashMap::new(),
        queues: HashMap::new(),
        by_call: HashMap::new(),
        back: back_tx,
    };
    tokio::spawn(driver.run(rx, back_rx, presence, routing, shutdown));
    DialerHandle { tx }
}

/// What spawned work brings back.
enum Back {
    /// Answering machine detection's verdict, with its reason.
    Detected { call_id: String, by: Answered, reason: String },
    /// The machine's greeting ended (or went on too long): leave the message.
    GreetingOver { call_id: String },
}

/// Where one placed call stands, as the driver follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Placed, not answered.
    Ringing,
    /// Answered; detection listens.
    Detecting,
    /// The core decided: connected, dropped, a message, the flow.
    Decided(Then),
}

/// What the core decided for an answered call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    Connect,
    Flow,
    /// Dropped, hung up on, a message left: the core is done with it.
    Done,
}

struct Placed {
    campaign: i64,
    attempt: AttemptId,
    contact: ContactId,
    phase: Phase,
    rtp: Option<RtpLegId>,
    /// Detection's reason, for the dial log's next line.
    amd: Option<String>,
}

/// A contact talking with (or just talked with) an agent.
struct Talk {
    agent: i64,
    /// The agent took the call.
    connected: bool,
    /// When the call ended (ms).
    ended_at: Option<i64>,
}

struct Campaign {
    id: i64,
    name: String,
    mode: CampaignMode,
    status: CampaignStatus,
    updated_at: String,
    settings: CampaignSettings,
    core: Dialer,
    /// Attempt → call id.
    attempts: HashMap<AttemptId, String>,
    talks: HashMap<ContactId, Talk>,
    alert: Option<CampaignAlert>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct AgentState {
    connected: bool,
    available: bool,
    idle: bool,
}

impl AgentState {
    fn free(self) -> bool {
        self.connected && self.available && self.idle
    }
}

struct Driver {
    /// The caller IDs the outbound trunk allows, its default first; empty:
    /// no outbound trunk, no calls.
    outbound: Vec<String>,
    store: Store,
    calls: CallsHandle,
    media: WebRtcHandle,
    campaigns: HashMap<i64, Campaign>,
    agents: HashMap<i64, AgentState>,
    /// Each agent's queues.
    queues: HashMap<i64, HashSet<String>>,
    by_call: HashMap<String, Placed>,
    back: mpsc::UnboundedSender<Back>,
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn core_state(s: CampaignStatus) -> RunState {
    match s {
        CampaignStatus::Running => RunState::Running,
        CampaignStatus::Draft | CampaignStatus::Paused => RunState::Paused,
        CampaignStatus::Stopped => RunState::Stopped,
    }
}

impl Driver {
    async fn run(
        mut self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        mut back: mpsc::UnboundedReceiver<Back>,
        mut presence: broadcast::Receiver<AgentPresence>,
        mut routing: broadcast::Receiver<RoutingChanged>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let (news_tx, mut news) = mpsc::unbounded_channel();
        self.calls.campaign_link(news_tx).await;
        self.load_queues().await;
        let mut sync = tokio::time::interval(SYNC_EVERY);
        sync.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let due = self.campaigns.values().filter_map(|c| c.core.poll_timeout()).min();
            let timer = due.map(|at| {
                tokio::time::Instant::now() + Duration::from_millis(at.saturating_sub(now_ms()).max(0) as u64)
            });
            tokio::select! {
                _ = sync.tick() => self.sync(None).await,
                _ = sweep.tick() => self.sweep().await,
                Some(cmd) = commands.recv() => self.command(cmd).await,
                Some(n) = news.recv() => self.news(n).await,
                Some(b) = back.recv() => self.back(b).await,
                p = presence.recv() => match p {
                    Ok(p) => self.presence(p).await,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "the dialer missed presence changes");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                r = routing.recv() => match r {
                    Ok(RoutingChanged::Agent(_) | RoutingChanged::QueueRemoved(_))
                    | Err(broadcast::error::RecvError::Lagged(_)) => self.load_queues().await,
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Closed) => {}
                },
                _ = async { match timer { Some(t) => tokio::time::sleep_until(t).await, None => std::future::pending().await } } => {
                    let now = now_ms();
                    let ids: Vec<i64> = self
                        .campaigns
                        .values()
                        .filter(|c| c.core.poll_timeout().is_some_and(|t| t <= now))
                        .map(|c| c.id)
                        .collect();
                    for id in ids {
                        if let Some(c) = self.campaigns.get_mut(&id) {
                            c.core.handle_timeout(now);
                        }
                        self.carry_out(id).await;
                    }
                }
                _ = async { drop(shutdown.wait_for(|s| *s).await) } => return,
            }
        }
    }

    async fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Changed(id) => self.sync(id).await,
            Command::Live { campaign, reply } => {
                let live = match self.campaigns.get(&campaign) {
                    Some(c) => Some(self.live(c).await),
                    None => None,
                };
                let _ = reply.send(live);
            }
            Command::Disposition { campaign, contact, agent, disposition, callback_at, reply } => {
                let r = self.disposition(campaign, contact, agent, Some(disposition), callback_at).await;
                let _ = reply.send(r);
            }
        }
    }

    async fn live(&self, c: &Campaign) -> CampaignLive {
        let now = now_ms();
        let pacing = c.core.pacing(now);
        let contacts = self.store.campaigns().counts(c.id).await.unwrap_or_default();
        CampaignLive {
            campaign_id: c.id,
            status: c.status,
            dialing: true,
            free_agents: c.core.free_agents(),
            ringing: c.core.ringing(),
            in_progress: c.core.in_progress(),
            waiting: c.core.waiting() as u32,
            ratio: pacing.ratio,
            abandon_percent: pacing.abandon_rate.map(|r| r * 100.0),
            target_abandon_percent: c.settings.target_abandon_percent,
            answer_rate: pacing.answer_rate,
            contacts,
            alert: c.alert.clone(),
        }
    }

    /// The agents' queues, for campaigns that name one.
    async fn load_queues(&mut self) {
        match self.store.agent_profiles().await {
            Ok(profiles) => {
                self.queues =
                    profiles.into_iter().map(|(a, p)| (a, p.queues.into_iter().map(|m| m.queue).collect())).collect();
                let agents: Vec<i64> = self.agents.keys().copied().collect();
                for a in agents {
                    self.agent_changed(a).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "the dialer could not load agents' queues"),
        }
    }

    /// Whether `agent` takes `campaign`'s calls (the campaign's queue, or any).
    fn serves(&self, campaign: &Campaign, agent: i64) -> bool {
        match campaign.settings.queue.as_deref() {
            None => true,
            Some(q) => self.queues.get(&agent).is_some_and(|qs| qs.contains(q)),
        }
    }

    async fn presence(&mut self, p: AgentPresence) {
        let state = AgentState {
            connected: p.connected,
            available: p.status == AgentStatus::Available,
            idle: p.activity == AgentActivity::Idle,
        };
        if self.agents.insert(p.agent_id, state) != Some(state) {
            self.agent_changed(p.agent_id).await;
        }
    }

    /// Tells every campaign the agent serves whether they are free now.
    async fn agent_changed(&mut self, agent: i64) {
        let free = self.agents.get(&agent).is_some_and(|s| s.free());
        let now = now_ms();
        let ids: Vec<i64> = self.campaigns.keys().copied().collect();
        for id in ids {
            let Some(c) = self.campaigns.get(&id) else { continue };
            let serves = self.serves(c, agent) && c.mode != CampaignMode::Agentless;
            let Some(c) = self.campaigns.get_mut(&id) else { continue };
            if free && serves {
                c.core.handle_agent_ready(now, agent);
            } else if c.core.is_free(agent) || !serves {
                c.core.handle_agent_away(now, agent);
            }
            self.carry_out(id).await;
        }
    }

    /// Reads campaign `only` (or every campaign) from the store again: new
    /// running ones start, status changes reach their core, pending
    /// contacts not loaded yet are loaded, do-not-call lists reloaded.
    async fn sync(&mut self, only: Option<i64>) {
        if self.outbound.is_empty() {
            return;
        }
        let campaigns = match only {
            Some(id) => self.store.campaigns().by_id(id).await.map(|c| c.into_iter().collect::<Vec<_>>()),
            None => self.store.campaigns().list().await,
        };
        let campaigns = match campaigns {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "the dialer could not read the campaigns");
                return;
            }
        };
        let global = match self.store.campaigns().dnc_list(None).await {
            Ok(l) => l.into_iter().map(|e| e.number).collect::<Vec<_>>(),
            Err(e) => {
                tracing::warn!(error = %e, "the dialer could not read the do-not-call list");
                return;
            }
        };
        if only.is_none() {
            // Campaigns deleted meanwhile are dropped.
            let listed: HashSet<i64> = campaigns.iter().map(|c| c.id).collect();
            self.campaigns.retain(|id, c| listed.contains(id) || !c.attempts.is_empty());
        }
        let now = now_ms();
        for row in campaigns {
            let id = row.id;
            if row.status == CampaignStatus::Draft {
                continue;
            }
            let own = match self.store.campaigns().dnc_list(Some(id)).await {
                Ok(l) => l.into_iter().map(|e| e.number),
                Err(e) => {
                    tracing::warn!(campaign = id, error = %e, "the dialer could not read a do-not-call list");
                    continue;
                }
            };
            let dnc = DoNotCall::new(global.iter().cloned(), own);
            let fresh = !self.campaigns.contains_key(&id);
            if fresh {
                if row.status == CampaignStatus::Stopped {
                    continue;
                }
                let mut settings = row.settings.clone();
                let config = match crate::campaign::settings::dialer_config(row.mode, &mut settings) {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(campaign = id, key = %e.key, "a campaign's stored settings are refused");
                        continue;
                    }
                };
                // Contacts a stopped gateway left mid-call are due again.
                if let Err(e) = self.store.campaigns().reset_interrupted(id, now).await {
                    tracing::warn!(campaign = id, error = %e, "interrupted contacts not reset");
                }
                let core = Dialer::new(config, dnc.clone());
                tracing::info!(campaign = id, "the dialer loads a campaign");
                self.campaigns.insert(
                    id,
                    Campaign {
                        id,
                        name: row.name.clone(),
                        mode: row.mode,
                        status: row.status,
                        updated_at: row.updated_at.clone(),
                        settings,
                        core,
                        attempts: HashMap::new(),
                        talks: HashMap::new(),
                        alert: None,
                    },
                );
            }
            let Some(c) = self.campaigns.get_mut(&id) else { continue };
            c.name = row.name.clone();
            c.status = row.status;
            if c.updated_at != row.updated_at {
                // New settings take effect once nothing is under way.
                let mut settings = row.settings.clone();
                if c.attempts.is_empty()
                    && c.talks.is_empty()
                    && let Ok(config) = crate::campaign::settings::dialer_config(row.mode, &mut settings)
                {
                    let mut core = Dialer::new(config, dnc.clone());
                    core.handle_state(now, c.core.state());
                    c.core = core;
                    c.settings = settings;
                    c.mode = row.mode;
                    c.updated_at = row.updated_at.clone();
                }
            }
            c.core.handle_dnc_lists(now, dnc);
            c.core.handle_state(now, core_state(row.status));
            if row.status != CampaignStatus::Stopped {
                self.load_contacts(id).await;
            }
            if fresh {
                let agents: Vec<i64> = self.agents.keys().copied().collect();
                for a in agents {
                    self.agent_changed(a).await;
                }
            }
            self.carry_out(id).await;
            let done = self
                .campaigns
                .get(&id)
                .is_some_and(|c| c.status == CampaignStatus::Stopped && c.attempts.is_empty() && c.talks.is_empty());
            if done {
                tracing::info!(campaign = id, "the dialer lets a stopped campaign go");
                self.campaigns.remove(&id);
            }
        }
    }

    /// Loads pending contacts the core does not know yet.
    async fn load_contacts(&mut self, id: i64) {
        let rows = match self.store.campaigns().dialable(id, LOAD).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(campaign = id, error = %e, "contacts not loaded");
                return;
            }
        };
        let Some(c) = self.campaigns.get_mut(&id) else { return };
        let new: Vec<_> = rows.iter().filter(|r| !c.core.knows(r.id)).map(|r| r.to_contact()).collect();
        if !new.is_empty() {
            c.alert = None;
            c.core.handle_contacts(now_ms(), new);
        }
    }

    /// Carries out every decision campaign `id`'s core has made, in order.
    async fn carry_out(&mut self, id: i64) {
        loop {
            let Some(d) = self.campaigns.get_mut(&id).and_then(|c| c.core.poll_output()) else { return };
            self.record(id, &d).await;
            self.act(id, d).await;
        }
    }

    /// Writes a decision's effect on its contact and its dial log line.
    async fn record(&mut self, id: i64, d: &Decision) {
        let campaigns = self.store.campaigns();
        if let Some((contact, change)) = ContactChange::from_decision(d)
            && let Err(e) = campaigns.update_contact(contact, &change, d.at).await
        {
            tracing::warn!(campaign = id, error = %e, "a contact's change not stored");
        }
        let mut line = DialLogRow::from_decision(id, d);
        let attempt = match &d.action {
            Action::Connect { attempt, .. }
            | Action::Drop { attempt, .. }
            | Action::HangUp { attempt, .. }
            | Action::LeaveMessage { attempt, .. }
            | Action::RunFlow { attempt, .. } => Some(*attempt),
            _ => None,
        };
        let amd = attempt
            .and_then(|a| self.campaigns.get(&id)?.attempts.get(&a))
            .and_then(|call_id| self.by_call.get_mut(call_id))
            .and_then(|p| p.amd.take());
        if let Some(amd) = amd {
            line.reason = format!("{}; detection: {amd}", line.reason);
        }
        if let Err(e) = campaigns.log(&line).await {
            tracing::warn!(campaign = id, error = %e, "a dial log line not stored");
        }
    }

    async fn act(&mut self, id: i64, d: Decision) {
        let Some(c) = self.campaigns.get_mut(&id) else { return };
        match d.action {
            Action::Dial { attempt, contact, number, agent } => {
                let call_id = format!("{:032x}", rand::random::<u128>());
                let row = self.store.campaigns().contact(id, contact).await.ok().flatten();
                let Some(c) = self.campaigns.get_mut(&id) else { return };
                let card = CampaignCall {
                    campaign_id: id,
                    campaign_name: c.name.clone(),
                    contact_id: contact,
                    contact_name: row.as_ref().and_then(|r| r.name.clone()),
                    fields: row.map(|r| r.fields).unwrap_or_default(),
                    script: c.settings.script.clone(),
                    dispositions: c.settings.dispositions.clone(),
                };
                let dial = CampaignDial {
                    call_id: call_id.clone(),
                    started: crate::store::rfc3339(now_ms()),
                    session_id: u64::from(rand::random::<u32>()),
                    number,
                    caller_id: caller_id(&self.outbound, id, &c.settings.caller_id),
                    agent,
                    ring_ms: u64::from(c.settings.ring_timeout_secs) * 1000,
                    card,
                    language: c.settings.language.clone(),
                };
                c.attempts.insert(attempt, call_id.clone());
                self.by_call.insert(
                    call_id.clone(),
                    Placed { campaign: id, attempt, contact, phase: Phase::Ringing, rtp: None, amd: None },
                );
                if let Err(e) = self.calls.campaign(|reply| CampaignRequest::Dial { dial: Box::new(dial), reply }).await
                {
                    tracing::warn!(campaign = id, code = e.code, "a campaign call was not placed");
                    self.by_call.remove(&call_id);
                    if let Some(c) = self.campaigns.get_mut(&id) {
                        c.attempts.remove(&attempt);
                        let _ = c.core.handle_not_answered(now_ms(), attempt, AttemptResult::Failed);
                    }
                    // Its decisions follow in the caller's loop.
                }
            }
            Action::Preview { agent, contact } => {
                // The desk's preview comes with the agent desk's campaign
                // view; until then the agent's dial is the dialer's.
                tracing::info!(campaign = id, agent, contact, "preview: dialed for the agent");
                let _ = c.core.handle_preview(now_ms(), agent, true);
            }
            Action::Connect { attempt, contact, agent } => {
                let Some(call_id) = c.attempts.get(&attempt).cloned() else { return };
                c.talks.insert(contact, Talk { agent, connected: false, ended_at: None });
                self.decided(&call_id, Then::Connect);
                let req = |reply| CampaignRequest::Connect { call_id: call_id.clone(), agent, reply };
                if let Err(e) = self.calls.campaign(req).await {
                    tracing::info!(campaign = id, code = e.code, "the contact left before the agent was rung");
                }
            }
            Action::Drop { attempt, .. } => {
                let Some(call_id) = c.attempts.remove(&attempt) else { return };
                self.decided(&call_id, Then::Done);
                self.message(&call_id, vec![crate::prompts::id::CAMPAIGN_DROP.into()]).await;
            }
            Action::HangUp { attempt, .. } => {
                let Some(call_id) = c.attempts.remove(&attempt) else { return };
                self.decided(&call_id, Then::Done);
                let _ = self.calls.campaign(|reply| CampaignRequest::HangUp { call_id, reply }).await;
            }
            Action::LeaveMessage { attempt, .. } => {
                let Some(call_id) = c.attempts.remove(&attempt) else { return };
                self.decided(&call_id, Then::Done);
                // Spoken after the greeting (and its beep): once it is quiet.
                if let Some(rtp) = self.by_call.get(&call_id).and_then(|p| p.rtp) {
                    tokio::spawn(greeting_over(self.media.listen(rtp), call_id, self.back.clone()));
                }
            }
            Action::RunFlow { attempt, .. } => {
                let Some(call_id) = c.attempts.get(&attempt).cloned() else { return };
                let name = c.settings.flow.clone();
                self.decided(&call_id, Then::Flow);
                let flow = match name {
                    Some(n) => match self.store.flow(&n).await {
                        Ok(f) => f.map(Arc::new),
                        Err(e) => {
                            tracing::error!(campaign = id, error = %e, "the campaign's flow not loaded");
                            None
                        }
                    },
                    None => None,
                };
                let _ = self.calls.campaign(|reply| CampaignRequest::Flow { call_id, flow, reply }).await;
            }
            Action::Retry { .. } => {}
            Action::Finish { contact, .. } => {
                c.talks.remove(&contact);
            }
            Action::ListDry { next_due } => {
                tracing::info!(campaign = id, "a campaign's list ran dry");
                c.alert = Some(CampaignAlert {
                    kind: "list_dry".into(),
                    at: crate::store::rfc3339(d.at),
                    next_due: next_due.map(crate::store::rfc3339),
                });
            }
        }
    }

    fn decided(&mut self, call_id: &str, then: Then) {
        if let Some(p) = self.by_call.get_mut(call_id) {
            p.phase = Phase::Decided(then);
        }
    }

    async fn message(&mut self, call_id: &str, prompts: Vec<String>) {
        let call_id = call_id.to_owned();
        let _ = self.calls.campaign(|reply| CampaignRequest::Message { call_id, prompts, reply }).await;
    }

    /// What call control says of a campaign call.
    async fn news(&mut self, n: CampaignNews) {
        match n {
            CampaignNews::Answered { call_id, rtp } => {
                let Some(p) = self.by_call.get_mut(&call_id) else { return };
                p.phase = Phase::Detecting;
                p.rtp = Some(rtp);
                let Some(c) = self.campaigns.get(&p.campaign) else { return };
                let machine = crate::campaign::settings::dialer_config(c.mode, &mut c.settings.clone())
                    .map(|d| d.machine)
                    .unwrap_or(MachineAction::HangUp);
                if machine == MachineAction::PassToAgent {
                    // Everyone is treated as a person: no need to listen.
                    let by = Answered::Unknown;
                    let _ = self.back.send(Back::Detected { call_id, by, reason: "not listened for".into() });
                } else {
                    tokio::spawn(detect(self.media.listen(rtp), call_id, self.back.clone()));
                }
            }
            CampaignNews::Connected { call_id, agent } => {
                let Some(p) = self.by_call.get(&call_id) else { return };
                let (id, contact) = (p.campaign, p.contact);
                if let Some(t) = self.campaigns.get_mut(&id).and_then(|c| c.talks.get_mut(&contact)) {
                    t.connected = true;
                    t.agent = agent;
                }
            }
            CampaignNews::Ended { call_id, result } => {
                let Some(p) = self.by_call.remove(&call_id) else { return };
                let now = now_ms();
                let id = p.campaign;
                let Some(c) = self.campaigns.get_mut(&id) else { return };
                match p.phase {
                    Phase::Ringing | Phase::Detecting => {
                        let result = match result {
                            CampaignResult::Busy => AttemptResult::Busy,
                            CampaignResult::Failed => AttemptResult::Failed,
                            // Hung up on before a word from us is no answer.
                            CampaignResult::NoAnswer | CampaignResult::Answered => AttemptResult::NoAnswer,
                        };
                        c.attempts.remove(&p.attempt);
                        let _ = c.core.handle_not_answered(now, p.attempt, result);
                    }
                    Phase::Decided(Then::Flow) => {
                        c.attempts.remove(&p.attempt);
                        let _ = c.core.handle_flow_ended(now, p.attempt);
                    }
                    Phase::Decided(Then::Connect) => {
                        c.attempts.remove(&p.attempt);
                        let talk = c.talks.get_mut(&p.contact);
                        let never_talked = talk.as_ref().is_some_and(|t| !t.connected);
                        if let Some(t) = talk {
                            t.ended_at = Some(now);
                        }
                        if never_talked {
                            // The contact left while the agent's desk rang:
                            // called again later, before the rest.
                            let again = c.settings.retry_minutes.abandoned.unwrap_or(30);
                            let at = now + i64::from(again) * 60_000;
                            let _ = self.disposition(id, p.contact, None, None, Some(at)).await;
                        }
                    }
                    Phase::Decided(Then::Done) => {}
                }
                self.carry_out(id).await;
                self.drop_if_stopped(id);
            }
        }
    }

    async fn back(&mut self, b: Back) {
        match b {
            Back::Detected { call_id, by, reason } => {
                let Some(p) = self.by_call.get_mut(&call_id) else { return };
                if p.phase != Phase::Detecting {
                    return;
                }
                p.amd = Some(reason);
                let (id, attempt) = (p.campaign, p.attempt);
                if let Some(c) = self.campaigns.get_mut(&id) {
                    let _ = c.core.handle_answered(now_ms(), attempt, by);
                }
                self.carry_out(id).await;
            }
            Back::GreetingOver { call_id } => {
                let Some(p) = self.by_call.get(&call_id) else { return };
                let prompt = self
                    .campaigns
                    .get(&p.campaign)
                    .and_then(|c| c.settings.message_prompt.clone())
                    .unwrap_or_else(|| crate::prompts::id::CAMPAIGN_MESSAGE.into());
                self.message(&call_id, vec![prompt]).await;
            }
        }
    }

    /// Contacts whose agent's call ended without a disposition in time are
    /// completed without one.
    async fn sweep(&mut self) {
        let now = now_ms();
        let late: Vec<(i64, ContactId)> = self
            .campaigns
            .values()
            .flat_map(|c| {
                c.talks
                    .iter()
                    .filter(|(_, t)| t.ended_at.is_some_and(|e| now - e >= DISPOSITION_WAIT_MS))
                    .map(|(contact, _)| (c.id, *contact))
            })
            .collect();
        for (id, contact) in late {
            let _ = self.disposition(id, contact, None, None, None).await;
        }
    }

    /// Applies a disposition (`None`: none came) and frees the agent.
    async fn disposition(
        &mut self,
        id: i64,
        contact: ContactId,
        by: Option<i64>,
        disposition: Option<String>,
        callback_at: Option<i64>,
    ) -> Result<(), DispositionError> {
        let Some(c) = self.campaigns.get_mut(&id) else { return Err(DispositionError::NotConnected) };
        let Some(talk) = c.talks.get(&contact) else { return Err(DispositionError::NotConnected) };
        if by.is_some_and(|a| a != talk.agent) {
            return Err(DispositionError::NotYours);
        }
        let agent = talk.agent;
        c.core
            .handle_disposition(now_ms(), contact, disposition, callback_at)
            .map_err(|_| DispositionError::NotConnected)?;
        c.talks.remove(&contact);
        self.carry_out(id).await;
        // Free for the campaign again, if they are.
        self.agent_changed(agent).await;
        self.drop_if_stopped(id);
        Ok(())
    }

    fn drop_if_stopped(&mut self, id: i64) {
        let done = self
            .campaigns
            .get(&id)
            .is_some_and(|c| c.status == CampaignStatus::Stopped && c.attempts.is_empty() && c.talks.is_empty());
        if done {
            self.campaigns.remove(&id);
        }
    }
}

/// The campaign's caller ID if the trunk lets us show it, else the trunk's
/// default.
fn caller_id(allowed: &[String], campaign: i64, wanted: &str) -> String {
    if allowed.iter().any(|a| a == wanted) {
        return wanted.to_owned();
    }
    tracing::warn!(campaign, "the campaign's caller ID is not one the trunk allows: its default is shown");
    allowed.first().cloned().unwrap_or_default()
}

/// Listens to an answered contact until detection decides; silence that
/// sends no packets counts as silence. Gives up (not sure) after the
/// detector's whole time and a little more.
async fn detect(mut audio: mpsc::Receiver<Vec<i16>>, call_id: String, back: mpsc::UnboundedSender<Back>) {
    let config = AmdConfig::default();
    let limit = Duration::from_millis(u64::from(config.total_ms) + 1_500);
    let mut amd = Amd::new(config);
    let verdict = listen(&mut audio, limit, |samples| {
        amd.handle_samples(samples);
        amd.poll_detection().is_some()
    })
    .await;
    let (by, reason) = match (verdict, amd.poll_detection()) {
        (_, Some(d)) => {
            let by = match d.verdict {
                Verdict::Human => Answered::Human,
                Verdict::Machine => Answered::Machine,
                Verdict::Unknown => Answered::Unknown,
            };
            (by, format!("{} ({})", crate::campaign::dialer::answered_str(by), d.reason))
        }
        (_, None) => (Answered::Unknown, "no audio to decide on".to_owned()),
    };
    let _ = back.send(Back::Detected { call_id, by, reason });
}

/// Waits for a machine's greeting (and beep) to end: [`BEEP_QUIET_MS`] of
/// quiet, or [`GREETING_MAX_MS`] at most.
async fn greeting_over(mut audio: mpsc::Receiver<Vec<i16>>, call_id: String, back: mpsc::UnboundedSender<Back>) {
    let threshold = AmdConfig::default().threshold;
    let mut quiet_samples: u32 = 0;
    let needed = BEEP_QUIET_MS * 8;
    listen(&mut audio, Duration::from_millis(GREETING_MAX_MS), |samples| {
        for frame in samples.chunks(80) {
            let sum: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
            let loud = (sum / frame.len().max(1) as f64).sqrt() > threshold;
            quiet_samples = if loud { 0 } else { quiet_samples + frame.len() as u32 };
        }
        quiet_samples >= needed
    })
    .await;
    let _ = back.send(Back::GreetingOver { call_id });
}

/// Feeds `take` the leg's audio as it comes, with silence where nothing
/// came (a phone that sends no packets while quiet), until it says done,
/// `limit` passes or the leg goes. True when `take` said done.
async fn listen(audio: &mut mpsc::Receiver<Vec<i16>>, limit: Duration, mut take: impl FnMut(&[i16]) -> bool) -> bool {
    let start = tokio::time::Instant::now();
    let deadline = start + limit;
    let mut fed: u64 = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let silence = [0i16; 800];
    loop {
        tokio::select! {
            got = audio.recv() => match got {
                Some(samples) => {
                    fed += samples.len() as u64;
                    if take(&samples) {
                        return true;
                    }
                }
                None => return false,
            },
            _ = tick.tick() => {
                // More than 100 ms behind the clock: the gap was silence.
                let due = start.elapsed().as_millis() as u64 * 8;
                while fed + 800 < due.saturating_sub(800) {
                    fed += 800;
                    if take(&silence) {
                        return true;
                    }
                }
            }
            _ = tokio::time::sleep_until(deadline) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_caller_ids_the_trunk_allows_are_shown() {
        let allowed = ["+441", "+442"].map(String::from);
        assert_eq!(caller_id(&allowed, 1, "+442"), "+442");
        assert_eq!(caller_id(&allowed, 1, "+449"), "+441", "the trunk's default instead");
    }

    #[tokio::test]
    async fn quiet_gaps_count_as_silence() {
        // A short word, then nothing on the wire: a person waiting.
        let (tx, rx) = mpsc::channel(64);
        let (back, mut got) = mpsc::unbounded_channel();
        let word: Vec<i16> = (0..4000)
            .map(|i| (6000.0 * (2.0 * std::f64::consts::PI * 200.0 * i as f64 / 8000.0).sin()) as i16)
            .collect();
        for chunk in word.chunks(160) {
            tx.send(chunk.to_vec()).await.unwrap();
        }
        tokio::spawn(detect(rx, "c".into(), back));
        let Some(Back::Detected { by, reason, .. }) = got.recv().await else { panic!("no verdict") };
        assert_eq!(by, Answered::Human, "{reason}");
        drop(tx);
    }
}

//! Simulation tests: seeded random traffic over hours of virtual time with
//! the engine's invariants checked after every step, and the M/M/c check
//! against the Erlang C formula.

use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::tests::{profile, queue};
use super::*;

/// A seeded generator for the traffic (independent of the engine's).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Exponential with this mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

/// Events the simulated world schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrive(CallKey),
    Answer {
        agent: AgentId,
        call: CallKey,
    },
    Decline {
        agent: AgentId,
        call: CallKey,
    },
    HangUp(CallKey),
    Abandon(CallKey),
    Toggle(AgentId),
    WrapDone(AgentId),
    /// The agent acknowledges a missed offer (or, made not ready by
    /// misses, becomes ready again).
    Ack(AgentId),
}

/// How a call's life ended, for the "no call lost or counted twice" check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Waiting,
    Talking,
    Done,
}

/// Checks the engine's invariants against its own state.
fn check(acd: &Acd, ring_started: &HashMap<AgentId, (CallKey, Millis)>, now: Millis) {
    for (a, agent) in acd.agents.iter().enumerate() {
        if let Activity::Ringing(call) = agent.activity {
            let c = acd.calls.get(&call).unwrap_or_else(|| panic!("agent {} rings for gone call {call}", agent.id));
            assert!(c.ringing.contains(&a), "agent {} rings for {call}, which does not know it", agent.id);
            let Some(&(rc, since)) = ring_started.get(&agent.id) else {
                panic!("agent {} rings for {call} unannounced at {now}: {:?}", agent.id, c)
            };
            assert_eq!(rc, call);
            let timeout = u64::from(acd.queue(c.queue).cfg.ring_timeout_secs) * 1000;
            assert!(now - since <= timeout, "agent {} stuck reserved for {call}", agent.id);
        }
    }
    for (&call, c) in &acd.calls {
        let strategy = acd.queue(c.queue).cfg.strategy;
        let max = match strategy {
            Strategy::RingAll | Strategy::Progressive => usize::MAX,
            Strategy::TopThree | Strategy::RandomThree => THREE,
            _ => 1,
        };
        assert!(c.ringing.len() <= max, "{strategy:?} rings {} agents for {call}", c.ringing.len());
        for &a in &c.ringing {
            assert_eq!(acd.agents[a].activity, Activity::Ringing(call), "call {call} thinks agent {a} rings");
        }
        // Nothing offerable is left waiting beside a free eligible agent.
        let room = match strategy {
            Strategy::RingAll => true,
            Strategy::TopThree | Strategy::RandomThree => c.ringing.len() < THREE,
            _ => c.ringing.is_empty(),
        };
        if room {
            for (a, agent) in acd.agents.iter().enumerate() {
                assert!(
                    !(agent.free() && acd.eligible(a, c)),
                    "call {call} waits while agent {} is free and eligible",
                    agent.id
                );
            }
        }
    }
}

#[test]
fn random_traffic_keeps_every_invariant() {
    for seed in 1..=4u64 {
        run_traffic(seed, 3 * 3_600_000);
    }
}

fn run_traffic(seed: u64, horizon: Millis) {
    let mut rng = Rng(seed);
    let mut acd = Acd::new(seed);
    let strategies = [
        Strategy::LongestIdle,
        Strategy::RingAll,
        Strategy::RoundRobin,
        Strategy::TopDown,
        Strategy::LeastTalkTime,
        Strategy::FewestCalls,
        Strategy::Random,
        Strategy::TopThree,
        Strategy::RandomThree,
        Strategy::Progressive,
        Strategy::Scored,
    ];
    let names: Vec<String> = strategies.iter().map(|s| format!("{s:?}")).collect();
    for (i, s) in strategies.iter().enumerate() {
        let mut q = queue(&names[i], *s);
        q.ring_timeout_secs = 15;
        q.ring_step_secs = 4;
        q.wrap_up_secs = (i as u32 % 3) * 10;
        q.announce_every_secs = 45;
        q.max_missed = 2;
        if i % 4 == 1 {
            q.skills = vec![SkillReq { skill: "tech".into(), min_level: 6 }];
            q.escalation = vec![Escalation { after_secs: 40, skills: vec![] }];
        }
        if i % 5 == 2 {
            q.max_wait_secs = Some(300);
            q.overflow = Overflow::Queue(names[(i + 1) % names.len()].clone());
        }
        if i % 5 == 3 {
            q.max_len = Some(4);
            q.overflow = Overflow::Voicemail(String::new());
        }
        acd.set_queue(0, q).unwrap();
    }
    let agents: Vec<AgentId> = (1..=18).collect();
    for &id in &agents {
        let mine: Vec<(&str, u32)> =
            (0..3).map(|k| (names[(id as usize * 3 + k) % names.len()].as_str(), rng.below(5) as u32)).collect();
        let level = rng.below(10) as u8 + 1;
        acd.set_agent(0, id, profile(&mine, &[("tech", level)]));
        acd.login(0, id);
        acd.set_ready(0, id, true, None).unwrap();
    }

    let mut events: BinaryHeap<Reverse<(Millis, u64, Ev)>> = BinaryHeap::new();
    let mut n = 0u64;
    let mut push = |events: &mut BinaryHeap<Reverse<(Millis, u64, Ev)>>, at: Millis, ev: Ev| {
        n += 1;
        events.push(Reverse((at, n, ev)));
    };
    let mut next_call: CallKey = 1;
    push(&mut events, 0, Ev::Arrive(next_call));
    for &id in &agents {
        push(&mut events, rng.below(3_600_000), Ev::Toggle(id));
    }
    let mut fate: BTreeMap<CallKey, Fate> = BTreeMap::new();
    let mut talking: HashMap<CallKey, AgentId> = HashMap::new();
    let mut ring_started: HashMap<AgentId, (CallKey, Millis)> = HashMap::new();
    let mut outcomes = [0u32; 5];
    let mut now = 0;
    let mut steps = 0;
    loop {
        let next_timer = acd.poll_timeout().unwrap_or(Millis::MAX);
        let next_event = events.peek().map_or(Millis::MAX, |Reverse((at, _, _))| *at);
        let at = next_timer.min(next_event);
        if at == Millis::MAX || (at > horizon && fate.values().all(|f| *f == Fate::Done)) {
            break;
        }
        assert!(at >= now);
        now = at;
        steps += 1;
        assert!(steps < 2_000_000, "runaway");
        if next_timer <= next_event {
            acd.handle_timeout(now);
        } else {
            let Reverse((_, _, ev)) = events.pop().unwrap();
            match ev {
                Ev::Arrive(call) => {
                    if now < horizon {
                        let q = &names[rng.below(names.len() as u64) as usize];
                        let attrs = CallAttrs {
                            priority: rng.below(3) as u8,
                            vip: rng.below(20) == 0,
                            skills: vec![],
                            kind: EntryKind::Call,
                            entered: None,
                        };
                        fate.insert(call, Fate::Waiting);
                        match acd.enqueue(now, call, q, attrs).unwrap() {
                            Enqueued::Waiting { .. } => {
                                if rng.below(4) == 0 {
                                    push(&mut events, now + rng.exp(90_000.0) as u64, Ev::Abandon(call));
                                }
                            }
                            Enqueued::Diverted { .. } => {
                                fate.insert(call, Fate::Done);
                                outcomes[0] += 1;
                            }
                        }
                        next_call += 1;
                        push(&mut events, now + rng.exp(9_000.0) as u64, Ev::Arrive(next_call));
                    }
                }
                Ev::Answer { agent, call } => {
                    if acd.accept(now, agent, call).is_ok() {
                        assert_eq!(fate.insert(call, Fate::Talking), Some(Fate::Waiting), "answered twice: {call}");
                        talking.insert(call, agent);
                        push(&mut events, now + rng.exp(120_000.0) as u64, Ev::HangUp(call));
                    }
                }
                Ev::Decline { agent, call } => {
                    if acd.decline(now, agent, call).is_ok() {
                        ring_started.remove(&agent);
                    }
                }
                Ev::HangUp(call) => {
                    acd.ended(now, call).unwrap();
                    let agent = talking.remove(&call).unwrap();
                    assert_eq!(fate.insert(call, Fate::Done), Some(Fate::Talking));
                    outcomes[1] += 1;
                    if rng.below(3) == 0 {
                        push(&mut events, now + rng.below(5_000), Ev::WrapDone(agent));
                    }
                }
                Ev::Abandon(call) => {
                    if fate.get(&call) == Some(&Fate::Waiting) {
                        acd.abandon(now, call).unwrap();
                        fate.insert(call, Fate::Done);
                        outcomes[2] += 1;
                    }
                }
                Ev::Toggle(agent) => {
                    match rng.below(4) {
                        0 => acd.logout(now, agent),
                        1 => {
                            acd.login(now, agent);
                            let _ = acd.set_ready(now, agent, true, None);
                        }
                        2 => {
                            let _ = acd.set_ready(now, agent, false, Some("break".into()));
                        }
                        _ => {
                            let _ = acd.set_ready(now, agent, true, None);
                        }
                    }
                    if now < horizon {
                        push(&mut events, now + rng.exp(600_000.0) as u64, Ev::Toggle(agent));
                    } else {
                        acd.login(now, agent);
                        let _ = acd.set_ready(now, agent, true, None);
                    }
                }
                Ev::WrapDone(agent) => {
                    acd.wrap_up_done(now, agent).unwrap();
                }
                Ev::Ack(agent) => {
                    let state = acd.agent_state(agent).map(|s| s.0);
                    if matches!(state, Some(AgentState::Missed | AgentState::NotReady)) {
                        let _ = acd.set_ready(now, agent, true, None);
                    }
                }
            }
        }
        while let Some(o) = acd.poll_output() {
            if std::env::var("ACD_TRACE").is_ok() {
                eprintln!("{now} {o:?}");
            }
            match o {
                Output::Offer { call, agent, .. } => {
                    assert_eq!(fate.get(&call), Some(&Fate::Waiting), "offered a call not waiting: {call}");
                    assert!(!ring_started.contains_key(&agent), "agent {agent} offered two calls");
                    ring_started.insert(agent, (call, now));
                    match rng.below(10) {
                        0 => {} // never answers: the ring times out
                        1 => push(&mut events, now + rng.below(5_000), Ev::Decline { agent, call }),
                        _ => push(&mut events, now + rng.below(8_000), Ev::Answer { agent, call }),
                    }
                }
                Output::Withdraw { call, agent, .. } => {
                    assert_eq!(ring_started.remove(&agent).map(|r| r.0), Some(call), "withdrew what was not offered");
                }
                Output::Left { call, .. } => {
                    assert_eq!(fate.insert(call, Fate::Done), Some(Fate::Waiting), "left twice: {call}");
                    outcomes[3] += 1;
                }
                Output::Announce { call, position, .. } => {
                    assert_eq!(fate.get(&call), Some(&Fate::Waiting));
                    assert!(position >= 1);
                }
                Output::Moved { .. } => outcomes[4] += 1,
                Output::AgentChanged { agent, state, reason, .. } => {
                    if state == AgentState::OnCall {
                        ring_started.remove(&agent);
                    }
                    let missed = state == AgentState::Missed
                        || (state == AgentState::NotReady && reason.as_deref() == Some(super::MISSED_REASON));
                    if missed {
                        push(&mut events, now + 1_000 + rng.below(30_000), Ev::Ack(agent));
                    }
                }
            }
        }
        // An accepted offer is not withdrawn: forget it here.
        ring_started.retain(|agent, _| acd.agent_state(*agent).is_some_and(|s| s.0 == AgentState::Ringing));
        check(&acd, &ring_started, now);
    }
    assert!(acd.calls.is_empty() && acd.connected.is_empty(), "calls left behind");
    assert!(fate.values().all(|f| *f == Fate::Done));
    assert_eq!(outcomes[0] + outcomes[1] + outcomes[2] + outcomes[3], fate.len() as u32, "every call ends once");
    assert!(outcomes[1] > 300 && outcomes[2] > 20 && outcomes[0] + outcomes[3] > 5 && outcomes[4] > 0, "{outcomes:?}");
    for id in agents {
        assert_ne!(acd.agent_state(id).unwrap().0, AgentState::Ringing, "agent {id} left reserved");
    }
}

/// Erlang C: the probability that a call waits, with `c` agents and `a`
/// erlangs offered.
fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by its recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    b / (1.0 - rho + rho * b)
}

/// Simulates an M/M/c queue through the engine; returns (probability of
/// waiting, average speed of answer in ms, mean absolute error of the
/// estimate told on entry in ms, mean wait of those who waited in ms).
fn mmc(seed: u64, c: u32, mean_handle_ms: f64, rho: f64, calls: u64) -> (f64, f64, f64, f64, f64) {
    let mut rng = Rng(seed);
    let mut acd = Acd::new(seed);
    let mut q = queue("q", Strategy::LongestIdle);
    q.ring_timeout_secs = 600;
    q.announce_every_secs = 0;
    acd.set_queue(0, q).unwrap();
    for id in 0..i64::from(c) {
        acd.set_agent(0, id, profile(&[("q", 0)], &[]));
        acd.login(0, id);
        acd.set_ready(0, id, true, None).unwrap();
    }
    let mean_gap = mean_handle_ms / (rho * f64::from(c));
    let mut events: BinaryHeap<Reverse<(Millis, CallKey)>> = BinaryHeap::new(); // hang-ups
    let mut next_arrival = 0f64;
    let mut entered: HashMap<CallKey, (Millis, Option<u32>)> = HashMap::new();
    let warm_up = calls / 20;
    let (mut counted, mut waited, mut total_wait, mut est_err, mut est_n, mut wait_sum_waiters) =
        (0u64, 0u64, 0f64, 0f64, 0u64, 0f64);
    let mut call: CallKey = 0;
    let (mut service_sum, mut service_n, mut first_arrival, mut last_arrival) = (0f64, 0u64, 0f64, 0f64);
    while call < calls + warm_up {
        let hang = events.peek().map(|Reverse((at, _))| *at);
        let now;
        if hang.is_some_and(|h| (h as f64) <= next_arrival) {
            let Reverse((at, key)) = events.pop().unwrap();
            now = at;
            acd.ended(now, key).unwrap();
        } else {
            now = next_arrival as Millis;
            call += 1;
            let r = acd.enqueue(now, call, "q", CallAttrs::default()).unwrap();
            let est = match r {
                Enqueued::Waiting { wait_secs, .. } => wait_secs,
                Enqueued::Diverted { .. } => unreachable!("no limits"),
            };
            entered.insert(call, (now, est));
            if call == warm_up + 1 {
                first_arrival = next_arrival;
            }
            last_arrival = next_arrival;
            next_arrival += rng.exp(mean_gap);
        }
        while let Some(o) = acd.poll_output() {
            if let Output::Offer { call: key, agent, .. } = o {
                acd.accept(now, agent, key).unwrap();
                let (at, est) = entered.remove(&key).unwrap();
                let service = rng.exp(mean_handle_ms).max(1.0);
                service_sum += service;
                service_n += 1;
                events.push(Reverse((now + service as Millis, key)));
                if key > warm_up {
                    counted += 1;
                    let wait = (now - at) as f64;
                    total_wait += wait;
                    if wait > 0.0 {
                        waited += 1;
                        wait_sum_waiters += wait;
                        if let Some(est) = est {
                            est_err += (f64::from(est) * 1000.0 - wait).abs();
                            est_n += 1;
                        }
                    }
                }
            }
        }
    }
    let waiters = waited.max(1) as f64;
    // The load that actually occurred: offered erlangs from the drawn
    // arrivals and handle times.
    let load = (service_sum / service_n as f64) * (calls - 1) as f64 / (last_arrival - first_arrival);
    (
        waited as f64 / counted as f64,
        total_wait / counted as f64,
        est_err / est_n.max(1) as f64,
        wait_sum_waiters / waiters,
        load,
    )
}

/// Four agents, 60 % busy, exponential arrivals and handle times, longest
/// idle routing, no abandonment: the probability of waiting and the average
/// speed of answer must be within 3 % of Erlang C. The formula is evaluated
/// at the load the simulation actually drew (the sample rates of its
/// arrivals and handle times, themselves checked within 1 % of the nominal
/// load), so the check measures the engine and not the dice.
#[test]
fn an_mmc_queue_matches_erlang_c() {
    let (c, handle, rho) = (4, 180_000.0, 0.6);
    let (p_wait, asa, _, _, load) = mmc(2026, c, handle, rho, 1_000_000);
    let nominal = rho * f64::from(c);
    assert!((load - nominal).abs() / nominal < 0.01, "drawn load {load:.3} vs {nominal}");
    let expected_p = erlang_c(c, load);
    let mu = 1.0 / handle;
    let expected_asa = expected_p / (f64::from(c) * mu - load * mu);
    let off_p = (p_wait - expected_p).abs() / expected_p;
    let off_asa = (asa - expected_asa).abs() / expected_asa;
    assert!(off_p < 0.03, "P(wait) {p_wait:.4} vs Erlang C {expected_p:.4}");
    assert!(off_asa < 0.03, "ASA {asa:.0} ms vs Erlang C {expected_asa:.0} ms");
    println!("P(wait) {p_wait:.4} vs {expected_p:.4}; ASA {asa:.0} ms vs {expected_asa:.0} ms");
}

#[test]
fn the_wait_estimate_is_close_in_an_mmc_queue() {
    let (_, _, mae, mean_wait, _) = mmc(7, 10, 180_000.0, 0.85, 60_000);
    // Printed for ARCHITECTURE.md: how far the announced estimate was from
    // the wait that followed, for callers who waited.
    println!("estimate MAE {:.1} s over a mean wait of {:.1} s", mae / 1000.0, mean_wait / 1000.0);
    assert!(mae < mean_wait, "the estimate should beat saying nothing: MAE {mae:.0} ms, mean {mean_wait:.0} ms");
}

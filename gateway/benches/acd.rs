//! The routing engine under load, run by `cargo xtask bench`: decisions per
//! second and per-decision latency with 1,000 agents, 100 queues, skills and
//! 10,000 waiting calls; and the wall time to simulate one hour of a
//! 500-agent center. Prints `name<TAB>value<TAB>what` lines.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Instant;

use gateway::acd::{Acd, AgentProfile, CallAttrs, Membership, Output, QueueConfig, Skill, SkillReq, Strategy};

/// splitmix64, seeded: the same load every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - (self.next() >> 11) as f64 / (1u64 << 53) as f64).ln()
    }
}

fn report(name: &str, value: f64, what: &str) {
    println!("{name}\t{value:.1}\t{what}");
}

/// Takes the engine's outputs; accepts every offer at once. Returns how many
/// offers were accepted.
fn accept_all(acd: &mut Acd, now: u64, busy: &mut Vec<(i64, u64)>) -> u32 {
    let mut n = 0;
    while let Some(o) = acd.poll_output() {
        if let Output::Offer { call, agent, .. } = o {
            acd.accept(now, agent, call).expect("offered");
            busy.push((agent, call));
            n += 1;
        }
    }
    n
}

fn center(acd: &mut Acd, rng: &mut Rng, agents: i64, queues: usize, skills: usize, per_agent: usize) -> Vec<String> {
    let strategies = [Strategy::LongestIdle, Strategy::Scored, Strategy::RoundRobin, Strategy::FewestCalls];
    let names: Vec<String> = (0..queues).map(|q| format!("q{q}")).collect();
    for (q, name) in names.iter().enumerate() {
        let cfg = QueueConfig {
            name: name.clone(),
            strategy: strategies[q % strategies.len()],
            skills: vec![SkillReq { skill: format!("s{}", q % skills), min_level: 3 }],
            announce_every_secs: 0,
            ring_timeout_secs: 20,
            ..QueueConfig::default()
        };
        acd.set_queue(0, cfg).expect("valid queue");
    }
    for id in 0..agents {
        let qs: Vec<usize> = (0..per_agent).map(|k| (id as usize * 7 + k * 13) % queues).collect();
        let mut profile = AgentProfile {
            queues: qs.iter().map(|&q| Membership { queue: names[q].clone(), order: rng.below(10) as u32 }).collect(),
            skills: qs
                .iter()
                .map(|&q| Skill { skill: format!("s{}", q % skills), level: 3 + rng.below(8) as u8 })
                .collect(),
        };
        profile.skills.push(Skill { skill: ["en", "fa", "ar", "tr"][id as usize % 4].into(), level: 5 });
        acd.set_agent(0, id, profile);
        acd.login(0, id);
        acd.set_ready(0, id, true, None).expect("logged in");
    }
    names
}

fn attrs(rng: &mut Rng) -> CallAttrs {
    let mut a = CallAttrs { priority: rng.below(3) as u8, vip: rng.below(50) == 0, ..CallAttrs::default() };
    if rng.below(5) == 0 {
        a.skills.push(SkillReq { skill: ["en", "fa", "ar", "tr"][rng.below(4) as usize].into(), min_level: 3 });
    }
    a
}

fn decisions() {
    let mut rng = Rng(9);
    let mut acd = Acd::new(9);
    let names = center(&mut acd, &mut rng, 1_000, 100, 20, 5);
    let mut now = 1_000u64;
    let mut key = 0u64;
    let mut busy = Vec::new();
    // Every agent busy, then 10,000 calls waiting.
    while busy.len() < 1_000 && key < 50_000 {
        key += 1;
        acd.enqueue(now, key, &names[rng.below(100) as usize], attrs(&mut rng)).expect("enqueued");
        accept_all(&mut acd, now, &mut busy);
    }
    while acd.waiting_len() < 10_000 {
        key += 1;
        acd.enqueue(now, key, &names[rng.below(100) as usize], attrs(&mut rng)).expect("enqueued");
        accept_all(&mut acd, now, &mut busy);
    }
    let mut lat = Vec::with_capacity(400_000);
    let start = Instant::now();
    let rounds = 200_000;
    for _ in 0..rounds {
        now += 5;
        // A call ends: its agent takes the best waiting call it may take.
        let i = rng.below(busy.len() as u64) as usize;
        let (_, call) = busy.swap_remove(i);
        let t = Instant::now();
        acd.ended(now, call).expect("connected");
        accept_all(&mut acd, now, &mut busy);
        lat.push(t.elapsed().as_nanos() as u64);
        // A call arrives: no agent is free for it, or one is.
        key += 1;
        let q = &names[rng.below(100) as usize];
        let a = attrs(&mut rng);
        let t = Instant::now();
        acd.enqueue(now, key, q, a).expect("enqueued");
        accept_all(&mut acd, now, &mut busy);
        lat.push(t.elapsed().as_nanos() as u64);
        if key.is_multiple_of(1024) {
            acd.handle_timeout(now);
        }
    }
    let total = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() - 1) as f64 * p) as usize] as f64 / 1000.0;
    report(
        "acd_decisions_per_s",
        (2 * rounds) as f64 / total,
        "routing decisions per second: 1,000 agents, 100 queues, skills, 10,000 waiting (harness included)",
    );
    report(
        "acd_decision_p50_us",
        pct(0.5),
        "one decision (a call ends and its agent is offered the next; or a call arrives), median",
    );
    report("acd_decision_p99_us", pct(0.99), "the same, 99th percentile");
    assert!(acd.waiting_len() > 9_000, "the backlog stayed");
}

/// One hour of a 500-agent center: 20 queues, Poisson arrivals at 90 % of
/// capacity, exponential handle times (mean 180 s), agents answering after
/// 3 s, one caller in ten abandoning after an exponential patience.
fn hour() {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Ev {
        Arrive,
        Answer(i64, u64),
        End(u64),
        Abandon(u64),
    }
    let mut rng = Rng(11);
    let mut acd = Acd::new(11);
    let names = center(&mut acd, &mut rng, 500, 20, 10, 3);
    let handle = 180_000.0;
    let gap = handle / (0.9 * 500.0);
    let mut events: BinaryHeap<Reverse<(u64, u64, Ev)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |events: &mut BinaryHeap<Reverse<(u64, u64, Ev)>>, at: u64, ev: Ev| {
        seq += 1;
        events.push(Reverse((at, seq, ev)));
    };
    push(&mut events, 0, Ev::Arrive);
    let mut key = 0u64;
    let mut waiting: HashMap<u64, ()> = HashMap::new();
    let (mut answered, mut abandoned) = (0u64, 0u64);
    let horizon = 3_600_000u64;
    let start = Instant::now();
    loop {
        let timer = acd.poll_timeout().unwrap_or(u64::MAX);
        let next = events.peek().map_or(u64::MAX, |Reverse((at, _, _))| *at);
        let now = timer.min(next);
        if now > horizon {
            break;
        }
        if timer <= next {
            acd.handle_timeout(now);
        } else {
            let Reverse((_, _, ev)) = events.pop().expect("peeked");
            match ev {
                Ev::Arrive => {
                    key += 1;
                    acd.enqueue(now, key, &names[rng.below(20) as usize], attrs(&mut rng)).expect("enqueued");
                    waiting.insert(key, ());
                    if rng.below(10) == 0 {
                        push(&mut events, now + rng.exp(60_000.0) as u64, Ev::Abandon(key));
                    }
                    push(&mut events, now + rng.exp(gap) as u64, Ev::Arrive);
                }
                Ev::Answer(agent, call) => {
                    if acd.accept(now, agent, call).is_ok() {
                        waiting.remove(&call);
                        answered += 1;
                        push(&mut events, now + rng.exp(handle) as u64, Ev::End(call));
                    }
                }
                Ev::End(call) => acd.ended(now, call).expect("connected"),
                Ev::Abandon(call) => {
                    if waiting.remove(&call).is_some() {
                        acd.abandon(now, call).expect("waiting");
                        abandoned += 1;
                    }
                }
            }
        }
        while let Some(o) = acd.poll_output() {
            if let Output::Offer { call, agent, .. } = o {
                push(&mut events, now + 3_000, Ev::Answer(agent, call));
            }
        }
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    report(
        "acd_hour_500_agents_ms",
        ms,
        &format!("simulate one hour of a 500-agent center ({key} calls, {answered} answered, {abandoned} abandoned)"),
    );
}

fn main() {
    decisions();
    hour();
}

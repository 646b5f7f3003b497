//! The long simulation: a predictive campaign against a seeded world of
//! answers, machines, busy lines and agents who talk and wrap up, for a
//! working day of virtual time. The world keeps its own books (which agent
//! is free, which answer found nobody) and the figures are computed from
//! them, not from the dialer's.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::dialer::{Action, Answered, Contact, DialMode, Dialer, DialerConfig, MachineAction, RunState};
use super::pacer::PacingConfig;
use super::rules::{AttemptResult, DoNotCall, RetryDelays, Rules};

/// 2025-03-03T07:00:00Z.
const T0: i64 = 1_740_985_200_000;

/// The world's parameters.
struct World {
    agents: i64,
    hours: i64,
    /// Shares of dials that a person answers, a machine answers, are busy,
    /// fail; the rest ring out.
    human: f64,
    machine: f64,
    busy: f64,
    failed: f64,
    ring_out_ms: i64,
    mean_talk_ms: f64,
    wrap_ms: i64,
}

const WORLD: World = World {
    agents: 20,
    hours: 8,
    human: 0.25,
    machine: 0.10,
    busy: 0.10,
    failed: 0.05,
    ring_out_ms: 25_000,
    mean_talk_ms: 90_000.0,
    wrap_ms: 10_000,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Answer(u64, bool),
    NotAnswered(u64, u8),
    Dispose(i64, i64),
    Ready(i64),
}

/// What the world counted.
#[derive(Debug, Default)]
struct Books {
    dials: u64,
    live_answers: u64,
    abandoned: u64,
    busy_ms: i64,
    /// (when, abandoned) of every live answer, for windowed rates.
    answers: Vec<(i64, bool)>,
}

/// Runs the world; returns its books, the dialer, and the time of the
/// last event.
fn run(mode: DialMode, seed: u64) -> (Books, Dialer, i64) {
    let w = &WORLD;
    let mut rng = StdRng::seed_from_u64(seed);
    let t0 = T0;
    let end = t0 + w.hours * 3_600_000;
    let rules =
        Rules { windows: vec![], time_zone: jiff::tz::TimeZone::UTC, max_attempts: 3, retry: RetryDelays::default() };
    let config =
        DialerConfig { mode, rules, machine: MachineAction::HangUp, pacing: PacingConfig::default(), max_lines: 0 };
    let mut d = Dialer::new(config, DoNotCall::default());
    d.handle_contacts(
        t0,
        (1..=40_000).map(|id| Contact {
            id,
            number: format!("+4420{id:08}"),
            time_zone: None,
            attempts: 0,
            next_at: t0,
            callback: false,
        }),
    );
    let mut queue: BinaryHeap<Reverse<(i64, u64, Ev)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut at = |q: &mut BinaryHeap<Reverse<(i64, u64, Ev)>>, t: i64, ev: Ev| {
        seq += 1;
        q.push(Reverse((t, seq, ev)));
    };
    let mut free: BTreeSet<i64> = BTreeSet::new();
    let mut calls: HashMap<u64, i64> = HashMap::new();
    let mut books = Books::default();
    d.handle_state(t0, RunState::Running);
    for a in 1..=w.agents {
        free.insert(a);
        d.handle_agent_ready(t0, a);
    }
    let mut now = t0;
    loop {
        while let Some(dec) = d.poll_output() {
            match dec.action {
                Action::Dial { attempt, contact, .. } => {
                    books.dials += 1;
                    calls.insert(attempt, contact);
                    let u: f64 = rng.random();
                    let ring = rng.random_range(4_000..20_000);
                    if u < w.human {
                        // Detection takes 1.5 s; one in ten it is not sure.
                        let sure = rng.random::<f64>() < 0.9;
                        at(&mut queue, now + ring + 1_500, Ev::Answer(attempt, sure));
                    } else if u < w.human + w.machine {
                        at(&mut queue, now + ring + 3_000, Ev::NotAnswered(attempt, 0));
                    } else if u < w.human + w.machine + w.busy {
                        at(&mut queue, now + 3_000, Ev::NotAnswered(attempt, 1));
                    } else if u < w.human + w.machine + w.busy + w.failed {
                        at(&mut queue, now + 2_000, Ev::NotAnswered(attempt, 2));
                    } else {
                        at(&mut queue, now + w.ring_out_ms, Ev::NotAnswered(attempt, 3));
                    }
                }
                Action::Connect { contact, agent, .. } => {
                    assert!(free.remove(&agent), "agent {agent} was given a call while busy in the world's books");
                    books.live_answers += 1;
                    books.answers.push((now, false));
                    let talk = (-w.mean_talk_ms * (1.0 - rng.random::<f64>()).ln()) as i64;
                    let busy_until = (now + talk + w.wrap_ms).min(end);
                    books.busy_ms += busy_until - now;
                    at(&mut queue, now + talk, Ev::Dispose(contact, agent));
                    at(&mut queue, now + talk + w.wrap_ms, Ev::Ready(agent));
                }
                Action::Drop { .. } => {
                    books.live_answers += 1;
                    books.abandoned += 1;
                    books.answers.push((now, true));
                }
                Action::Preview { .. } => unreachable!("not a preview campaign"),
                _ => {}
            }
        }
        let next_ev = queue.peek().map(|Reverse((t, _, _))| *t);
        let next = match (next_ev, d.poll_timeout()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        if next >= end {
            break;
        }
        now = next.max(now);
        if next_ev == Some(next) {
            let Reverse((_, _, ev)) = queue.pop().expect("peeked");
            match ev {
                Ev::Answer(attempt, sure) => {
                    let by = if sure { Answered::Human } else { Answered::Unknown };
                    d.handle_answered(now, attempt, by).expect("the dialer placed it");
                }
                Ev::NotAnswered(attempt, 0) => d.handle_answered(now, attempt, Answered::Machine).unwrap(),
                Ev::NotAnswered(attempt, kind) => {
                    let r =
                        [AttemptResult::Machine, AttemptResult::Busy, AttemptResult::Failed, AttemptResult::NoAnswer]
                            [kind as usize];
                    d.handle_not_answered(now, attempt, r).expect("the dialer placed it");
                }
                Ev::Dispose(contact, _) => d.handle_disposition(now, contact, Some("done".into()), None).unwrap(),
                Ev::Ready(agent) => {
                    free.insert(agent);
                    d.handle_agent_ready(now, agent);
                }
            }
        } else {
            d.handle_timeout(now);
        }
    }
    (books, d, now)
}

fn rate(abandoned: u64, live: u64) -> f64 {
    abandoned as f64 / live.max(1) as f64
}

#[test]
fn the_predictive_pacer_holds_the_abandon_rate_and_keeps_agents_busier() {
    let w = &WORLD;
    let logged_ms = (w.agents * w.hours * 3_600_000) as f64;
    let target = PacingConfig::default().target_abandon;
    for seed in 1..=3u64 {
        let (p, dialer, last) = run(DialMode::Predictive, seed);
        let end = T0 + w.hours * 3_600_000;
        let (g, _, _) = run(DialMode::Progressive, seed);
        let p_rate = rate(p.abandoned, p.live_answers);
        let (p_occ, g_occ) = (p.busy_ms as f64 / logged_ms, g.busy_ms as f64 / logged_ms);
        // The worst hour, in the world's books.
        let worst_hour = (0..w.hours)
            .map(|h| {
                let from = end - (w.hours - h) * 3_600_000;
                let hour: Vec<_> = p.answers.iter().filter(|(t, _)| *t >= from && *t < from + 3_600_000).collect();
                rate(hour.iter().filter(|(_, a)| *a).count() as u64, hour.len() as u64)
            })
            .fold(0.0, f64::max);
        println!(
            "seed {seed}: predictive {} dials, {} live answers, {} abandoned ({:.2} %, worst hour {:.2} %), \
             occupancy {:.1} %; progressive {} dials, {} live answers, {} abandoned, occupancy {:.1} %",
            p.dials,
            p.live_answers,
            p.abandoned,
            100.0 * p_rate,
            100.0 * worst_hour,
            100.0 * p_occ,
            g.dials,
            g.live_answers,
            g.abandoned,
            100.0 * g_occ
        );
        assert!(p_rate <= target, "seed {seed}: abandon rate {p_rate} over the target {target}");
        assert_eq!(g.abandoned, 0, "progressive never abandons");
        assert!(p_occ > g_occ + 0.05, "seed {seed}: predictive {p_occ} against progressive {g_occ}");
        // The world's answer share is what it was set to (within sampling).
        let expected_live = w.human * p.dials as f64;
        assert!(
            (p.live_answers as f64 - expected_live).abs() < 4.0 * (expected_live * (1.0 - w.human)).sqrt() + 25.0,
            "seed {seed}: {} live answers of {} dials",
            p.live_answers,
            p.dials
        );
        // The dialer's own rolling figure at the end agrees with the world's count.
        let window = PacingConfig::default().window_ms as i64;
        let recent: Vec<_> = p.answers.iter().filter(|(t, _)| *t >= last - window).collect();
        let world_recent = rate(recent.iter().filter(|(_, a)| *a).count() as u64, recent.len() as u64);
        let own = dialer.pacing(last).abandon_rate.unwrap_or(0.0);
        assert!((own - world_recent).abs() < 1e-9, "seed {seed}: dialer {own}, world {world_recent}");
    }
}

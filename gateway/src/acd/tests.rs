//! Table tests: each strategy and rule on hand-built situations.

use super::*;

pub(super) fn queue(name: &str, strategy: Strategy) -> QueueConfig {
    QueueConfig { name: name.to_owned(), strategy, announce_every_secs: 0, ..QueueConfig::default() }
}

pub(super) fn profile(queues: &[(&str, u32)], skills: &[(&str, u8)]) -> AgentProfile {
    AgentProfile {
        queues: queues.iter().map(|(q, order)| Membership { queue: (*q).to_owned(), order: *order }).collect(),
        skills: skills.iter().map(|(s, level)| Skill { skill: (*s).to_owned(), level: *level }).collect(),
    }
}

/// An engine with queues and ready agents, and a clock.
struct T {
    acd: Acd,
    now: Millis,
}

impl T {
    fn new(queues: Vec<QueueConfig>) -> T {
        let mut acd = Acd::new(7);
        for q in queues {
            acd.set_queue(0, q).unwrap();
        }
        T { acd, now: 0 }
    }

    /// A logged-in, ready agent.
    fn agent(&mut self, id: AgentId, queues: &[(&str, u32)], skills: &[(&str, u8)]) {
        self.acd.set_agent(self.now, id, profile(queues, skills));
        self.acd.login(self.now, id);
        self.acd.set_ready(self.now, id, true, None).unwrap();
    }

    fn at(&mut self, ms: Millis) {
        self.now = ms;
        self.acd.handle_timeout(ms);
    }

    fn call(&mut self, call: CallKey, queue: &str) -> Enqueued {
        self.acd.enqueue(self.now, call, queue, CallAttrs::default()).unwrap()
    }

    fn call_with(&mut self, call: CallKey, queue: &str, attrs: CallAttrs) -> Enqueued {
        self.acd.enqueue(self.now, call, queue, attrs).unwrap()
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.acd.poll_output()).collect()
    }

    /// The (call, agent) offers made since the last drain.
    fn offers(&mut self) -> Vec<(CallKey, AgentId)> {
        self.drain()
            .into_iter()
            .filter_map(|o| match o {
                Output::Offer { call, agent, .. } => Some((call, agent)),
                _ => None,
            })
            .collect()
    }

    /// Answers and ends a call at once, so the agent's stats change.
    fn serve(&mut self, call: CallKey, agent: AgentId, talk_ms: Millis) {
        self.acd.accept(self.now, agent, call).unwrap();
        self.now += talk_ms;
        self.acd.ended(self.now, call).unwrap();
    }

    fn state(&self, agent: AgentId) -> AgentState {
        self.acd.agent_state(agent).unwrap().0
    }
}

/// Five agents in queue "q" with orders 5,4,3,2,1 (so agent 5 is first in
/// order), becoming ready one second apart (agent 1 idle longest).
fn five(strategy: Strategy) -> T {
    let mut t = T::new(vec![queue("q", strategy)]);
    for id in 1..=5 {
        t.now = id as u64 * 1000;
        t.agent(id, &[("q", 6 - id as u32)], &[]);
    }
    t.now = 10_000;
    t.drain();
    t
}

#[test]
fn longest_idle_rings_who_waited_longest() {
    let mut t = five(Strategy::LongestIdle);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.serve(100, 1, 5_000);
    t.call(101, "q");
    assert_eq!(t.offers(), vec![(101, 2)], "agent 1 just finished, agent 2 is now idle longest");
}

#[test]
fn top_down_always_starts_at_the_top() {
    let mut t = five(Strategy::TopDown);
    for call in [100, 101] {
        t.call(call, "q");
        assert_eq!(t.offers(), vec![(call, 5)], "agent 5 has order 1");
        t.serve(call, 5, 1_000);
    }
    t.call(102, "q");
    assert_eq!(t.offers(), vec![(102, 5)]);
    t.call(103, "q");
    assert_eq!(t.offers(), vec![(103, 4)], "the top one is ringing; the next in order gets the next call");
}

#[test]
fn round_robin_remembers_where_it_stopped() {
    let mut t = five(Strategy::RoundRobin);
    let mut rung = Vec::new();
    for call in 100..107 {
        t.call(call, "q");
        let offers = t.offers();
        assert_eq!(offers.len(), 1);
        rung.push(offers[0].1);
        t.serve(call, offers[0].1, 1_000);
    }
    assert_eq!(rung, vec![5, 4, 3, 2, 1, 5, 4], "in members' order, wrapping around");
}

#[test]
fn least_talk_time_and_fewest_calls_count_since_login() {
    // Talk times are set by serving calls from a top-down setup queue.
    let mut t = T::new(vec![queue("q", Strategy::LeastTalkTime), queue("setup", Strategy::TopDown)]);
    for id in 1..=5 {
        t.agent(id, &[("q", 0), ("setup", id as u32)], &[]);
    }
    for call in 1..=5 {
        t.call(call, "setup");
        let offer = t.offers()[0];
        assert_eq!(offer, (call, call as i64), "setup: top-down gives call n to agent n while others are busy");
        t.acd.accept(t.now, offer.1, call).unwrap();
    }
    for (call, talk) in [(1u64, 50_000u64), (2, 40_000), (3, 10_000), (4, 30_000), (5, 20_000)] {
        t.acd.ended(t.now + talk, call).unwrap();
    }
    t.now += 100_000;
    t.drain();
    t.call(10, "q");
    assert_eq!(t.offers(), vec![(10, 3)], "agent 3 talked least");

    // Fewest calls: agent 2 takes two more calls than the others.
    let mut t = T::new(vec![queue("q", Strategy::FewestCalls), queue("setup", Strategy::TopDown)]);
    for id in 1..=3 {
        t.agent(id, &[("q", 0), ("setup", id as u32)], &[]);
    }
    for call in 1..=3 {
        t.call(call, "setup");
        let (c, a) = t.offers()[0];
        t.serve(c, a, 1_000);
    }
    assert_eq!(t.acd.agents[t.acd.agent_index[&1]].calls, 3, "top-down fed agent 1 every time");
    t.call(4, "q");
    let (c, a) = t.offers()[0];
    assert_ne!(a, 1, "agent 1 took the most calls");
    t.serve(c, a, 1_000);
    t.call(5, "q");
    let (_, b) = t.offers()[0];
    assert!(b != 1 && b != a, "the one with no calls yet: got {b}");
}

#[test]
fn random_spreads_over_everyone() {
    let mut t = five(Strategy::Random);
    let mut seen = [0u32; 6];
    for call in 0..500 {
        t.call(call, "q");
        let offers = t.offers();
        assert_eq!(offers.len(), 1);
        seen[offers[0].1 as usize] += 1;
        t.serve(call, offers[0].1, 1);
    }
    for (agent, &n) in seen.iter().enumerate().skip(1) {
        assert!((60..=140).contains(&n), "agent {agent} got {n} of 500");
    }
}

#[test]
fn top_three_rings_the_first_three_and_the_first_to_accept_wins() {
    let mut t = five(Strategy::TopThree);
    t.call(100, "q");
    let mut rung: Vec<AgentId> = t.offers().into_iter().map(|o| o.1).collect();
    rung.sort();
    assert_eq!(rung, vec![3, 4, 5], "orders 1, 2 and 3");
    t.acd.accept(t.now, 4, 100).unwrap();
    let out = t.drain();
    let mut withdrawn: Vec<AgentId> = out
        .iter()
        .filter_map(|o| match o {
            Output::Withdraw { agent, why: Withdrawn::AnsweredElsewhere, .. } => Some(*agent),
            _ => None,
        })
        .collect();
    withdrawn.sort();
    assert_eq!(withdrawn, vec![3, 5]);
    assert_eq!(t.acd.accept(t.now, 5, 100), Err(AcdError::NotOffered), "too late");
    assert_eq!(t.state(3), AgentState::Available);
    assert_eq!(t.state(4), AgentState::OnCall);
}

#[test]
fn random_three_rings_three_different_agents() {
    let mut t = five(Strategy::RandomThree);
    let mut sets = std::collections::HashSet::new();
    for call in 0..40 {
        t.call(call, "q");
        let mut rung: Vec<AgentId> = t.offers().into_iter().map(|o| o.1).collect();
        rung.sort();
        rung.dedup();
        assert_eq!(rung.len(), 3);
        sets.insert(rung.clone());
        t.serve(call, rung[0], 1);
        t.drain();
    }
    assert!(sets.len() >= 5, "random choices vary: {sets:?}");
}

#[test]
fn ring_all_rings_everyone_free_and_adds_newcomers() {
    let mut t = five(Strategy::RingAll);
    t.acd.set_ready(t.now, 2, false, Some("break".into())).unwrap();
    t.drain();
    t.call(100, "q");
    let mut rung: Vec<AgentId> = t.offers().into_iter().map(|o| o.1).collect();
    rung.sort();
    assert_eq!(rung, vec![1, 3, 4, 5]);
    t.acd.set_ready(t.now, 2, true, None).unwrap();
    assert_eq!(t.offers(), vec![(100, 2)], "a newly free agent joins the ring");
    t.acd.accept(t.now, 2, 100).unwrap();
    let withdrawn =
        t.drain().iter().filter(|o| matches!(o, Output::Withdraw { why: Withdrawn::AnsweredElsewhere, .. })).count();
    assert_eq!(withdrawn, 4);
}

#[test]
fn progressive_adds_one_agent_per_step() {
    let mut q = queue("q", Strategy::Progressive);
    q.ring_step_secs = 5;
    q.ring_timeout_secs = 60;
    let mut t = T::new(vec![q]);
    for id in 1..=3 {
        t.agent(id, &[("q", id as u32)], &[]);
    }
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.at(4_999);
    assert_eq!(t.offers(), vec![]);
    t.at(5_000);
    assert_eq!(t.offers(), vec![(100, 2)]);
    t.at(10_000);
    assert_eq!(t.offers(), vec![(100, 3)]);
    t.at(20_000);
    assert_eq!(t.offers(), vec![], "nobody left to add");
    t.acd.accept(t.now, 3, 100).unwrap();
    assert_eq!(t.drain().iter().filter(|o| matches!(o, Output::Withdraw { .. })).count(), 2);
}

#[test]
fn scored_weighs_idle_time_skill_talk_and_calls() {
    let mut q = queue("q", Strategy::Scored);
    q.skills = vec![SkillReq { skill: "billing".into(), min_level: 1 }];
    q.weights = Weights { idle: 0.0, skill: 1.0, talk_time: 0.0, calls: 0.0 };
    let mut t = T::new(vec![q.clone()]);
    t.agent(1, &[("q", 0)], &[("billing", 3)]);
    t.agent(2, &[("q", 0)], &[("billing", 9)]);
    t.agent(3, &[("q", 0)], &[("billing", 5)]);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 2)], "skill alone: the best at billing");

    q.weights = Weights { idle: 1.0, skill: 0.0, talk_time: 0.0, calls: 0.0 };
    t.acd.set_queue(t.now, q.clone()).unwrap();
    t.call(101, "q");
    assert_eq!(t.offers(), vec![(101, 1)], "idle alone: longest idle of those free");

    // Idle weighs more than skill here: agent 3 idle 100 s at level 5
    // beats agent 4 idle 0 s at level 6.
    q.weights = Weights { idle: 2.0, skill: 1.0, talk_time: 0.0, calls: 0.0 };
    let mut t = T::new(vec![q]);
    t.agent(3, &[("q", 0)], &[("billing", 5)]);
    t.now = 100_000;
    t.agent(4, &[("q", 0)], &[("billing", 6)]);
    t.drain();
    t.call(102, "q");
    assert_eq!(t.offers(), vec![(102, 3)]);
}

#[test]
fn skills_and_levels_decide_who_may_take_a_call() {
    let mut q = queue("support", Strategy::LongestIdle);
    q.skills = vec![SkillReq { skill: "tech".into(), min_level: 5 }];
    let mut t = T::new(vec![q]);
    t.agent(1, &[("support", 0)], &[("tech", 4)]);
    t.agent(2, &[("support", 0)], &[("tech", 5), ("fa", 8)]);
    t.agent(3, &[("support", 0)], &[("tech", 9)]);
    t.drain();
    let fa = CallAttrs { skills: vec![SkillReq { skill: "fa".into(), min_level: 3 }], ..CallAttrs::default() };
    t.call_with(100, "support", fa);
    assert_eq!(t.offers(), vec![(100, 2)], "only agent 2 has tech ≥ 5 and Persian");
    t.call(101, "support");
    assert_eq!(t.offers(), vec![(101, 3)], "agent 1's level 4 is not enough");
    t.call(102, "support");
    assert_eq!(t.offers(), vec![], "nobody qualified is free");
}

#[test]
fn escalation_widens_the_skills_after_waiting() {
    let mut q = queue("support", Strategy::LongestIdle);
    q.skills = vec![SkillReq { skill: "tech".into(), min_level: 8 }];
    q.ring_timeout_secs = 120;
    q.escalation = vec![
        Escalation { after_secs: 30, skills: vec![SkillReq { skill: "tech".into(), min_level: 4 }] },
        Escalation { after_secs: 60, skills: vec![] },
    ];
    let mut t = T::new(vec![q]);
    t.agent(1, &[("support", 0)], &[]);
    t.agent(2, &[("support", 0)], &[("tech", 5)]);
    t.drain();
    t.call(100, "support");
    t.call(101, "support");
    assert_eq!(t.offers(), vec![]);
    t.at(29_999);
    assert_eq!(t.offers(), vec![]);
    t.at(30_000);
    assert_eq!(t.offers(), vec![(100, 2)], "tech 4 is enough after 30 s; first call first");
    t.at(60_000);
    assert_eq!(t.offers(), vec![(101, 1)], "anyone after 60 s");
}

#[test]
fn vip_then_priority_then_entry_time_order_the_queue() {
    let mut t = T::new(vec![queue("q", Strategy::LongestIdle)]);
    t.call(1, "q");
    t.now = 1;
    t.call_with(2, "q", CallAttrs { priority: 5, ..CallAttrs::default() });
    t.now = 2;
    t.call_with(3, "q", CallAttrs { vip: true, ..CallAttrs::default() });
    t.now = 3;
    t.call_with(4, "q", CallAttrs { priority: 5, ..CallAttrs::default() });
    t.drain();
    assert_eq!(t.acd.position(t.now, 3).unwrap().0, 1);
    assert_eq!(t.acd.position(t.now, 2).unwrap().0, 2);
    assert_eq!(t.acd.position(t.now, 4).unwrap().0, 3);
    assert_eq!(t.acd.position(t.now, 1).unwrap().0, 4);
    let mut served = Vec::new();
    t.agent(9, &[("q", 0)], &[]);
    for _ in 0..4 {
        let (c, a) = t.offers()[0];
        served.push(c);
        t.serve(c, a, 1_000);
    }
    assert_eq!(served, vec![3, 2, 4, 1]);
}

#[test]
fn an_agent_in_several_queues_gets_the_longest_waiting_caller() {
    let mut t = T::new(vec![queue("sales", Strategy::LongestIdle), queue("support", Strategy::LongestIdle)]);
    t.call(1, "support");
    t.now = 1_000;
    t.call(2, "sales");
    t.now = 2_000;
    t.call(3, "support");
    t.drain();
    t.agent(7, &[("sales", 0), ("support", 0)], &[]);
    let mut served = Vec::new();
    for _ in 0..3 {
        let offers = t.offers();
        assert_eq!(offers.len(), 1, "one call at a time: {offers:?}");
        served.push(offers[0].0);
        t.serve(offers[0].0, 7, 1_000);
    }
    assert_eq!(served, vec![1, 2, 3]);
}

#[test]
fn a_ring_that_times_out_goes_to_the_next_agent_and_misses_make_not_ready() {
    let mut q = queue("q", Strategy::TopDown);
    q.ring_timeout_secs = 10;
    q.max_missed = 2;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 1)], &[]);
    t.agent(2, &[("q", 2)], &[]);
    t.drain();
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.at(10_000);
    let out = t.drain();
    assert!(out.contains(&Output::Withdraw { call: 100, agent: 1, why: Withdrawn::Timeout }));
    assert!(out.iter().any(|o| matches!(o, Output::Offer { call: 100, agent: 2, .. })), "{out:?}");
    assert_eq!(t.state(1), AgentState::Missed, "a miss waits for the agent to acknowledge it");
    assert!(out.iter().any(|o| matches!(o, Output::AgentChanged { agent: 1, state: AgentState::Missed, .. })));
    t.acd.accept(t.now, 2, 100).unwrap();
    t.call(101, "q");
    assert_eq!(t.offers(), vec![], "agent 2 is busy, agent 1 missed");
    t.acd.set_ready(t.now, 1, true, None).unwrap();
    assert_eq!(t.offers(), vec![(101, 1)], "acknowledged, the call rings");
    // Agent 1 misses a second call in a row: made not ready ("missed").
    t.at(20_000);
    assert_eq!(t.state(1), AgentState::NotReady);
    let out = t.drain();
    assert!(out.iter().any(|o| matches!(o, Output::AgentChanged { agent: 1, state: AgentState::NotReady, reason: Some(r), .. } if r == MISSED_REASON)));
    assert!(!out.iter().any(|o| matches!(o, Output::Offer { .. })), "{out:?}");
    t.acd.set_ready(t.now, 1, true, None).unwrap();
    assert_eq!(t.offers(), vec![(101, 1)], "ready again, the call rings");
}

#[test]
fn the_only_agent_who_missed_is_rung_again_once_they_acknowledge() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.ring_timeout_secs = 5;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 1)], &[]);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.at(5_000);
    assert_eq!(t.offers(), vec![], "missed: nothing until acknowledged");
    t.acd.set_ready(t.now, 1, true, None).unwrap();
    assert_eq!(t.offers(), vec![(100, 1)]);
}

#[test]
fn declining_passes_the_call_on_without_counting_a_miss() {
    let mut t = five(Strategy::LongestIdle);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.acd.decline(t.now, 1, 100).unwrap();
    assert_eq!(t.offers(), vec![(100, 2)]);
    assert_eq!(t.acd.agents[t.acd.agent_index[&1]].missed_in_row, 0);
    assert_eq!(t.acd.decline(t.now, 1, 100), Err(AcdError::NotOffered));
}

#[test]
fn wrap_up_holds_the_agent_back_for_the_queues_time() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.wrap_up_secs = 30;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 0)], &[]);
    t.call(100, "q");
    t.offers();
    t.serve(100, 1, 60_000);
    assert_eq!(t.state(1), AgentState::WrapUp);
    t.call(101, "q");
    assert_eq!(t.offers(), vec![]);
    t.at(t.now + 29_999);
    assert_eq!(t.offers(), vec![]);
    t.at(t.now + 1);
    assert_eq!(t.offers(), vec![(101, 1)]);
    // Ending wrap-up early.
    t.serve(101, 1, 1_000);
    t.call(102, "q");
    assert_eq!(t.offers(), vec![]);
    t.acd.wrap_up_done(t.now, 1).unwrap();
    assert_eq!(t.offers(), vec![(102, 1)]);
}

#[test]
fn an_extended_wrap_up_ends_later_and_says_when() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.wrap_up_secs = 30;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 0)], &[]);
    assert_eq!(t.acd.extend_wrap_up(t.now, 1, 10_000), Err(AcdError::NotWrappingUp));
    t.call(100, "q");
    t.offers();
    t.serve(100, 1, 60_000);
    let ends = t.now + 30_000;
    let out = t.drain();
    assert!(out.iter().any(|o| matches!(o, Output::AgentChanged { agent: 1, state: AgentState::WrapUp, until: Some(u), .. } if *u == ends)), "{out:?}");
    t.at(t.now + 20_000);
    assert_eq!(t.acd.extend_wrap_up(t.now, 1, 30_000), Ok(ends + 30_000));
    let out = t.drain();
    assert!(
        out.iter().any(|o| matches!(o, Output::AgentChanged { until: Some(u), .. } if *u == ends + 30_000)),
        "{out:?}"
    );
    t.call(101, "q");
    t.at(ends);
    assert_eq!(t.offers(), vec![], "the first end passes: still wrapping up");
    assert!(t.acd.wrapping_up(1));
    t.at(ends + 30_000);
    assert_eq!(t.offers(), vec![(101, 1)]);
}

#[test]
fn not_ready_asked_during_a_call_applies_after_it() {
    let mut t = T::new(vec![queue("q", Strategy::LongestIdle)]);
    t.agent(1, &[("q", 0)], &[]);
    t.call(100, "q");
    t.offers();
    t.acd.accept(t.now, 1, 100).unwrap();
    t.acd.set_ready(t.now, 1, false, Some("lunch".into())).unwrap();
    assert_eq!(t.state(1), AgentState::OnCall);
    t.call(101, "q");
    t.acd.ended(t.now, 100).unwrap();
    assert_eq!(t.acd.agent_state(1).unwrap(), (AgentState::NotReady, Some("lunch".into())));
    assert_eq!(t.offers(), vec![]);
}

#[test]
fn logging_out_while_ringing_passes_the_call_on() {
    let mut t = five(Strategy::LongestIdle);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![(100, 1)]);
    t.acd.logout(t.now, 1);
    assert_eq!(t.offers(), vec![(100, 2)]);
    assert_eq!(t.state(1), AgentState::LoggedOut);
}

#[test]
fn an_agent_on_a_direct_call_gets_no_offers() {
    let mut t = T::new(vec![queue("q", Strategy::LongestIdle)]);
    t.agent(1, &[("q", 0)], &[]);
    t.acd.set_direct_call(t.now, 1, true);
    t.call(100, "q");
    assert_eq!(t.offers(), vec![]);
    t.acd.set_direct_call(t.now, 1, false);
    assert_eq!(t.offers(), vec![(100, 1)]);
}

#[test]
fn limits_overflow_calls() {
    let mut full = queue("small", Strategy::LongestIdle);
    full.max_len = Some(1);
    full.overflow = Overflow::Queue("big".into());
    let mut big = queue("big", Strategy::LongestIdle);
    big.max_wait_secs = Some(60);
    big.overflow = Overflow::Voicemail("general".into());
    let mut empty = queue("night", Strategy::LongestIdle);
    empty.leave_when_empty = true;
    empty.overflow = Overflow::Callback;
    let mut t = T::new(vec![full, big, empty]);
    assert!(matches!(t.call(1, "small"), Enqueued::Waiting { ref queue, position: 1, .. } if queue == "small"));
    assert!(matches!(t.call(2, "small"), Enqueued::Waiting { ref queue, .. } if queue == "big"), "full: overflows");
    t.drain();
    t.at(60_000);
    assert_eq!(
        t.drain(),
        vec![Output::Left {
            call: 2,
            queue: "big".into(),
            why: LeaveReason::MaxWait,
            to: Overflow::Voicemail("general".into())
        }]
    );
    assert_eq!(
        t.call(3, "night"),
        Enqueued::Diverted { queue: "night".into(), why: LeaveReason::Empty, to: Overflow::Callback }
    );
    t.agent(5, &[("night", 0)], &[]);
    t.acd.set_ready(t.now, 5, false, Some("break".into())).unwrap();
    assert!(matches!(t.call(4, "night"), Enqueued::Waiting { .. }), "an agent is logged in, even if not ready");
    t.drain();
    t.acd.logout(t.now, 5);
    let out = t.drain();
    assert!(out.contains(&Output::Left {
        call: 4,
        queue: "night".into(),
        why: LeaveReason::Empty,
        to: Overflow::Callback
    }));
    let stats = t.acd.queue_stats(t.now, "small").unwrap();
    assert_eq!((stats.waiting, stats.overflowed), (1, 1));
}

#[test]
fn the_caller_hears_position_and_wait_on_entry_and_periodically() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.announce_every_secs = 30;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 0)], &[]);
    t.agent(2, &[("q", 0)], &[]);
    t.call(1, "q");
    t.call(2, "q");
    t.drain();
    t.acd.accept(0, 1, 1).unwrap();
    t.acd.accept(0, 2, 2).unwrap();
    t.drain();
    // Both agents busy since 0, handle time 180 s (the default): call 3 is
    // next when the first frees (180 s), call 5 waits a second round.
    t.now = 60_000;
    t.call(3, "q");
    t.call(4, "q");
    t.call(5, "q");
    let announced: Vec<Output> = t.drain();
    assert_eq!(
        announced,
        vec![
            Output::Announce { call: 3, position: 1, wait_secs: Some(120) },
            Output::Announce { call: 4, position: 2, wait_secs: Some(120) },
            Output::Announce { call: 5, position: 3, wait_secs: Some(300) },
        ]
    );
    t.at(90_000);
    assert_eq!(
        t.drain(),
        vec![
            Output::Announce { call: 3, position: 1, wait_secs: Some(90) },
            Output::Announce { call: 4, position: 2, wait_secs: Some(90) },
            Output::Announce { call: 5, position: 3, wait_secs: Some(270) },
        ]
    );
    t.acd.set_ready(t.now, 1, false, None).unwrap();
    t.acd.set_ready(t.now, 2, false, None).unwrap();
    t.acd.ended(t.now, 1).unwrap();
    t.acd.ended(t.now, 2).unwrap();
    t.drain();
    assert_eq!(t.acd.position(t.now, 3), Some((1, None)), "nobody working: no estimate");
}

#[test]
fn a_callback_keeps_the_callers_place_and_is_offered_like_a_call() {
    let mut t = T::new(vec![queue("q", Strategy::LongestIdle)]);
    t.call(1, "q");
    t.now = 1_000;
    t.call(2, "q");
    t.acd.convert_to_callback(t.now, 1).unwrap();
    assert_eq!(t.acd.position(t.now, 2).unwrap().0, 2, "the callback counts ahead of call 2");
    t.drain();
    t.agent(9, &[("q", 0)], &[]);
    let out = t.drain();
    assert!(
        out.iter().any(|o| matches!(o, Output::Offer { call: 1, agent: 9, kind: EntryKind::Callback, .. })),
        "{out:?}"
    );
    // A callback re-entered later keeps its original time.
    t.acd.abandon(t.now, 1).unwrap();
    t.drain();
    let back = CallAttrs { kind: EntryKind::Callback, entered: Some(0), ..CallAttrs::default() };
    t.now = 5_000;
    t.acd.enqueue(t.now, 11, "q", back).unwrap();
    assert_eq!(t.acd.position(t.now, 11).unwrap().0, 1, "ahead of call 2 that came at 1 s");
}

#[test]
fn abandoned_calls_stop_ringing_and_are_counted() {
    let mut t = five(Strategy::RingAll);
    t.call(100, "q");
    assert_eq!(t.offers().len(), 5);
    t.acd.abandon(t.now, 100).unwrap();
    let out = t.drain();
    assert_eq!(out.iter().filter(|o| matches!(o, Output::Withdraw { why: Withdrawn::CallGone, .. })).count(), 5);
    assert_eq!(t.acd.queue_stats(t.now, "q").unwrap().abandoned, 1);
    assert_eq!(t.acd.abandon(t.now, 100), Err(AcdError::NoCall));
    assert_eq!(t.state(3), AgentState::Available);
}

#[test]
fn bad_inputs_are_refused() {
    let mut t = T::new(vec![queue("q", Strategy::LongestIdle)]);
    assert_eq!(t.acd.enqueue(0, 1, "nope", CallAttrs::default()), Err(AcdError::NoQueue));
    t.call(1, "q");
    assert_eq!(t.acd.enqueue(0, 1, "q", CallAttrs::default()), Err(AcdError::Duplicate));
    assert_eq!(t.acd.accept(0, 42, 1), Err(AcdError::NoAgent));
    t.agent(1, &[], &[]);
    assert_eq!(t.acd.accept(0, 1, 1), Err(AcdError::NotOffered), "not a member: never offered");
    let mut bad = queue("q2", Strategy::LongestIdle);
    bad.ring_timeout_secs = 0;
    assert_eq!(t.acd.set_queue(0, bad).unwrap_err().key, "ring_timeout_secs");
}

#[test]
fn editing_a_queue_under_waiting_calls_is_safe() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.skills = vec![SkillReq { skill: "tech".into(), min_level: 9 }];
    q.escalation = vec![
        Escalation { after_secs: 10, skills: vec![SkillReq { skill: "tech".into(), min_level: 5 }] },
        Escalation { after_secs: 20, skills: vec![] },
    ];
    let mut t = T::new(vec![q.clone()]);
    t.call(1, "q");
    t.at(15_000);
    // The steps go while call 1 is at step 1; its step-2 timer still fires.
    q.escalation.clear();
    t.acd.set_queue(t.now, q).unwrap();
    t.at(25_000);
    t.agent(1, &[("q", 0)], &[("tech", 9)]);
    assert_eq!(t.offers(), vec![(1, 1)], "the queue's own skills apply again");

    // A queue removed while its overflow partner points back at it.
    let mut a = queue("a", Strategy::LongestIdle);
    a.overflow = Overflow::Queue("b".into());
    let mut b = queue("b", Strategy::LongestIdle);
    b.max_len = Some(0);
    b.overflow = Overflow::Queue("a".into());
    let mut t = T::new(vec![a, b]);
    t.call(1, "a");
    t.acd.remove_queue(t.now, "a").unwrap();
    let out = t.drain();
    assert!(out.iter().any(|o| matches!(o, Output::Left { call: 1, to: Overflow::HangUp, .. })), "{out:?}");
    assert_eq!(t.acd.waiting_len(), 0);
    t.at(1_000_000);
}

#[test]
fn an_agent_who_dials_out_during_wrap_up_gets_no_offer_until_done() {
    let mut q = queue("q", Strategy::LongestIdle);
    q.wrap_up_secs = 30;
    let mut t = T::new(vec![q]);
    t.agent(1, &[("q", 0)], &[]);
    t.call(1, "q");
    t.offers();
    t.serve(1, 1, 5_000);
    assert_eq!(t.state(1), AgentState::WrapUp);
    t.acd.set_direct_call(t.now, 1, true);
    t.call(2, "q");
    t.at(t.now + 60_000);
    assert_eq!(t.offers(), vec![], "busy on the direct call past the wrap-up");
    t.acd.set_direct_call(t.now, 1, false);
    assert_eq!(t.offers(), vec![(2, 1)]);
}

//! The interpreter on a virtual clock, and the checks that refuse broken
//! flows.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;

/// Monday 2026-03-16 10:00 in Tehran (06:30 UTC), in Unix milliseconds.
const MONDAY_10_TEHRAN: i64 = 1_773_642_600_000;

/// A session with its clock and the play now running.
struct Run {
    s: IvrSession,
    now: i64,
    playing: Option<PlayId>,
}

impl Run {
    fn new(flow: Value, caller: Option<&str>) -> (Run, Vec<Output>) {
        Run::at(flow, caller, MONDAY_10_TEHRAN)
    }

    fn at(flow: Value, caller: Option<&str>, now: i64) -> (Run, Vec<Output>) {
        let flow = Flow::parse(&flow.to_string()).unwrap_or_else(|e| panic!("test flow refused: {e}"));
        let ctx = CallContext {
            caller: caller.map(str::to_owned),
            dialed: "+982112345678".into(),
            entry: EntryKind::Phone,
            language: None,
            customer: None,
        };
        let s = IvrSession::new(Arc::new(flow), ctx, now);
        let mut run = Run { s, now, playing: None };
        let out = run.drain();
        (run, out)
    }

    fn drain(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        while let Some(o) = self.s.poll_output() {
            match &o {
                Output::Play { id, .. } => self.playing = Some(*id),
                Output::StopPlay { .. } => self.playing = None,
                _ => {}
            }
            out.push(o);
        }
        out
    }

    fn key(&mut self, k: char) -> Vec<Output> {
        self.now += 300;
        self.s.handle_digit(self.now, k);
        self.drain()
    }

    fn keys(&mut self, ks: &str) -> Vec<Output> {
        ks.chars().flat_map(|k| self.key(k)).collect()
    }

    fn play_done(&mut self) -> Vec<Output> {
        self.now += 2_000;
        let id = self.playing.take().expect("something is playing");
        self.s.handle_play_done(self.now, id);
        self.drain()
    }

    /// Moves the clock to the session's timer and fires it.
    fn time_out(&mut self) -> Vec<Output> {
        self.now = self.s.poll_timeout().expect("a timer is set");
        self.s.handle_timeout(self.now);
        self.drain()
    }

    fn customer(&mut self, c: Option<CustomerRef>) -> Vec<Output> {
        self.now += 50;
        self.s.handle_customer(self.now, c);
        self.drain()
    }
}

fn play(prompts: &[&str]) -> Output {
    // The id is checked by the harness, not here.
    Output::Play { id: PlayId(0), prompts: prompts.iter().map(|p| p.to_string()).collect(), language: "en".into() }
}

/// Outputs with play ids zeroed, for comparing.
fn plain(out: Vec<Output>) -> Vec<Output> {
    out.into_iter()
        .map(|o| match o {
            Output::Play { prompts, language, .. } => Output::Play { id: PlayId(0), prompts, language },
            Output::StopPlay { .. } => Output::StopPlay { id: PlayId(0) },
            o => o,
        })
        .collect()
}

fn done(out: &[Output]) -> &Outcome {
    match out.last() {
        Some(Output::Done(o)) => o,
        other => panic!("expected Done, got {other:?} in {out:?}"),
    }
}

fn path(o: &Outcome) -> Vec<(String, Option<String>)> {
    o.path.iter().map(|s| (s.node.clone(), s.input.clone())).collect()
}

fn step(node: &str, input: Option<&str>) -> (String, Option<String>) {
    (node.to_owned(), input.map(str::to_owned))
}

/// welcome (play) → menu: 1 sales, 2 support, * repeat; fails to `operator`.
fn menu_flow() -> Value {
    json!({
        "name": "main", "start": "welcome",
        "nodes": {
            "welcome": { "type": "play", "prompts": ["welcome"], "next": "menu" },
            "menu": {
                "type": "menu", "prompt": ["main_menu", "options"],
                "options": { "1": "sales", "2": "support_menu", "*": "welcome" },
                "timeout_secs": 4, "max_retries": 2,
                "invalid_prompt": "invalid", "timeout_prompt": "no_input",
                "on_fail": "operator"
            },
            "support_menu": {
                "type": "menu", "prompt": "support_menu",
                "options": { "3": "support" }, "on_fail": "operator"
            },
            "sales": { "type": "queue", "queue": "sales", "skills": [{ "skill": "persian", "min_level": 3 }] },
            "support": { "type": "queue", "queue": "support" },
            "operator": { "type": "transfer", "to": { "queue": "operator" } }
        }
    })
}

#[test]
fn a_menu_choice_leads_to_its_queue() {
    let (mut r, out) = Run::new(menu_flow(), None);
    assert_eq!(plain(out), vec![play(&["welcome"])]);
    assert_eq!(r.s.poll_timeout(), None, "a play has no timer: the driver says when it ends");
    assert_eq!(plain(r.play_done()), vec![play(&["main_menu", "options"])]);
    assert_eq!(r.s.poll_timeout(), None, "the wait starts when the prompt ends");
    assert!(r.play_done().is_empty());
    assert_eq!(r.s.poll_timeout(), Some(r.now + 4_000));
    let out = r.key('1');
    let o = done(&out);
    assert_eq!(
        o.action,
        Action::Queue { queue: "sales".into(), skills: vec![SkillNeed { skill: "persian".into(), min_level: 3 }] }
    );
    assert_eq!(path(o), vec![step("welcome", None), step("menu", Some("1")), step("sales", None)]);
    assert_eq!(o.node, "sales");
    assert!(r.s.is_done());
    assert_eq!(r.s.poll_timeout(), None);
}

#[test]
fn a_menu_retries_after_wrong_keys_and_silence_then_fails() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.play_done();
    r.play_done();
    // A key that is no option: the notice, then the prompt again.
    assert_eq!(plain(r.key('9')), vec![play(&["invalid", "main_menu", "options"])]);
    r.play_done();
    // Nothing pressed: the timeout notice.
    assert_eq!(plain(r.time_out()), vec![play(&["no_input", "main_menu", "options"])]);
    r.play_done();
    // The third failure (max_retries 2) gives up to on_fail.
    let out = r.time_out();
    let o = done(&out);
    assert_eq!(o.action, Action::Transfer(TransferTarget::Queue("operator".into())));
    assert_eq!(
        path(o),
        vec![
            step("welcome", None),
            step("menu", Some("invalid")),
            step("menu", Some("timeout")),
            step("menu", Some("timeout")),
            step("operator", None)
        ]
    );
}

#[test]
fn a_timer_that_is_not_due_does_nothing() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.play_done();
    r.play_done();
    let due = r.s.poll_timeout().unwrap();
    r.s.handle_timeout(due - 1);
    assert!(r.drain().is_empty());
    assert_eq!(r.s.poll_timeout(), Some(due));
}

#[test]
fn a_key_during_the_prompt_barges_in() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.play_done();
    let menu_play = r.playing.unwrap();
    let out = r.key('2');
    assert_eq!(plain(out), vec![Output::StopPlay { id: PlayId(0) }, play(&["support_menu"])]);
    // The stopped prompt's late "done" must not count for the new one.
    r.s.handle_play_done(r.now, menu_play);
    assert!(r.drain().is_empty());
    assert_eq!(r.s.poll_timeout(), None, "still playing the support menu");
    assert_eq!(r.s.node(), "support_menu");
}

#[test]
fn keys_typed_during_a_play_answer_the_next_menus() {
    let (mut r, _) = Run::new(menu_flow(), None);
    // The welcome plays on (no barge-in); the keys are kept.
    assert!(r.keys("23").is_empty());
    // When it ends, both menus are answered without their prompts playing.
    let out = r.play_done();
    assert_eq!(out.len(), 1, "{out:?}");
    let o = done(&out);
    assert_eq!(o.action, Action::Queue { queue: "support".into(), skills: vec![] });
    assert_eq!(
        path(o),
        vec![step("welcome", None), step("menu", Some("2")), step("support_menu", Some("3")), step("support", None)]
    );
}

#[test]
fn a_wrong_key_typed_ahead_drops_the_rest() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.keys("91");
    // 9 is no option: the notice plays and the 1 typed after it is gone.
    assert_eq!(plain(r.play_done()), vec![play(&["invalid", "main_menu", "options"])]);
    r.play_done();
    assert_eq!(r.s.poll_timeout(), Some(r.now + 4_000));
}

#[test]
fn a_play_with_barge_in_stops_and_goes_on() {
    let mut f = menu_flow();
    f["nodes"]["welcome"]["barge_in"] = json!(true);
    let (mut r, _) = Run::new(f, None);
    let out = r.key('1');
    assert!(matches!(out[0], Output::StopPlay { .. }), "{out:?}");
    assert_eq!(
        done(&out).action,
        Action::Queue { queue: "sales".into(), skills: vec![SkillNeed { skill: "persian".into(), min_level: 3 }] }
    );
}

#[test]
fn a_menu_without_barge_in_keeps_keys_until_its_prompt_ends() {
    let mut f = menu_flow();
    f["nodes"]["menu"]["barge_in"] = json!(false);
    let (mut r, _) = Run::new(f, None);
    r.play_done();
    assert!(r.key('1').is_empty(), "no StopPlay, no decision yet");
    let out = r.play_done();
    assert_eq!(
        done(&out).action,
        Action::Queue { queue: "sales".into(), skills: vec![SkillNeed { skill: "persian".into(), min_level: 3 }] }
    );
}

fn collect_flow() -> Value {
    json!({
        "name": "account", "start": "ask",
        "nodes": {
            "ask": {
                "type": "collect", "prompt": "enter_account", "var": "account",
                "min_digits": 4, "max_digits": 6, "timeout_secs": 3, "max_retries": 1,
                "invalid_prompt": "invalid", "next": "done", "on_fail": "bye"
            },
            "done": { "type": "queue", "queue": "accounts" },
            "bye": { "type": "hang_up", "prompt": "goodbye" }
        }
    })
}

#[test]
fn collect_ends_on_the_terminator() {
    let (mut r, _) = Run::new(collect_flow(), None);
    r.play_done();
    assert!(r.keys("1234").is_empty());
    // Each key moves the inter-digit timer.
    assert_eq!(r.s.poll_timeout(), Some(r.now + 3_000));
    let out = r.key('#');
    let o = done(&out);
    assert_eq!(o.vars["account"], "1234");
    assert_eq!(path(o), vec![step("ask", Some("1234")), step("done", None)]);
}

#[test]
fn collect_ends_at_max_digits_and_keeps_what_follows() {
    let mut f = collect_flow();
    f["nodes"]["done"] = json!({ "type": "menu", "prompt": "confirm", "options": { "1": "q" }, "on_fail": "q" });
    f["nodes"]["q"] = json!({ "type": "queue", "queue": "accounts" });
    let (mut r, _) = Run::new(f, None);
    // Typed during the prompt: barge-in, six digits complete it, the 7th
    // ("1") answers the confirmation menu.
    let out = r.keys("1234561");
    let o = done(&out);
    assert_eq!(o.vars["account"], "123456");
    assert_eq!(path(o), vec![step("ask", Some("123456")), step("done", Some("1")), step("q", None)]);
}

#[test]
fn collect_takes_what_it_has_on_timeout_once_it_is_enough() {
    let (mut r, _) = Run::new(collect_flow(), None);
    r.play_done();
    r.keys("12345");
    let out = r.time_out();
    assert_eq!(done(&out).vars["account"], "12345");
}

#[test]
fn collect_asks_again_when_too_short_then_fails() {
    let (mut r, _) = Run::new(collect_flow(), None);
    r.play_done();
    // Too short before the terminator: the notice and the prompt again.
    assert_eq!(plain(r.keys("12#")), vec![play(&["invalid", "enter_account"])]);
    r.play_done();
    r.keys("1");
    // Too short on timeout, and the one retry is spent: on_fail says goodbye.
    assert_eq!(plain(r.time_out()), vec![play(&["goodbye"])]);
    assert!(r.key('5').is_empty(), "keys during the goodbye do nothing");
    let out = r.play_done();
    let o = done(&out);
    assert_eq!(o.action, Action::HangUp);
    assert!(!o.vars.contains_key("account"));
    assert_eq!(path(o), vec![step("ask", Some("invalid")), step("ask", Some("timeout")), step("bye", None)]);
}

#[test]
fn collect_refuses_a_star() {
    let (mut r, _) = Run::new(collect_flow(), None);
    r.play_done();
    assert_eq!(plain(r.keys("12*")), vec![play(&["invalid", "enter_account"])]);
}

fn identify_flow(by: Value, register: bool) -> Value {
    json!({
        "name": "id", "start": "ask",
        "nodes": {
            "ask": {
                "type": "collect", "prompt": "enter_code", "var": "code",
                "min_digits": 3, "max_digits": 3, "next": "who", "on_fail": "who"
            },
            "who": { "type": "identify", "by": by, "found": "known", "not_found": "stranger",
                     "register_unknown": register },
            "known": { "type": "set_priority", "vip": true, "priority": 7, "next": "q" },
            "stranger": { "type": "set", "var": "note", "value": "new", "next": "q" },
            "q": { "type": "queue", "queue": "support" }
        }
    })
}

fn rania() -> CustomerRef {
    CustomerRef { id: 7, name: "Rania Haddad".into(), code: Some("123".into()) }
}

#[test]
fn identify_by_caller_finds_the_customer() {
    let mut f = identify_flow(json!("caller"), true);
    f["start"] = json!("who");
    let (mut r, out) = Run::new(f, Some("+98 912 ۱۲۳ 4567"));
    assert_eq!(out, vec![Output::LookupCustomer(Lookup::Number("+989121234567".into()))]);
    assert_eq!(r.s.poll_timeout(), Some(r.now + session::LOOKUP_TIMEOUT_MS));
    let out = r.customer(Some(rania()));
    let o = done(&out);
    assert_eq!(o.customer, Some(rania()));
    assert_eq!((o.priority, o.vip), (7, true));
    assert_eq!(path(o), vec![step("who", Some("found")), step("known", None), step("q", None)]);
}

#[test]
fn an_unknown_caller_is_registered_for_next_time() {
    let mut f = identify_flow(json!("caller"), true);
    f["start"] = json!("who");
    let (mut r, _) = Run::new(f, Some("+989121234567"));
    let out = r.customer(None);
    assert_eq!(out[0], Output::RegisterCustomer { number: "+989121234567".into() });
    let o = done(&out);
    assert_eq!(o.customer, None);
    assert_eq!(o.vars["note"], "new");
    assert_eq!(path(o)[0], step("who", Some("not_found")));
}

#[test]
fn an_unknown_caller_is_not_registered_unless_asked() {
    let mut f = identify_flow(json!("caller"), false);
    f["start"] = json!("who");
    let (mut r, _) = Run::new(f, Some("+989121234567"));
    let out = r.customer(None);
    assert!(!out.iter().any(|o| matches!(o, Output::RegisterCustomer { .. })), "{out:?}");
}

#[test]
fn a_withheld_number_is_not_looked_up() {
    let mut f = identify_flow(json!("caller"), true);
    f["start"] = json!("who");
    for caller in [None, Some("anonymous")] {
        let (_, out) = Run::new(f.clone(), caller);
        assert_eq!(out.len(), 1, "no lookup, no registration: {out:?}");
        assert_eq!(path(done(&out)), vec![step("who", Some("not_found")), step("stranger", None), step("q", None)]);
    }
}

#[test]
fn identify_by_an_entered_code() {
    let (mut r, _) = Run::new(identify_flow(json!({ "var": "code" }), false), Some("+989121234567"));
    r.play_done();
    let out = r.keys("123");
    assert_eq!(out, vec![Output::LookupCustomer(Lookup::Code("123".into()))]);
    // Keys while the driver looks are kept, not lost.
    assert!(r.key('9').is_empty());
    let out = r.customer(Some(rania()));
    let o = done(&out);
    assert_eq!(o.customer.as_ref().map(|c| c.id), Some(7));
    assert_eq!(o.vars["code"], "123");
}

#[test]
fn a_lookup_without_an_answer_counts_as_not_found() {
    let mut f = identify_flow(json!("caller"), true);
    f["start"] = json!("who");
    let (mut r, _) = Run::new(f, Some("+989121234567"));
    let out = r.time_out();
    assert!(!out.iter().any(|o| matches!(o, Output::RegisterCustomer { .. })), "not known to be unknown");
    assert_eq!(path(done(&out))[0], step("who", Some("not_found")));
    // A late answer changes nothing.
    assert!(r.customer(Some(rania())).is_empty());
}

fn hours_flow() -> Value {
    json!({
        "name": "hours", "start": "h", "language": "fa",
        "nodes": {
            "h": {
                "type": "hours", "time_zone": "Asia/Tehran",
                "weekly": [{ "days": ["sat", "sun", "mon", "tue", "wed"], "open": "08:00", "close": "16:00" }],
                "holidays": ["2026-03-21", { "from": "2026-03-22", "to": "2026-03-24" }],
                "open": "q", "closed": "vm"
            },
            "q": { "type": "queue", "queue": "support" },
            "vm": { "type": "voicemail", "mailbox": "support" }
        }
    })
}

fn outcome_at(flow: Value, now: i64) -> Outcome {
    let (_, out) = Run::at(flow, None, now);
    done(&out).clone()
}

/// Unix milliseconds of an RFC 3339 instant.
fn at(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

#[test]
fn hours_follow_the_time_zone_holidays_and_day_boundaries() {
    let open = |now| matches!(outcome_at(hours_flow(), now).action, Action::Queue { .. });
    assert_eq!(at("2026-03-16T06:30:00Z"), MONDAY_10_TEHRAN);
    assert!(open(MONDAY_10_TEHRAN));
    // Monday 15:59 in Tehran is 12:29 UTC; 16:00 is closed.
    assert!(open(at("2026-03-16T12:29:00Z")));
    assert!(!open(at("2026-03-16T12:30:00Z")));
    // 04:29 UTC is 07:59 local: not yet.
    assert!(!open(at("2026-03-16T04:29:00Z")));
    // Thursday is not in the rule.
    assert!(!open(at("2026-03-19T06:30:00Z")));
    // Saturday 2026-03-21 is a holiday, and so are 22–24 March.
    assert!(!open(at("2026-03-21T06:30:00Z")));
    assert!(!open(at("2026-03-23T06:30:00Z")));
    // Wednesday the 25th is open again.
    assert!(open(at("2026-03-25T06:30:00Z")));
    // Day boundary: Tuesday 2026-03-24 23:00 UTC is already Wednesday 02:30
    // in Tehran (closed at night), and Tuesday 20:00 UTC is Tuesday 23:30.
    let o = outcome_at(hours_flow(), at("2026-03-24T23:00:00Z"));
    assert_eq!(path(&o)[0], step("h", Some("closed")));
    assert_eq!(o.action, Action::Voicemail { mailbox: "support".into() });
    assert_eq!(o.language, "fa", "the flow's language");
}

#[test]
fn a_survey_reports_the_rating_and_goes_on() {
    let f = json!({
        "name": "survey", "start": "rate",
        "nodes": {
            "rate": { "type": "survey", "prompt": "rate_us", "var": "rating", "scale": 5,
                      "max_retries": 1, "invalid_prompt": "invalid", "next": "bye" },
            "bye": { "type": "hang_up" }
        }
    });
    let (mut r, _) = Run::new(f.clone(), None);
    r.play_done();
    // 7 is beyond the scale: asked again.
    assert_eq!(plain(r.key('7')), vec![play(&["invalid", "rate_us"])]);
    let out = r.key('4');
    assert_eq!(out[0], Output::StopPlay { id: PlayId(1) });
    assert_eq!(out[1], Output::SurveyAnswer { var: "rating".into(), value: "4".into() });
    let o = done(&out);
    assert_eq!(o.vars["rating"], "4");
    assert_eq!(o.action, Action::HangUp);

    // No answer at all: it goes on without one.
    let (mut r, _) = Run::new(f, None);
    r.play_done();
    r.time_out();
    r.play_done();
    let out = r.time_out();
    assert!(!out.iter().any(|o| matches!(o, Output::SurveyAnswer { .. })));
    assert!(!done(&out).vars.contains_key("rating"));
}

#[test]
fn the_outcome_carries_language_vars_path_and_customer() {
    let f = json!({
        "name": "full", "start": "lang",
        "nodes": {
            "lang": { "type": "menu", "prompt": "choose_language",
                      "options": { "1": "fa", "2": "en" }, "on_fail": "en" },
            "fa": { "type": "set_language", "language": "fa", "next": "who" },
            "en": { "type": "set_language", "language": "en", "next": "who" },
            "who": { "type": "identify", "by": "caller", "found": "tag", "not_found": "tag" },
            "tag": { "type": "set", "var": "topic", "value": "billing", "next": "by_lang" },
            "by_lang": { "type": "switch", "var": "language",
                         "cases": { "fa": "q_fa" }, "default": "q_en" },
            "q_fa": { "type": "queue", "queue": "billing_fa" },
            "q_en": { "type": "queue", "queue": "billing_en" }
        }
    });
    let (mut r, _) = Run::new(f, Some("+989121234567"));
    r.play_done();
    let out = r.key('1');
    assert_eq!(out, vec![Output::LookupCustomer(Lookup::Number("+989121234567".into()))]);
    let out = r.customer(Some(rania()));
    let o = done(&out);
    assert_eq!(o.action, Action::Queue { queue: "billing_fa".into(), skills: vec![] });
    assert_eq!(o.language, "fa");
    assert_eq!(o.vars.get("topic").map(String::as_str), Some("billing"));
    assert_eq!(o.customer, Some(rania()));
    assert_eq!((o.priority, o.vip), (0, false));
    assert_eq!(
        path(o),
        vec![
            step("lang", Some("1")),
            step("fa", None),
            step("who", Some("found")),
            step("tag", None),
            step("by_lang", Some("fa")),
            step("q_fa", None)
        ]
    );
}

#[test]
fn prompts_play_in_the_language_chosen() {
    let f = json!({
        "name": "l", "start": "fa", "language": "en",
        "nodes": {
            "fa": { "type": "set_language", "language": "ar", "next": "hello" },
            "hello": { "type": "play", "prompts": "hello", "next": "bye" },
            "bye": { "type": "hang_up" }
        }
    });
    let (_, out) = Run::new(f, None);
    assert_eq!(out, vec![Output::Play { id: PlayId(0), prompts: vec!["hello".into()], language: "ar".into() }]);
}

#[test]
fn the_call_may_bring_its_language() {
    let flow = Flow::parse(&menu_flow().to_string()).unwrap();
    let ctx = CallContext {
        caller: None,
        dialed: "support".into(),
        entry: EntryKind::Web,
        language: Some("tr-TR".into()),
        customer: None,
    };
    let mut s = IvrSession::new(Arc::new(flow), ctx, 0);
    assert!(matches!(s.poll_output(), Some(Output::Play { language, .. }) if language == "tr"));
}

#[test]
fn bad_input_and_input_after_the_end_are_ignored() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.play_done();
    r.play_done();
    for k in ['x', ' ', '\0', '😀', 'E'] {
        assert!(r.key(k).is_empty(), "{k:?}");
    }
    // Persian and lower-case keys are read as DTMF.
    let out = r.key('۱');
    assert!(matches!(done(&out).action, Action::Queue { .. }));
    // After the end: nothing moves, nothing panics.
    r.s.handle_digit(r.now, '1');
    r.s.handle_play_done(r.now, PlayId(0));
    r.s.handle_customer(r.now, Some(rania()));
    r.s.handle_timeout(i64::MAX);
    r.s.handle_caller_gone(r.now);
    assert!(r.drain().is_empty());
    assert!(r.s.is_done());
}

#[test]
fn a_caller_who_hangs_up_abandons_where_they_were() {
    let (mut r, _) = Run::new(menu_flow(), None);
    r.play_done();
    r.s.handle_caller_gone(r.now);
    let out = r.drain();
    let o = done(&out);
    assert_eq!(o.action, Action::Abandoned);
    assert_eq!(o.node, "menu");
    assert_eq!(path(o).last(), Some(&step("menu", Some("hang_up"))));
}

#[test]
fn a_runaway_flow_that_skipped_validation_fails_instead_of_spinning() {
    // Built without Flow::parse: a loop of `set` nodes.
    let flow: Flow = serde_json::from_value(json!({
        "name": "loop", "start": "a",
        "nodes": {
            "a": { "type": "set", "var": "x", "value": "1", "next": "b" },
            "b": { "type": "set", "var": "y", "value": "2", "next": "a" }
        }
    }))
    .unwrap();
    assert!(flow.validate().is_err());
    let ctx = CallContext { caller: None, dialed: "1".into(), entry: EntryKind::Phone, language: None, customer: None };
    let mut s = IvrSession::new(Arc::new(flow), ctx, 0);
    let Some(Output::Done(o)) = s.poll_output() else { panic!("expected Done") };
    assert!(matches!(o.action, Action::Failed { .. }), "{:?}", o.action);
    assert_eq!(o.path.len(), session::MAX_PATH.min(session::MAX_STEPS as usize));

    // A target that does not exist.
    let flow: Flow = serde_json::from_value(json!({
        "name": "hole", "start": "a",
        "nodes": { "a": { "type": "play", "prompts": ["x"], "next": "nowhere" } }
    }))
    .unwrap();
    let ctx = CallContext { caller: None, dialed: "1".into(), entry: EntryKind::Phone, language: None, customer: None };
    let mut s = IvrSession::new(Arc::new(flow), ctx, 0);
    let Some(Output::Play { id, .. }) = s.poll_output() else { panic!() };
    s.handle_play_done(1, id);
    let Some(Output::Done(o)) = s.poll_output() else { panic!("expected Done") };
    assert_eq!(o.action, Action::Failed { reason: "no node \"nowhere\"".into() });
}

#[test]
fn the_path_keeps_the_latest_steps() {
    let (mut r, _) = Run::new(menu_flow(), None);
    // "*" goes back to the welcome: each round adds two steps.
    for _ in 0..80 {
        r.play_done();
        r.key('*');
    }
    r.play_done();
    let out = r.key('1');
    let o = done(&out);
    assert_eq!(o.path.len(), session::MAX_PATH);
    assert_eq!(o.path.last().unwrap().node, "sales");
}

// --- Validation -----------------------------------------------------------

/// Applies `change` to the menu flow and expects it refused for `node` with
/// a reason containing `reason`.
fn refused(change: impl FnOnce(&mut Value), node: Option<&str>, reason: &str) {
    let mut f = menu_flow();
    change(&mut f);
    let e = Flow::parse(&f.to_string()).expect_err("should be refused");
    assert_eq!(e.node.as_deref(), node, "{e}");
    assert!(e.reason.contains(reason), "{e} should say {reason:?}");
}

#[test]
fn broken_flows_are_refused_naming_the_node() {
    refused(|f| f["start"] = json!("nope"), None, "start: no node \"nope\"");
    refused(|f| f["nodes"]["welcome"]["next"] = json!("nope"), Some("welcome"), "next: no node \"nope\"");
    refused(|f| f["nodes"]["menu"]["options"]["x"] = json!("sales"), Some("menu"), "option \"x\" is not a DTMF key");
    refused(|f| f["nodes"]["menu"]["options"]["12"] = json!("sales"), Some("menu"), "option \"12\" is not a DTMF key");
    refused(|f| f["nodes"]["menu"]["options"]["3"] = json!("gone"), Some("menu"), "option \"3\": no node \"gone\"");
    refused(|f| f["nodes"]["menu"]["options"] = json!({}), Some("menu"), "at least one option");
    refused(|f| f["nodes"]["menu"]["timeout_secs"] = json!(0), Some("menu"), "timeout_secs 0");
    refused(|f| f["nodes"]["menu"]["max_retries"] = json!(50), Some("menu"), "max_retries 50");
    refused(|f| f["nodes"]["menu"]["on_fail"] = json!("x"), Some("menu"), "on_fail: no node");
    refused(|f| f["nodes"]["welcome"]["prompts"] = json!([]), Some("welcome"), "prompt list is empty");
    refused(
        |f| f["nodes"]["welcome"]["prompts"] = json!(["../etc/passwd"]),
        Some("welcome"),
        "prompt \"../etc/passwd\"",
    );
    refused(|f| f["nodes"]["welcome"]["type"] = json!("sing"), Some("welcome"), "unknown variant `sing`");
    refused(|f| f["nodes"]["welcome"]["nxet"] = json!("menu"), Some("welcome"), "unknown field `nxet`");
    refused(|f| f["nodes"]["sales"]["skills"][0]["min_level"] = json!(11), Some("sales"), "min_level 11");
    refused(|f| f["nodes"]["bad id!"] = json!({ "type": "hang_up" }), Some("bad id!"), "node id");
    refused(|f| f["language"] = json!("xx"), None, "language \"xx\"");
    refused(|f| f["name"] = json!("a/b"), None, "name \"a/b\"");
    refused(|f| f["nodes"] = json!({}), None, "no nodes");
    refused(|f| f["extra"] = json!(1), None, "unknown field `extra`");
    refused(
        |f| f["nodes"]["operator"] = json!({ "type": "transfer", "to": { "number": "call me" } }),
        Some("operator"),
        "not a dialable number",
    );
    refused(|f| f["nodes"]["operator"] = json!({ "type": "transfer", "to": { "fax": "1" } }), Some("operator"), "fax");
    let node = |v: Value| move |f: &mut Value| f["nodes"]["x"] = v;
    refused(
        node(json!({ "type": "collect", "prompt": "p", "var": "v", "min_digits": 5, "max_digits": 3,
                     "next": "sales", "on_fail": "sales" })),
        Some("x"),
        "max_digits 3 is less than min_digits 5",
    );
    refused(
        node(json!({ "type": "collect", "prompt": "p", "var": "v", "max_digits": 3, "terminator": "5",
                     "next": "sales", "on_fail": "sales" })),
        Some("x"),
        "terminator '5'",
    );
    refused(
        node(json!({ "type": "collect", "prompt": "p", "var": "language", "max_digits": 3,
                     "next": "sales", "on_fail": "sales" })),
        Some("x"),
        "var \"language\" is reserved",
    );
    refused(node(json!({ "type": "set_priority", "priority": 10, "next": "sales" })), Some("x"), "priority 10");
    refused(node(json!({ "type": "set_priority", "next": "sales" })), Some("x"), "needs priority, vip or both");
    refused(node(json!({ "type": "set_language", "language": "de", "next": "sales" })), Some("x"), "language \"de\"");
    refused(
        node(json!({ "type": "hours", "time_zone": "Asia/Tehran", "open": "sales", "closed": "sales",
                     "weekly": [{ "days": ["mon"], "open": "25:00", "close": "26:00" }] })),
        Some("x"),
        "open \"25:00\" is not a time",
    );
    refused(
        node(json!({ "type": "hours", "time_zone": "Asia/Tehran", "open": "sales", "closed": "sales",
                     "weekly": [{ "days": ["moonday"], "open": "08:00", "close": "16:00" }] })),
        Some("x"),
        "\"moonday\" is not a day",
    );
    refused(
        node(json!({ "type": "hours", "time_zone": "Asia/Atlantis", "open": "sales", "closed": "sales",
                     "weekly": [] })),
        Some("x"),
        "not a known time zone",
    );
    refused(
        node(json!({ "type": "hours", "time_zone": "UTC", "open": "sales", "closed": "sales",
                     "weekly": [], "holidays": ["2026-13-01"] })),
        Some("x"),
        "not a date",
    );
    refused(
        node(json!({ "type": "identify", "by": { "var": "code" }, "register_unknown": true,
                     "found": "sales", "not_found": "sales" })),
        Some("x"),
        "register_unknown needs by: \"caller\"",
    );
    refused(
        node(json!({ "type": "identify", "by": "callee", "found": "sales", "not_found": "sales" })),
        Some("x"),
        "by: \"callee\"",
    );
    refused(
        node(json!({ "type": "survey", "prompt": "p", "var": "r", "scale": 12, "next": "sales" })),
        Some("x"),
        "scale 12",
    );
    refused(node(json!({ "type": "queue", "queue": "" })), Some("x"), "queue: 1 to 64");
}

#[test]
fn loops_that_never_wait_are_refused() {
    // set → switch → set: spins without the caller.
    refused(
        |f| {
            f["nodes"]["a"] = json!({ "type": "set", "var": "v", "value": "1", "next": "b" });
            f["nodes"]["b"] = json!({ "type": "switch", "var": "v", "cases": { "1": "a" }, "default": "sales" });
        },
        Some("a"),
        "loops without waiting for the caller (a → b → a)",
    );
    // A node that goes to itself.
    refused(
        |f| {
            f["nodes"]["h"] =
                json!({ "type": "hours", "time_zone": "UTC", "weekly": [], "open": "h", "closed": "sales" })
        },
        Some("h"),
        "loops without waiting",
    );
    // A loop through a menu waits for the caller: fine.
    let mut f = menu_flow();
    f["nodes"]["a"] = json!({ "type": "set", "var": "v", "value": "1", "next": "menu" });
    f["nodes"]["menu"]["options"]["0"] = json!("a");
    assert!(Flow::parse(&f.to_string()).is_ok());
}

#[test]
fn oversized_flows_are_refused() {
    let mut f = menu_flow();
    for i in 0..flow::MAX_NODES {
        f["nodes"][format!("n{i}")] = json!({ "type": "hang_up" });
    }
    let e = Flow::parse(&f.to_string()).unwrap_err();
    assert!(e.reason.contains("more than 500 nodes"), "{e}");
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(flow::MAX_JSON_BYTES));
    assert!(Flow::parse(&big).unwrap_err().reason.contains("larger than"));
    refused(|f| f["nodes"]["sales"]["queue"] = json!("q".repeat(65)), Some("sales"), "1 to 64");
    refused(
        |f| f["nodes"]["s"] = json!({ "type": "set", "var": "v", "value": "v".repeat(300), "next": "sales" }),
        Some("s"),
        "longer than 256",
    );
}

#[test]
fn the_error_names_the_node_when_displayed() {
    let mut f = menu_flow();
    f["nodes"]["menu"]["options"]["x"] = json!("sales");
    let e = Flow::parse(&f.to_string()).unwrap_err();
    assert_eq!(e.to_string(), "node \"menu\": option \"x\" is not a DTMF key");
}

#[test]
fn export_gives_back_what_was_imported() {
    let f = menu_flow();
    let flow = Flow::parse(&f.to_string()).unwrap();
    let again = Flow::parse(&flow.to_json()).unwrap();
    assert_eq!(flow, again);
    // Defaults are written out; what was given stays as given (a single
    // prompt stays a string, a list a list).
    let exported: Value = serde_json::from_str(&flow.to_json()).unwrap();
    assert_eq!(exported["nodes"]["support_menu"]["prompt"], json!("support_menu"));
    assert_eq!(exported["nodes"]["menu"]["prompt"], json!(["main_menu", "options"]));
    assert_eq!(exported["nodes"]["support_menu"]["timeout_secs"], json!(5));
    assert_eq!(exported["nodes"]["operator"]["to"], json!({ "queue": "operator" }));
    assert_eq!(exported["language"], json!("en"));
    // A fully written flow comes back exactly.
    assert_eq!(
        serde_json::from_str::<Value>(&Flow::parse(&exported.to_string()).unwrap().to_json()).unwrap(),
        exported
    );
}

#[test]
fn the_documented_example_parses() {
    let doc = include_str!("mod.rs");
    let start = doc.find("//! ```json").unwrap();
    let end = start + doc[start..].find("//! ```\n").unwrap();
    let json: String =
        doc[start..end].lines().skip(1).map(|l| l.trim_start_matches("//!")).collect::<Vec<_>>().join("\n");
    let flow = Flow::parse(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(flow.nodes.len(), 9);
}

#[test]
fn a_customer_known_before_the_ivr_is_found_without_a_lookup() {
    let f = json!({
        "name": "w", "start": "who", "language": "en",
        "nodes": {
            "who": { "type": "identify", "by": { "var": "code" }, "found": "q", "not_found": "bye" },
            "q": { "type": "queue", "queue": "support" },
            "bye": { "type": "hang_up" }
        }
    });
    let flow = Flow::parse(&f.to_string()).unwrap();
    let ctx = CallContext {
        caller: None,
        dialed: "web:shop".into(),
        entry: EntryKind::Web,
        language: None,
        customer: Some(rania()),
    };
    let mut s = IvrSession::new(Arc::new(flow), ctx, 0);
    let out: Vec<Output> = std::iter::from_fn(|| s.poll_output()).collect();
    assert!(!out.iter().any(|o| matches!(o, Output::LookupCustomer(_))), "{out:?}");
    let o = done(&out);
    assert!(matches!(o.action, Action::Queue { .. }), "found: {:?}", o.action);
    assert_eq!(o.customer, Some(rania()));
}

#[test]
fn a_flow_says_whether_it_is_open_before_any_input() {
    let flow = |start_nodes: Value| Flow::parse(&start_nodes.to_string()).unwrap();
    let hours = flow(hours_flow());
    assert_eq!(hours.open_at(MONDAY_10_TEHRAN), Some(true));
    assert_eq!(hours.open_at(at("2026-03-21T06:30:00Z")), Some(false), "a holiday");
    // Through a greeting and a language to the hours.
    let mut greeted = hours_flow();
    greeted["start"] = json!("hi");
    greeted["nodes"]["hi"] = json!({ "type": "play", "prompts": "welcome", "next": "lang" });
    greeted["nodes"]["lang"] = json!({ "type": "set_language", "language": "fa", "next": "h" });
    assert_eq!(flow(greeted).open_at(at("2026-03-21T06:30:00Z")), Some(false));
    // A menu first: the flow does not say.
    assert_eq!(Flow::parse(&menu_flow().to_string()).unwrap().open_at(MONDAY_10_TEHRAN), None);
}

#[test]
fn a_second_identify_looks_up_again_after_a_first_one_found_the_caller() {
    let f = json!({
        "name": "two", "start": "who", "language": "en",
        "nodes": {
            "who": { "type": "identify", "by": "caller", "found": "code", "not_found": "code" },
            "code": { "type": "collect", "prompt": "enter_customer_code", "var": "code", "min_digits": 3, "max_digits": 3, "next": "by_code", "on_fail": "q" },
            "by_code": { "type": "identify", "by": { "var": "code" }, "found": "q", "not_found": "q" },
            "q": { "type": "queue", "queue": "support" }
        }
    });
    let (mut r, out) = Run::new(f, Some("+966501234567"));
    assert!(out.iter().any(|o| matches!(o, Output::LookupCustomer(Lookup::Number(_)))), "{out:?}");
    r.s.handle_customer(r.now, Some(rania()));
    r.drain();
    r.play_done();
    let all = r.keys("987");
    assert!(
        all.iter().any(|o| matches!(o, Output::LookupCustomer(Lookup::Code(c)) if c == "987")),
        "the code is looked up, not taken as found: {all:?}"
    );
}

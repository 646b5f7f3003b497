//! Reports and quality, on both databases: a scripted day of calls
//! (answered, abandoned after known waits, transferred, called back, an
//! offer let ring out, a voicemail) written through the store API call
//! control's record writer uses (`drive/calls.rs`, `write_records`: the
//! same patches and timeline events per step), and agents' presence
//! changed through the gateway's own presence path (the state log's writer
//! task stores it). Every figure of the queue and agent reports is checked
//! against values this file computes from the script by itself; then the
//! hour and day reports, the CSV, quality scorecards and evaluations with
//! their validation errors, the agent's dashboard figure, and the roles
//! (an agent gets 403 on every new route and on recordings).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use gateway::config::Config;
use gateway::presence::Activity;
use gateway::store::{CallbackRequest, InteractionPatch, NewInteraction, NewVoicemail, Store};
use shared::records::{CallbackResult, Disposition, Initiation, MailboxKind};
use shared::reports::{Figures, Report, WAIT_BUCKETS_SECS};
use shared::ws::{AgentActivity, AgentStatus};

const S: i64 = 1000;
/// 2024-03-10 09:00 in Tehran (UTC+3:30): 05:30 UTC.
const T0: i64 = 1_710_048_600_000;
/// That day's first instant in Tehran.
const DAY_START: i64 = T0 - 9 * 3_600 * S;

/// One step of a call, as call control's tracker says it.
#[derive(Debug, Clone)]
enum Step {
    Start(Initiation, Option<i64>),
    Queued(&'static str),
    Offered(i64),
    OfferExpired(i64),
    Answered(i64),
    Held,
    Resumed(i64),
    Transferred(i64, i64),
    Survey(i64),
    Ended(Disposition),
}

/// Writes one step the way `write_records` does: the record's patch, then
/// the timeline event.
async fn step(store: &Store, call: &str, at: i64, s: Step) {
    use shared::records as k;
    let (patch, kind, data): (Option<InteractionPatch>, &str, Option<serde_json::Value>) = match s {
        Step::Start(initiation, agent) => {
            let mut n = NewInteraction::new(call, initiation, at);
            n.caller = Some("+441234567890".into());
            n.agent_id = agent;
            store.interaction_start(&n).await.unwrap();
            (None, k::CALL_STARTED, None)
        }
        Step::Queued(q) => (
            Some(InteractionPatch { queue: Some(q.into()), enqueued_at: Some(at), ..Default::default() }),
            k::QUEUE_ENTERED,
            Some(serde_json::json!({ "queue": q })),
        ),
        Step::Offered(a) => (None, k::OFFER_CREATED, Some(serde_json::json!({ "agent": a }))),
        Step::OfferExpired(a) => (None, k::OFFER_EXPIRED, Some(serde_json::json!({ "agent": a }))),
        Step::Answered(a) => (
            Some(InteractionPatch {
                agent_id: Some(a),
                answered_at: Some(at),
                dequeued_at: Some(at),
                ..Default::default()
            }),
            k::CALL_ANSWERED,
            Some(serde_json::json!({ "agent_id": a })),
        ),
        Step::Held => (Some(InteractionPatch { holds_added: Some(1), ..Default::default() }), k::CALL_HELD, None),
        Step::Resumed(ms) => {
            (Some(InteractionPatch { hold_ms_added: Some(ms), ..Default::default() }), k::CALL_RESUMED, None)
        }
        Step::Transferred(from, to) => (
            Some(InteractionPatch { agent_id: Some(to), ..Default::default() }),
            k::CALL_TRANSFERRED,
            Some(serde_json::json!({ "from": from, "to": to })),
        ),
        Step::Survey(score) => (
            Some(InteractionPatch { survey_score: Some(score), ..Default::default() }),
            k::SURVEY_COMPLETED,
            Some(serde_json::json!({ "score": score })),
        ),
        Step::Ended(d) => (
            Some(InteractionPatch { ended_at: Some(at), disposition: Some(d), ..Default::default() }),
            if d == Disposition::Abandoned { k::QUEUE_ABANDONED } else { k::CALL_ENDED },
            None,
        ),
    };
    if let Some(p) = patch {
        assert!(store.interaction_update(call, &p, at).await.unwrap());
    }
    store.interaction_event(call, at, kind, data.as_ref()).await.unwrap();
}

/// A plain inbound call through a queue, from the script's numbers.
#[derive(Debug, Clone)]
struct Scripted {
    id: &'static str,
    queue: &'static str,
    /// Entry, relative to T0 (s).
    entered: i64,
    /// The caller waits this long (s); then…
    wait: i64,
    /// …an agent answers (None: the caller hangs up).
    agent: Option<i64>,
    /// Answer to end (s), a hold inside it (s), wrap-up (s), code, survey.
    talk: i64,
    hold: i64,
    wrap: Option<i64>,
    code: Option<&'static str>,
    survey: Option<i64>,
}

async fn play(store: &Store, c: &Scripted) {
    let at = |s: i64| T0 + s * S;
    step(store, c.id, at(c.entered - 10), Step::Start(Initiation::Inbound, None)).await;
    step(store, c.id, at(c.entered), Step::Queued(c.queue)).await;
    let Some(agent) = c.agent else {
        step(store, c.id, at(c.entered + c.wait), Step::Ended(Disposition::Abandoned)).await;
        return;
    };
    step(store, c.id, at(c.entered + 1), Step::Offered(agent)).await;
    let answered = c.entered + c.wait;
    step(store, c.id, at(answered), Step::Answered(agent)).await;
    if c.hold > 0 {
        step(store, c.id, at(answered + 5), Step::Held).await;
        step(store, c.id, at(answered + 5 + c.hold), Step::Resumed(c.hold * S)).await;
    }
    let end = answered + c.talk;
    if let Some(score) = c.survey {
        step(store, c.id, at(end), Step::Survey(score)).await;
    }
    step(store, c.id, at(end), Step::Ended(Disposition::Answered)).await;
    if let (Some(w), Some(code)) = (c.wrap, c.code) {
        store.interaction_wrap_up(c.id, agent, false, code, None, at(end + w)).await.unwrap();
    }
}

/// A figure set computed here from the script, to compare with the API's.
#[derive(Debug, Default)]
struct Expect {
    waits_answered: Vec<i64>,
    waits_abandoned: Vec<i64>,
    other: u32,
    /// (talk less hold, hold, wrap, transferred) per agent segment, s.
    segments: Vec<(i64, i64, i64, bool)>,
    codes: BTreeMap<&'static str, u32>,
    surveys: Vec<i64>,
    offers: u32,
    missed: u32,
    callbacks: Vec<Option<i64>>,
    voicemails: u32,
    target: i64,
}

fn mean(v: &[i64]) -> Option<u64> {
    (!v.is_empty()).then(|| {
        let n = v.len() as i64;
        ((v.iter().sum::<i64>() + n / 2) / n) as u64
    })
}

fn check(name: &str, f: &Figures, e: &Expect) {
    let in_t = |v: &[i64]| v.iter().filter(|w| **w * S <= e.target).count() as u32;
    let ans = e.waits_answered.len() as u32;
    let ab = e.waits_abandoned.len() as u32;
    let (ans_in, ab_in) = (in_t(&e.waits_answered), in_t(&e.waits_abandoned));
    assert_eq!(f.offered, ans + ab + e.other, "{name}: offered");
    assert_eq!((f.answered, f.answered_in_target), (ans, ans_in), "{name}: answered");
    assert_eq!((f.abandoned, f.abandoned_in_target), (ab, ab_in), "{name}: abandoned");
    assert_eq!(f.other, e.other, "{name}: other");
    let ms = |v: &[i64]| v.iter().map(|w| w * S).collect::<Vec<_>>();
    assert_eq!(f.abandon_wait_avg_ms, mean(&ms(&e.waits_abandoned)), "{name}: wait before abandoning");
    assert_eq!(f.abandon_wait_max_ms, e.waits_abandoned.iter().max().map(|w| (w * S) as u64), "{name}");
    let counted = ans + ab - ab_in;
    let sl = (counted > 0).then(|| 100.0 * f64::from(ans_in) / f64::from(counted));
    assert_eq!(f.service_level_pct, sl, "{name}: service level");
    assert_eq!(f.sl_breaches, (ans - ans_in) + (ab - ab_in), "{name}: breaches");
    let mut buckets = vec![0u32; WAIT_BUCKETS_SECS.len() + 1];
    for w in &e.waits_answered {
        let i = WAIT_BUCKETS_SECS.iter().position(|b| *w <= i64::from(*b)).unwrap_or(WAIT_BUCKETS_SECS.len());
        buckets[i] += 1;
    }
    assert_eq!(f.answered_by_wait, buckets, "{name}: answered by wait");
    assert_eq!(f.asa_ms, mean(&ms(&e.waits_answered)), "{name}: ASA");
    assert_eq!(f.max_answer_wait_ms, e.waits_answered.iter().max().map(|w| (w * S) as u64), "{name}");
    assert_eq!((f.offers, f.missed_offers), (e.offers, e.missed), "{name}: offers");
    let handled = e.segments.len() as u32;
    assert_eq!(f.handled, handled, "{name}: handled");
    assert_eq!(f.transferred, e.segments.iter().filter(|s| s.3).count() as u32, "{name}: transferred");
    let talk: Vec<i64> = e.segments.iter().map(|s| s.0 * S).collect();
    let hold: Vec<i64> = e.segments.iter().map(|s| s.1 * S).collect();
    let wrap: Vec<i64> = e.segments.iter().map(|s| s.2 * S).collect();
    let handle: Vec<i64> = e.segments.iter().map(|s| (s.0 + s.1 + s.2) * S).collect();
    assert_eq!(f.talk_ms, talk.iter().sum::<i64>() as u64, "{name}: talk");
    assert_eq!(f.hold_ms, hold.iter().sum::<i64>() as u64, "{name}: hold");
    assert_eq!(f.wrap_up_ms, wrap.iter().sum::<i64>() as u64, "{name}: wrap-up");
    assert_eq!((f.avg_talk_ms, f.avg_hold_ms, f.avg_wrap_up_ms), (mean(&talk), mean(&hold), mean(&wrap)), "{name}");
    assert_eq!(f.aht_ms, mean(&handle), "{name}: AHT");
    let codes: Vec<(String, u32)> = f.dispositions.iter().map(|c| (c.code.clone(), c.count)).collect();
    let mut want: Vec<(String, u32)> = e.codes.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    want.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(codes, want, "{name}: dispositions");
    assert_eq!(f.surveys, e.surveys.len() as u32, "{name}: surveys");
    let avg = (!e.surveys.is_empty()).then(|| e.surveys.iter().sum::<i64>() as f64 / e.surveys.len() as f64);
    assert_eq!(f.survey_avg, avg, "{name}: survey average");
    let done: Vec<i64> = e.callbacks.iter().flatten().map(|s| s * S).collect();
    assert_eq!(
        (f.callbacks_requested, f.callbacks_completed, f.callback_time_avg_ms),
        (e.callbacks.len() as u32, done.len() as u32, mean(&done)),
        "{name}: callbacks"
    );
    assert_eq!(f.voicemails, e.voicemails, "{name}: voicemails");
}

/// An agent's presence changes, relative to T0 (s).
#[derive(Debug, Clone, Copy)]
enum Presence {
    Connect,
    Status(AgentStatus, Option<&'static str>),
    Activity(AgentActivity),
    Disconnect,
}

/// Logged-in, not-ready (by reason), on-call and wrap-up seconds and the
/// logins of one agent's script, from before the period to `end`.
fn activity(script: &[(i64, Presence)], end: i64) -> (i64, BTreeMap<String, i64>, i64, i64, u32) {
    // The state after each change: (logged in, status, reason, activity).
    let (mut connected, mut status, mut reason, mut act) = (false, AgentStatus::Offline, None, AgentActivity::Idle);
    let mut spans: Vec<(i64, bool, AgentStatus, Option<&str>, AgentActivity)> = Vec::new();
    for (t, p) in script {
        match *p {
            Presence::Connect => connected = true,
            Presence::Disconnect => {
                connected = false;
                status = AgentStatus::Offline;
                reason = None;
            }
            Presence::Status(s, r) => {
                status = s;
                reason = r;
            }
            Presence::Activity(a) => act = a,
        }
        spans.push((*t, connected, status, reason, act));
    }
    let (mut logged, mut on_call, mut wrap, mut logins) = (0, 0, 0, 0);
    let mut not_ready: BTreeMap<String, i64> = BTreeMap::new();
    let mut was_in = false;
    for (i, (t, connected, status, reason, act)) in spans.iter().enumerate() {
        let until = spans.get(i + 1).map_or(end, |n| n.0);
        let len = until - t;
        let busy = *act != AgentActivity::Idle;
        let is_in = *connected || busy;
        if is_in && !was_in {
            logins += 1;
        }
        was_in = is_in;
        if !is_in {
            continue;
        }
        logged += len;
        match act {
            AgentActivity::OnCall => on_call += len,
            AgentActivity::WrapUp => wrap += len,
            AgentActivity::Idle => match status {
                AgentStatus::NotReady => *not_ready.entry(reason.unwrap_or("").to_owned()).or_default() += len,
                AgentStatus::Offline => *not_ready.entry("offline".to_owned()).or_default() += len,
                AgentStatus::Available => {}
            },
            _ => {}
        }
    }
    (logged, not_ready, on_call, wrap, logins)
}

async fn apply(app: &common::TestApp, agent: i64, name: &str, script: &[(i64, Presence)]) {
    for (t, p) in script {
        let at = T0 + t * S;
        app.state.change_presence(|pr| match *p {
            Presence::Connect => pr.handle_connect(at, agent, name),
            Presence::Disconnect => pr.handle_disconnect(at, agent),
            Presence::Status(s, r) => pr.handle_set_status(at, agent, s, r.map(Into::into)),
            Presence::Activity(a) => {
                pr.handle_activity(agent, Activity { activity: a, since_ms: at, ..Activity::default() })
            }
        });
    }
}

fn row<'a>(r: &'a Report, key: &str) -> &'a Figures {
    &r.rows.iter().find(|row| row.key == key).unwrap_or_else(|| panic!("no row {key}: {:?}", r.rows)).figures
}

async fn report(app: &common::TestApp, token: &str, path: &str) -> Report {
    let a = app.get(path, Some(token)).await;
    assert_eq!(a.status, 200, "{path}: {}", String::from_utf8_lossy(&a.body));
    serde_json::from_slice(&a.body).unwrap()
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: &str, body: serde_json::Value) -> common::Answer {
    let mut req = common::request(method, path, Some(token), Some(body));
    req.headers_mut().insert("origin", "http://127.0.0.1:8080".parse().unwrap());
    app.call(req).await
}

#[tokio::test]
async fn reports_add_up_to_the_scripted_day() {
    for (db, store) in common::stores().await {
        eprintln!("database: {db}");
        let mut config = Config::default();
        config.wallboard.time_zone = "Asia/Tehran".into();
        let app = common::demo_app(store.clone(), config).await;
        let id = |u: &'static str| {
            let store = store.clone();
            async move { store.user_by_username(u).await.unwrap().unwrap().id }
        };
        let (rania, omid) = (id("rania").await, id("omid").await);
        let queues = store.queue_rows().await.unwrap();
        let target =
            |q: &str| i64::from(queues.iter().find(|r| r.config.name == q).unwrap().config.service_level_secs) * S;

        // --- The calls.
        let plain = |id, queue, entered, wait, agent, talk, hold, wrap, code, survey| Scripted {
            id,
            queue,
            entered,
            wait,
            agent,
            talk,
            hold,
            wrap,
            code,
            survey,
        };
        let calls = [
            plain("A", "support", 10, 5, Some(rania), 120, 20, Some(30), Some("resolved"), Some(5)),
            plain("B", "support", 100, 40, Some(omid), 60, 0, Some(10), Some("sale"), Some(3)),
            plain("C", "support", 300, 8, None, 0, 0, None, None, None),
            plain("D", "support", 400, 45, None, 0, 0, None, None, None),
            plain("I", "support", 3 * 3600 + 10, 3, Some(rania), 10, 0, Some(4), Some("resolved"), None),
            // The day before in Tehran: not in the report.
            plain("Z", "support", -10 * 3600, 2, Some(rania), 30, 0, Some(1), Some("resolved"), None),
        ];
        for c in &calls {
            play(&store, c).await;
        }
        let at = |s: i64| T0 + s * S;
        // E: Rania answers after 12 s, talks 30 s, transfers to Omid, who
        // answers 10 s later, talks 50 s and wraps up in 20 s.
        step(&store, "E", at(490), Step::Start(Initiation::Inbound, None)).await;
        step(&store, "E", at(500), Step::Queued("support")).await;
        step(&store, "E", at(501), Step::Offered(rania)).await;
        step(&store, "E", at(512), Step::Answered(rania)).await;
        step(&store, "E", at(542), Step::Transferred(rania, omid)).await;
        step(&store, "E", at(543), Step::Offered(omid)).await;
        step(&store, "E", at(552), Step::Answered(omid)).await;
        step(&store, "E", at(602), Step::Ended(Disposition::Answered)).await;
        store.interaction_wrap_up("E", omid, false, "follow_up", None, at(622)).await.unwrap();
        // F: a sales caller waits 30 s and asks for a callback; G is the
        // callback, answered 280 s after the request, Rania talks 40 s.
        step(&store, "F", at(690), Step::Start(Initiation::Inbound, None)).await;
        step(&store, "F", at(700), Step::Queued("sales")).await;
        let cb = store
            .callback_create(
                &CallbackRequest {
                    queue: "sales".into(),
                    number: "+441234567890".into(),
                    customer_id: None,
                    call_id: Some("F".into()),
                    requested_at: at(730),
                    due_at: None,
                    position_at: at(700),
                    max_attempts: 3,
                    created_by: None,
                },
                at(730),
            )
            .await
            .unwrap();
        step(&store, "F", at(731), Step::Ended(Disposition::Callback)).await;
        store.callback_attempt_started(cb, Some(rania), at(1000)).await.unwrap();
        step(&store, "G", at(1000), Step::Start(Initiation::Callback, Some(rania))).await;
        step(&store, "G", at(1010), Step::Answered(rania)).await;
        store.callback_attempt_result(cb, CallbackResult::Answered, None, at(1010)).await.unwrap();
        step(&store, "G", at(1050), Step::Ended(Disposition::Answered)).await;
        store.interaction_wrap_up("G", rania, false, "resolved", None, at(1055)).await.unwrap();
        // H: offered to Rania, who lets it ring out; Omid answers at 20 s.
        step(&store, "H", at(1190), Step::Start(Initiation::Inbound, None)).await;
        step(&store, "H", at(1200), Step::Queued("sales")).await;
        step(&store, "H", at(1202), Step::Offered(rania)).await;
        step(&store, "H", at(1217), Step::OfferExpired(rania)).await;
        step(&store, "H", at(1217), Step::Offered(omid)).await;
        step(&store, "H", at(1220), Step::Answered(omid)).await;
        step(&store, "H", at(1280), Step::Ended(Disposition::Answered)).await;
        store.interaction_wrap_up("H", omid, false, "information", None, at(1280)).await.unwrap();
        // A voicemail in support's mailbox.
        let vm = NewVoicemail {
            mailbox_kind: MailboxKind::Queue,
            mailbox: "support".into(),
            call_id: None,
            caller: None,
            customer_id: None,
            received_at: at(800),
            duration_ms: 9_000,
            file: "vm.wav".into(),
        };
        store.voicemail_create(&vm, at(800)).await.unwrap();

        // --- Presence through the gateway's own path.
        use AgentActivity as Act;
        use Presence as P;
        let rania_script = [
            (-60, P::Connect),
            (-30, P::Status(AgentStatus::Available, None)),
            (15, P::Activity(Act::OnCall)),
            (135, P::Activity(Act::WrapUp)),
            (165, P::Activity(Act::Idle)),
            (2000, P::Status(AgentStatus::NotReady, Some("lunch"))),
            (3800, P::Status(AgentStatus::Available, None)),
            (4000, P::Disconnect),
            (5000, P::Connect),
            (5010, P::Status(AgentStatus::Available, None)),
            (6000, P::Disconnect),
        ];
        let omid_script = [
            (90, P::Connect),
            (95, P::Status(AgentStatus::Available, None)),
            (140, P::Activity(Act::OnCall)),
            (200, P::Activity(Act::Idle)),
            (300, P::Status(AgentStatus::NotReady, Some("break"))),
            (500, P::Status(AgentStatus::Available, None)),
            (1500, P::Disconnect),
        ];
        apply(&app, rania, "Rania Haddad", &rania_script).await;
        apply(&app, omid, "Omid Rezaei", &omid_script).await;

        // --- Quality: a scorecard and an evaluation of call A.
        let admin = app.token("admin", "demo-admin", "supervisor").await;
        let sara = app.token("sara", "demo-supervisor", "supervisor").await;
        let card = serde_json::json!({
            "name": "Inbound calls",
            "queue": "support",
            "criteria": [
                {"label": "Greeting", "weight": 2, "max_points": 5},
                {"label": "Solved it", "weight": 1, "max_points": 10}
            ]
        });
        let made = send(&app, "POST", "/api/v1/scorecards", &admin, card.clone()).await;
        assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
        let card_id = made.json()["id"].as_i64().unwrap();
        store
            .interaction_update(
                "A",
                &InteractionPatch { recording: Some("rec-a".into()), ..Default::default() },
                at(200),
            )
            .await
            .unwrap();
        let eval = serde_json::json!({"call_id": "A", "scorecard_id": card_id, "scores": [4, 5], "comment": "Good"});
        let e = send(&app, "POST", "/api/v1/evaluations", &sara, eval).await;
        assert_eq!(e.status, 201, "{}", String::from_utf8_lossy(&e.body));
        // (2·4/5 + 1·5/10) ÷ 3 = 70 %.
        let quality = ((2.0 * 4.0 / 5.0 + 5.0 / 10.0) / 3.0 * 10_000.0_f64).round() / 100.0;
        assert_eq!(e.json()["score_pct"].as_f64(), Some(quality));
        assert_eq!(e.json()["agent_id"].as_i64(), Some(rania));

        // The state log's writer is a task: wait (bounded) for its rows.
        let path = "/api/v1/reports/agents?from=2024-03-10&to=2024-03-10";
        let mut agents = report(&app, &sara, path).await;
        for _ in 0..50 {
            let logins = |r: &Report, a: i64| r.rows.iter().find(|x| x.key == a.to_string()).map(|x| x.figures.logins);
            if logins(&agents, rania) == Some(2) && logins(&agents, omid) == Some(1) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            agents = report(&app, &sara, path).await;
        }

        // --- Queues.
        let q = report(&app, &sara, "/api/v1/reports/queues?from=2024-03-10&to=2024-03-10").await;
        assert_eq!((q.from.as_str(), q.time_zone.as_str()), ("2024-03-09T20:30:00Z", "Asia/Tehran"));
        assert_eq!(q.to, "2024-03-10T20:30:00Z");
        assert_eq!(DAY_START, T0 - 9 * 3_600_000);
        let keys: Vec<&str> = q.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["support", "sales"]);
        let support = Expect {
            waits_answered: vec![5, 40, 12, 3],
            waits_abandoned: vec![8, 45],
            // A (talk 120 with 20 on hold), B, E's two halves, I.
            segments: vec![
                (100, 20, 30, false),
                (60, 0, 10, false),
                (30, 0, 0, true),
                (50, 0, 20, false),
                (10, 0, 4, false),
            ],
            codes: [("resolved", 2), ("sale", 1), ("follow_up", 1)].into(),
            surveys: vec![5, 3],
            offers: 5,
            voicemails: 1,
            target: target("support"),
            ..Expect::default()
        };
        check("support", row(&q, "support"), &support);
        let sales = Expect {
            waits_answered: vec![20],
            other: 1,
            segments: vec![(60, 0, 0, false)],
            codes: [("information", 1)].into(),
            offers: 2,
            missed: 1,
            callbacks: vec![Some(280)],
            target: target("sales"),
            ..Expect::default()
        };
        check("sales", row(&q, "sales"), &sales);
        let f = row(&q, "support");
        assert_eq!((f.evaluations, f.quality_avg_pct), (1, Some(quality)));
        assert_eq!((f.logins, f.logged_in_ms), (0, 0), "no agent activity on a queue's row");

        // --- Agents.
        let end = (DAY_START + 86_400 * S - T0) / S;
        let rania_exp = Expect {
            waits_answered: vec![],
            // A, E (first half), I, and the callback G (40 s, wrap 5).
            segments: vec![(100, 20, 30, false), (30, 0, 0, true), (10, 0, 4, false), (40, 0, 5, false)],
            codes: [("resolved", 3)].into(),
            surveys: vec![5],
            offers: 4,
            missed: 1,
            callbacks: vec![Some(280)],
            target: 0,
            ..Expect::default()
        };
        let omid_exp = Expect {
            segments: vec![(60, 0, 10, false), (50, 0, 20, false), (60, 0, 0, false)],
            codes: [("sale", 1), ("follow_up", 1), ("information", 1)].into(),
            surveys: vec![3],
            offers: 3,
            target: 0,
            ..Expect::default()
        };
        for (agent, exp, script) in [(rania, &rania_exp, &rania_script[..]), (omid, &omid_exp, &omid_script[..])] {
            let f = row(&agents, &agent.to_string());
            check(&format!("agent {agent}"), f, exp);
            let (logged, not_ready, on_call, wrap, logins) = activity(script, end);
            assert_eq!(f.logins, logins, "agent {agent}: logins");
            assert_eq!(f.logged_in_ms, (logged * S) as u64, "agent {agent}: logged in");
            let nr: i64 = not_ready.values().sum();
            assert_eq!(f.not_ready_ms, (nr * S) as u64, "agent {agent}: not ready");
            let mut by_reason: Vec<(String, u64)> =
                not_ready.iter().map(|(r, s)| (r.clone(), (s * S) as u64)).collect();
            by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let got: Vec<(String, u64)> = f.not_ready_by_reason.iter().map(|r| (r.reason.clone(), r.ms)).collect();
            assert_eq!(got, by_reason, "agent {agent}: not ready by reason");
            assert_eq!((f.on_call_ms, f.wrap_up_state_ms), ((on_call * S) as u64, (wrap * S) as u64), "agent {agent}");
            let occupancy = 100.0 * (on_call + wrap) as f64 / (logged - nr) as f64;
            assert_eq!(f.occupancy_pct, Some(occupancy), "agent {agent}: occupancy");
        }
        let f = row(&agents, &rania.to_string());
        assert_eq!((f.evaluations, f.quality_avg_pct), (1, Some(quality)));
        assert_eq!(row(&agents, &rania.to_string()).offered, 0, "traffic is the queues'");

        // --- Hours: the morning's calls at 09:00, call I at 12:00.
        let h = report(&app, &sara, "/api/v1/reports/hours?from=2024-03-10&to=2024-03-10&queue=support").await;
        let nine = h.rows.iter().find(|r| r.label == "2024-03-10 09:00").expect("09:00");
        assert_eq!(nine.key, "2024-03-10T05:30:00Z");
        assert_eq!((nine.figures.offered, nine.figures.answered, nine.figures.abandoned), (5, 3, 2));
        let noon = h.rows.iter().find(|r| r.label == "2024-03-10 12:00").expect("12:00");
        assert_eq!((noon.figures.offered, noon.figures.handled), (1, 1));
        // Rania's first minute logged in is in the 08:00 hour.
        let eight = h.rows.iter().find(|r| r.label == "2024-03-10 08:00").expect("08:00");
        assert_eq!(eight.figures.logged_in_ms, 60_000);
        let logged: u64 = h.rows.iter().map(|r| r.figures.logged_in_ms).sum();
        assert_eq!(logged, h.total.logged_in_ms, "split at the hours, nothing lost");

        // --- Days: two days, the quiet one included; filtered by agent.
        let d = report(&app, &sara, &format!("/api/v1/reports/days?from=2024-03-09&to=2024-03-10&agent={omid}")).await;
        let labels: Vec<&str> = d.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["2024-03-09", "2024-03-10"]);
        assert_eq!(d.rows[0].figures, Figures { answered_by_wait: vec![0; 7], ..Figures::default() });
        check(
            "omid's day",
            &d.rows[1].figures,
            &Expect { waits_answered: vec![40, 20], target: target("support").min(target("sales")), ..omid_exp },
        );

        // --- CSV, by parameter and by Accept.
        let csv = app.get("/api/v1/reports/queues?from=2024-03-10&to=2024-03-10&format=csv", Some(&sara)).await;
        assert_eq!(csv.status, 200);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        let text = String::from_utf8(csv.body.clone()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("key,label,offered,answered,"), "{}", lines[0]);
        assert!(lines[1].starts_with("support,Technical support,6,4,"), "{}", lines[1]);
        assert!(lines.iter().any(|l| l.starts_with("total,,8,5,")), "{text}");
        let mut req = common::request("GET", "/api/v1/reports/agents", Some(&sara), None);
        req.headers_mut().insert("accept", "text/csv".parse().unwrap());
        assert_eq!(app.call(req).await.headers["content-type"], "text/csv; charset=utf-8");

        // --- Bad input: 400 naming the parameter.
        for (path, word) in [
            ("/api/v1/reports/weeks", "group"),
            ("/api/v1/reports/queues?from=2024-02-30", "from"),
            ("/api/v1/reports/queues?from=2024-03-10&to=2024-03-09", "to"),
            ("/api/v1/reports/queues?from=2024-01-01&to=2024-12-31", "to"),
            ("/api/v1/reports/queues?format=xml", "format"),
            ("/api/v1/reports/queues?agent=-1", "agent"),
            ("/api/v1/reports/queues?colour=red", "colour"),
        ] {
            let a = app.get(path, Some(&sara)).await;
            assert_eq!(a.status, 400, "{path}");
            assert_eq!(a.headers["content-type"], "application/problem+json", "{path}");
            assert!(a.json()["detail"].as_str().unwrap_or("").contains(word), "{path}: {}", a.json());
        }

        // --- The agent's dashboard shows their quality figure.
        let rania_token = app.token("rania", "demo-agent", "agent").await;
        let dash = app.get("/api/v1/me/dashboard?day=2024-03-10&tz=Asia/Tehran", Some(&rania_token)).await.json();
        assert_eq!((dash["evaluations"].as_i64(), dash["quality_average_pct"].as_f64()), (Some(1), Some(quality)));
        let mine = app.get("/api/v1/me/evaluations", Some(&rania_token)).await.json();
        assert_eq!(mine["items"][0]["call_id"], "A");
        assert_eq!(mine["items"][0]["criteria"][1]["points"], 5);
        let omid_token = app.token("omid", "demo-agent", "agent").await;
        let theirs = app.get("/api/v1/me/evaluations", Some(&omid_token)).await.json();
        assert_eq!(theirs["items"].as_array().unwrap().len(), 0, "only one's own");
    }
}

#[tokio::test]
async fn quality_validates_and_roles_hold() {
    for (db, store) in common::stores().await {
        eprintln!("database: {db}");
        let app = common::demo_app(store.clone(), Config::default()).await;
        let admin = app.token("admin", "demo-admin", "supervisor").await;
        let sara = app.token("sara", "demo-supervisor", "supervisor").await;
        let rania = app.token("rania", "demo-agent", "agent").await;
        let crit = |w: i64, m: i64| serde_json::json!({"label": "Listens", "weight": w, "max_points": m});
        let card =
            |name: &str, criteria: Vec<serde_json::Value>| serde_json::json!({"name": name, "criteria": criteria});

        // Validation names the field.
        for (body, field) in [
            (card(" ", vec![crit(1, 5)]), "name"),
            (card("X", vec![]), "criteria"),
            (card("X", vec![crit(1, 5), crit(0, 5)]), "criteria[1].weight"),
            (card("X", vec![crit(1, 101)]), "criteria[0].max_points"),
            (serde_json::json!({"name": "X", "queue": "nope", "criteria": [crit(1, 5)]}), "queue"),
        ] {
            let a = send(&app, "POST", "/api/v1/scorecards", &admin, body).await;
            assert_eq!(a.status, 422, "{field}: {}", String::from_utf8_lossy(&a.body));
            assert_eq!(a.json()["field"], field);
        }
        let a = send(&app, "POST", "/api/v1/scorecards", &admin, serde_json::json!({"name": "X", "extra": 1})).await;
        assert_eq!(a.status, 400, "unknown fields are refused");
        let made = send(&app, "POST", "/api/v1/scorecards", &admin, card("Calls", vec![crit(1, 5), crit(3, 4)])).await;
        assert_eq!(made.status, 201);
        let id = made.json()["id"].as_i64().unwrap();
        let again = send(&app, "POST", "/api/v1/scorecards", &admin, card("Calls", vec![crit(1, 5)])).await;
        assert_eq!(again.status, 409);
        // Supervisors read scorecards but do not manage them.
        assert_eq!(app.get("/api/v1/scorecards", Some(&sara)).await.json()[0]["name"], "Calls");
        let a = send(&app, "POST", "/api/v1/scorecards", &sara, card("Mine", vec![crit(1, 5)])).await;
        assert_eq!(a.status, 403);

        // An evaluation needs a recorded call with an agent and fitting scores.
        let now = app.state.clock.now_ms();
        let rania_id = store.user_by_username("rania").await.unwrap().unwrap().id;
        store.interaction_start(&NewInteraction::new("R", Initiation::Inbound, now - 100_000)).await.unwrap();
        store.interaction_start(&NewInteraction::new("N", Initiation::Inbound, now - 100_000)).await.unwrap();
        for c in ["R", "N"] {
            let p = InteractionPatch {
                agent_id: Some(rania_id),
                queue: Some("support".into()),
                answered_at: Some(now - 90_000),
                ended_at: Some(now - 30_000),
                recording: (c == "R").then(|| "rec-r".into()),
                ..Default::default()
            };
            store.interaction_update(c, &p, now).await.unwrap();
        }
        let eval = |call: &str, scores: serde_json::Value| serde_json::json!({"call_id": call, "scorecard_id": id, "scores": scores});
        for (body, field) in [
            (eval("N", serde_json::json!([1, 1])), "call_id"),
            (eval("nope", serde_json::json!([1, 1])), "call_id"),
            (eval("R", serde_json::json!([1])), "scores"),
            (eval("R", serde_json::json!([1, 5])), "scores[1]"),
            (serde_json::json!({"call_id": "R", "scorecard_id": 999, "scores": [1, 1]}), "scorecard_id"),
        ] {
            let a = send(&app, "POST", "/api/v1/evaluations", &sara, body).await;
            assert_eq!(a.status, 422, "{field}: {}", String::from_utf8_lossy(&a.body));
            assert_eq!(a.json()["field"], field);
        }
        let long =
            serde_json::json!({"call_id": "R", "scorecard_id": id, "scores": [5, 4], "comment": "x".repeat(4001)});
        assert_eq!(send(&app, "POST", "/api/v1/evaluations", &sara, long).await.json()["field"], "comment");
        let ok = send(&app, "POST", "/api/v1/evaluations", &sara, eval("R", serde_json::json!([5, 2]))).await;
        assert_eq!(ok.status, 201);
        // (1·5/5 + 3·2/4) ÷ 4 = 62.5 %.
        assert_eq!(ok.json()["score_pct"].as_f64(), Some((1.0 + 3.0 * 0.5) / 4.0 * 100.0));
        let listed = app.get("/api/v1/evaluations?call_id=R", Some(&sara)).await.json();
        assert_eq!(listed["items"].as_array().unwrap().len(), 1);

        // Editing keeps the evaluation's criteria; a used scorecard is not deleted.
        let edited =
            send(&app, "PUT", &format!("/api/v1/scorecards/{id}"), &admin, card("Calls v2", vec![crit(1, 9)])).await;
        assert_eq!((edited.status, edited.json()["evaluations"].as_i64()), (200, Some(1)));
        let listed = app.get("/api/v1/evaluations?call_id=R", Some(&sara)).await.json();
        assert_eq!(listed["items"][0]["criteria"].as_array().unwrap().len(), 2);
        let del = send(&app, "DELETE", &format!("/api/v1/scorecards/{id}"), &admin, serde_json::json!({})).await;
        assert_eq!(del.status, 409);
        let spare = send(&app, "POST", "/api/v1/scorecards", &admin, card("Spare", vec![crit(1, 5)])).await.json();
        let spare = spare["id"].as_i64().unwrap();
        let del = send(&app, "DELETE", &format!("/api/v1/scorecards/{spare}"), &admin, serde_json::json!({})).await;
        assert_eq!(del.status, 204);
        assert_eq!(send(&app, "PUT", "/api/v1/scorecards/999", &admin, card("Z", vec![crit(1, 5)])).await.status, 404);

        // An agent opens none of it, nor any recording.
        for (method, path) in [
            ("GET", "/api/v1/reports/queues".to_owned()),
            ("GET", "/api/v1/reports/agents".to_owned()),
            ("GET", "/api/v1/reports/hours?format=csv".to_owned()),
            ("GET", "/api/v1/reports/days".to_owned()),
            ("GET", "/api/v1/scorecards".to_owned()),
            ("POST", "/api/v1/scorecards".to_owned()),
            ("PUT", format!("/api/v1/scorecards/{id}")),
            ("DELETE", format!("/api/v1/scorecards/{id}")),
            ("GET", "/api/v1/evaluations".to_owned()),
            ("POST", "/api/v1/evaluations".to_owned()),
            ("GET", "/api/v1/recordings".to_owned()),
            ("GET", "/api/v1/recordings/rec-r/audio".to_owned()),
        ] {
            let body = (method == "POST" || method == "PUT").then(|| eval("R", serde_json::json!([5, 4])));
            let a = send(&app, method, &path, &rania, body.unwrap_or(serde_json::json!({}))).await;
            assert_eq!(a.status, 403, "{method} {path} as an agent");
        }
        assert_eq!(app.get("/api/v1/reports/queues", None).await.status, 401);
        // The agent's own view works.
        assert_eq!(app.get("/api/v1/me/evaluations", Some(&rania)).await.json()["items"][0]["call_id"], "R");
    }
}

/// The state log over a real WebSocket: an agent's desk opening, the
/// status chosen and the desk closing each leave a row the agents report
/// counts.
#[tokio::test]
async fn the_desk_writes_the_state_log() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

    let store = common::sqlite().await;
    let clock = gateway::http::Clock::system();
    gateway::demo::seed_demo(&store, clock.now_ms()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = Config::default();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    let task = tokio::spawn(gateway::serve(config, store.clone(), listener, None, clock.clone(), async {
        let _ = stopped.await;
    }));

    let session = |username: &'static str| {
        let store = store.clone();
        async move {
            let user = store.user_by_username(username).await.unwrap().unwrap();
            let t = gateway::auth::token::generate();
            let now = gateway::http::Clock::system().now_ms();
            store
                .create_session(&gateway::auth::token::hash(&t).unwrap(), user.id, now, now + 3_600_000)
                .await
                .unwrap();
            (t, user.id)
        }
    };
    let (token, rania) = session("rania").await;
    let mut req = format!("ws://{addr}/api/v1/ws").into_client_request().unwrap();
    req.headers_mut().insert("cookie", format!("cc_session={token}").parse().unwrap());
    req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("upgrade");
    let msg = shared::ws::ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: Some("lunch".into()) };
    ws.send(tungstenite::Message::Text(serde_json::to_string(&msg).unwrap().into())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws.close(None).await.unwrap();
    drop(ws);

    let (sara, _) = session("sara").await;
    let http = format!("http://{addr}");
    let mut figures = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let body = get(&http, "/api/v1/reports/agents", &sara).await;
        let r: Report = serde_json::from_str(&body).unwrap();
        if let Some(row) = r.rows.iter().find(|x| x.key == rania.to_string())
            && row.figures.not_ready_by_reason.iter().any(|x| x.reason == "lunch")
            && row.figures.logins == 1
        {
            figures = Some(row.figures.clone());
            // Closed: logged-in time no longer grows.
            let again: Report = serde_json::from_str(&get(&http, "/api/v1/reports/agents", &sara).await).unwrap();
            let later = &again.rows.iter().find(|x| x.key == rania.to_string()).unwrap().figures;
            if later.logged_in_ms == row.figures.logged_in_ms {
                break;
            }
        }
    }
    let f = figures.expect("the desk's states are in the report within 5 s");
    assert!(f.logged_in_ms > 0 && f.not_ready_ms <= f.logged_in_ms, "{f:?}");
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

/// A GET over plain HTTP/1.1 with the session cookie; the body.
async fn get(base: &str, path: &str, token: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: cc_session={token}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await.unwrap().unwrap();
    let text = String::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        // One or more chunks: size line, data, CRLF.
        let mut rest = body;
        let mut data = String::new();
        loop {
            let (size, tail) = rest.split_once("\r\n").unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            data.push_str(&tail[..n]);
            rest = &tail[n + 2..];
        }
        data
    } else {
        body.to_owned()
    }
}

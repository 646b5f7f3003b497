//! The durable records: interaction records with their legs and timeline,
//! callbacks and voicemails — the store on both databases, and the REST
//! routes with each role.

mod common;

use std::collections::BTreeMap;

use gateway::config::Config;
use gateway::store::{
    CallbackRequest, Cursor, InteractionFilter, InteractionPatch, LegPatch, NewCustomer, NewInteraction, NewLeg,
    NewUser, NewVoicemail, Store, StoreError, WrapUp,
};
use serde_json::json;
use shared::Role;
use shared::records::{
    self, CallbackResult, CallbackState, Disposition, EndedBy, Initiation, LegKind, MailboxKind, VoicemailPatch,
    VoicemailStatus,
};

/// 2023-11-14T22:13:20Z
const T0: i64 = 1_700_000_000_000;

fn call(id: &str, initiation: Initiation, started_at: i64) -> NewInteraction {
    NewInteraction::new(id, initiation, started_at)
}

/// A store at a URL of its own on each database, so that a test can open it
/// a second time (a restart).
async fn urls() -> Vec<(&'static str, String)> {
    let dir = std::env::temp_dir().join(format!("cc-records-{}-{}", std::process::id(), rand::random::<u64>()));
    let mut out = vec![("sqlite", format!("sqlite://{}/cc.db", dir.display()))];
    if let Ok(admin) = std::env::var("CC_TEST_POSTGRES_URL") {
        let name = format!("cc_test_{}", rand::random::<u64>());
        let a = Store::connect(&admin, 1).await.unwrap();
        a.execute_admin(&format!("CREATE DATABASE {name}")).await.unwrap();
        a.close().await;
        let (base, _) = admin.rsplit_once('/').expect("CC_TEST_POSTGRES_URL names a database");
        out.push(("postgres", format!("{base}/{name}")));
    }
    out
}

/// `n` agents and `n` customers: records name real ones.
async fn people(store: &Store, n: usize) -> (Vec<i64>, Vec<i64>) {
    let (mut agents, mut customers) = (Vec::new(), Vec::new());
    for i in 0..n {
        let username = format!("agent{i}");
        let u =
            NewUser { username: &username, display_name: "A", role: Role::Agent, password_hash: "h", language: "en" };
        agents.push(store.create_user(&u, 0).await.unwrap());
        let code = format!("{}", 9000 + i);
        let c = NewCustomer { code: &code, name: "C", phone: None, language: "en", vip: false };
        customers.push(store.create_customer(&c, 0).await.unwrap());
    }
    (agents, customers)
}

async fn open(url: &str) -> Store {
    let s = Store::connect(url, 4).await.unwrap();
    s.migrate().await.unwrap();
    s
}

// ---------------------------------------------------------------------------
// Interactions in the store
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_interaction_is_started_updated_and_read_back_with_its_timeline() {
    for (db, store) in common::stores().await {
        let (a, c) = people(&store, 2).await;
        let start = NewInteraction {
            caller: Some("+966501234567".into()),
            callee: Some("+97143000000".into()),
            trunk: Some("carrier".into()),
            ..call("c-1", Initiation::Inbound, T0)
        };
        store.interaction_start(&start).await.unwrap();
        assert!(
            matches!(store.interaction_start(&start).await, Err(StoreError::Conflict("interaction"))),
            "{db}: one record per call"
        );
        assert!(store.interaction_event("c-1", T0, records::CALL_STARTED, None).await.unwrap().is_some());

        // The IVR, then the queue, then an agent; the writer sends only what changed.
        let path = vec!["welcome".to_owned(), "menu".to_owned()];
        let vars: BTreeMap<_, _> = [("language".to_owned(), "ar".to_owned())].into();
        let p = InteractionPatch {
            ivr_ended_at: Some(T0 + 8_000),
            ivr_path: Some(path.clone()),
            ivr_vars: Some(vars.clone()),
            customer_id: Some(c[0]),
            ..Default::default()
        };
        assert!(store.interaction_update("c-1", &p, T0 + 8_000).await.unwrap(), "{db}");
        let p = InteractionPatch { queue: Some("support".into()), enqueued_at: Some(T0 + 8_000), ..Default::default() };
        assert!(store.interaction_update("c-1", &p, T0 + 8_000).await.unwrap());
        store
            .interaction_event("c-1", T0 + 8_000, records::QUEUE_ENTERED, Some(&json!({"queue": "support"})))
            .await
            .unwrap();
        let leg = NewLeg {
            leg: "caller".into(),
            kind: LegKind::Caller,
            agent_id: None,
            number: Some("+966501234567".into()),
            started_at: T0,
        };
        assert!(store.interaction_leg_start("c-1", &leg).await.unwrap());
        assert!(matches!(store.interaction_leg_start("c-1", &leg).await, Err(StoreError::Conflict("leg"))), "{db}");
        let agent_leg = NewLeg {
            leg: "agent-1".into(),
            kind: LegKind::Agent,
            agent_id: Some(a[0]),
            number: None,
            started_at: T0 + 20_000,
        };
        assert!(store.interaction_leg_start("c-1", &agent_leg).await.unwrap());
        let p = InteractionPatch {
            answered_at: Some(T0 + 20_000),
            dequeued_at: Some(T0 + 20_000),
            agent_id: Some(a[0]),
            codecs: Some("PCMU".into()),
            ..Default::default()
        };
        assert!(store.interaction_update("c-1", &p, T0 + 20_000).await.unwrap());
        store
            .interaction_event("c-1", T0 + 20_000, records::CALL_ANSWERED, Some(&json!({"agent_id": 3})))
            .await
            .unwrap();
        // Two holds, counted as they come.
        for (at, ms) in [(T0 + 30_000, 5_000), (T0 + 50_000, 7_000)] {
            let held = InteractionPatch { holds_added: Some(1), ..Default::default() };
            store.interaction_update("c-1", &held, at).await.unwrap();
            store.interaction_event("c-1", at, records::CALL_HELD, None).await.unwrap();
            let resumed = InteractionPatch { hold_ms_added: Some(ms), ..Default::default() };
            store.interaction_update("c-1", &resumed, at + ms).await.unwrap();
            store.interaction_event("c-1", at + ms, records::CALL_RESUMED, None).await.unwrap();
        }
        let p = InteractionPatch {
            ended_at: Some(T0 + 80_000),
            disposition: Some(Disposition::Answered),
            ended_by: Some(EndedBy::Caller),
            sip_status: Some(200),
            q850: Some(16),
            recording: Some("c-1.wav".into()),
            ..Default::default()
        };
        assert!(store.interaction_update("c-1", &p, T0 + 80_000).await.unwrap());
        let lp = LegPatch { ended_at: Some(T0 + 80_000), ended_by: Some(EndedBy::Caller), ..Default::default() };
        assert!(store.interaction_leg_update("c-1", "caller", &lp).await.unwrap());
        assert!(!store.interaction_leg_update("c-1", "nobody", &lp).await.unwrap(), "{db}: no such leg");
        store.interaction_event("c-1", T0 + 80_000, records::CALL_ENDED, Some(&json!({"by": "caller"}))).await.unwrap();

        let d = store.interaction("c-1").await.unwrap().expect("the record");
        let r = &d.interaction;
        assert_eq!(r.call_id, "c-1");
        assert_eq!(r.initiation, Initiation::Inbound);
        assert_eq!(r.caller.as_deref(), Some("+966501234567"), "{db}: fields not in a patch stay");
        assert_eq!(r.callee.as_deref(), Some("+97143000000"));
        assert_eq!(r.trunk.as_deref(), Some("carrier"));
        assert_eq!((r.customer_id, r.queue.as_deref(), r.agent_id), (Some(c[0]), Some("support"), Some(a[0])), "{db}");
        assert_eq!(r.started_at, "2023-11-14T22:13:20Z");
        assert_eq!(r.ivr_ended_at.as_deref(), Some("2023-11-14T22:13:28Z"));
        assert_eq!(r.enqueued_at.as_deref(), Some("2023-11-14T22:13:28Z"));
        assert_eq!(r.answered_at.as_deref(), Some("2023-11-14T22:13:40Z"));
        assert_eq!(r.dequeued_at.as_deref(), Some("2023-11-14T22:13:40Z"));
        assert_eq!(r.ended_at.as_deref(), Some("2023-11-14T22:14:40Z"));
        assert_eq!((r.duration_ms, r.billsec_ms), (Some(80_000), Some(60_000)), "{db}: duration and billsec");
        assert_eq!((r.hold_count, r.hold_ms), (2, 12_000), "{db}: holds add up");
        assert_eq!((r.disposition, r.ended_by), (Some(Disposition::Answered), Some(EndedBy::Caller)));
        assert_eq!((r.sip_status, r.q850), (Some(200), Some(16)));
        assert_eq!((r.codecs.as_deref(), r.recording.as_deref()), (Some("PCMU"), Some("c-1.wav")));
        assert_eq!((&r.ivr_path, &r.ivr_vars), (&path, &vars), "{db}");
        assert_eq!(r.disposition_code, None);

        let kinds: Vec<_> = d.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "call.started",
                "queue.entered",
                "call.answered",
                "call.held",
                "call.resumed",
                "call.held",
                "call.resumed",
                "call.ended"
            ],
            "{db}: the timeline in order"
        );
        assert_eq!(d.events[1].at, "2023-11-14T22:13:28Z");
        assert_eq!(
            d.events[1].data,
            Some(records::EventData::Map([("queue".to_owned(), records::EventData::Text("support".into()))].into()))
        );
        assert_eq!(d.legs.len(), 2, "{db}");
        assert_eq!((d.legs[0].leg.as_str(), d.legs[0].kind), ("caller", LegKind::Caller));
        assert_eq!(d.legs[0].ended_at.as_deref(), Some("2023-11-14T22:14:40Z"));
        assert_eq!((d.legs[1].agent_id, d.legs[1].ended_at.as_deref()), (Some(a[0]), None));
        assert!(store.interaction_involves("c-1", a[0]).await.unwrap());
        assert!(!store.interaction_involves("c-1", a[1]).await.unwrap());

        // Unknown calls change nothing.
        assert!(!store.interaction_update("nope", &InteractionPatch::default(), T0).await.unwrap());
        assert_eq!(store.interaction_event("nope", T0, records::CALL_ENDED, None).await.unwrap(), None, "{db}");
        assert!(!store.interaction_leg_start("nope", &leg).await.unwrap());
        assert!(store.interaction("nope").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_transferred_call_keeps_its_first_wait_and_answer() {
    for (db, store) in common::stores().await {
        let (a, _) = people(&store, 2).await;
        store.interaction_start(&call("t-1", Initiation::Inbound, T0)).await.unwrap();
        let queued =
            |at| InteractionPatch { queue: Some("support".into()), enqueued_at: Some(at), ..Default::default() };
        let answered = |at, agent| InteractionPatch {
            answered_at: Some(at),
            dequeued_at: Some(at),
            agent_id: Some(agent),
            ..Default::default()
        };
        // Waits 5 s, talks with the first agent, is sent to the queue again
        // and answered by the second, then hangs up.
        store.interaction_update("t-1", &queued(T0 + 5_000), T0 + 5_000).await.unwrap();
        store.interaction_update("t-1", &answered(T0 + 10_000, a[0]), T0 + 10_000).await.unwrap();
        store.interaction_update("t-1", &queued(T0 + 40_000), T0 + 40_000).await.unwrap();
        store.interaction_update("t-1", &answered(T0 + 50_000, a[1]), T0 + 50_000).await.unwrap();
        let end = InteractionPatch { ended_at: Some(T0 + 70_000), ..Default::default() };
        store.interaction_update("t-1", &end, T0 + 70_000).await.unwrap();

        let r = store.interaction("t-1").await.unwrap().expect("the record").interaction;
        assert_eq!(r.enqueued_at.as_deref(), Some("2023-11-14T22:13:25Z"), "{db}: the first wait began");
        assert_eq!(r.answered_at.as_deref(), Some("2023-11-14T22:13:30Z"), "{db}: the first answer");
        assert_eq!(r.dequeued_at.as_deref(), Some("2023-11-14T22:13:30Z"), "{db}");
        assert_eq!(r.agent_id, Some(a[1]), "{db}: the agent who has the call last");
        assert_eq!((r.duration_ms, r.billsec_ms), (Some(70_000), Some(60_000)), "{db}: billed from the first answer");
    }
}

#[tokio::test]
async fn calls_ending_in_the_ivr_or_the_queue_have_records_too() {
    for (db, store) in common::stores().await {
        store.interaction_start(&call("ivr", Initiation::Inbound, T0)).await.unwrap();
        let p = InteractionPatch {
            ended_at: Some(T0 + 12_000),
            disposition: Some(Disposition::IvrHangUp),
            ended_by: Some(EndedBy::Caller),
            ..Default::default()
        };
        store.interaction_update("ivr", &p, T0 + 12_000).await.unwrap();
        let r = store.interaction_record("ivr").await.unwrap().unwrap();
        assert_eq!((r.duration_ms, r.billsec_ms, r.answered_at), (Some(12_000), Some(0), None), "{db}");

        store.interaction_start(&call("gone", Initiation::Inbound, T0)).await.unwrap();
        let p = InteractionPatch { queue: Some("sales".into()), enqueued_at: Some(T0 + 1_000), ..Default::default() };
        store.interaction_update("gone", &p, T0).await.unwrap();
        let p = InteractionPatch {
            dequeued_at: Some(T0 + 61_000),
            ended_at: Some(T0 + 61_000),
            disposition: Some(Disposition::Abandoned),
            ..Default::default()
        };
        store.interaction_update("gone", &p, T0).await.unwrap();
        let r = store.interaction_record("gone").await.unwrap().unwrap();
        assert_eq!((r.disposition, r.queue.as_deref()), (Some(Disposition::Abandoned), Some("sales")), "{db}");
        assert_eq!((r.duration_ms, r.billsec_ms), (Some(61_000), Some(0)));
        let f = InteractionFilter { disposition: Some(Disposition::Abandoned), ..Default::default() };
        let page = store.interactions(&f, None, 10).await.unwrap();
        assert_eq!(page.items.iter().map(|i| i.call_id.as_str()).collect::<Vec<_>>(), ["gone"], "{db}");
    }
}

#[tokio::test]
async fn interactions_list_by_filter_newest_first_over_pages() {
    for (db, store) in common::stores().await {
        let (a, c) = people(&store, 5).await;
        // 30 calls a minute apart, three of them at the same instant (the
        // cursor must still neither skip nor repeat).
        let queues = ["support", "sales", "billing"];
        for i in 0..30i64 {
            let at = if (10..13).contains(&i) { T0 + 10 * 60_000 } else { T0 + i * 60_000 };
            let n = NewInteraction {
                queue: Some(queues[i as usize % 3].into()),
                agent_id: Some(a[(i % 2) as usize]),
                customer_id: Some(c[(i % 5) as usize]),
                ..call(&format!("call-{i:02}"), if i % 4 == 0 { Initiation::Outbound } else { Initiation::Inbound }, at)
            };
            store.interaction_start(&n).await.unwrap();
            let disposition = if i % 3 == 1 { Disposition::Abandoned } else { Disposition::Answered };
            let p =
                InteractionPatch { disposition: Some(disposition), ended_at: Some(at + 30_000), ..Default::default() };
            store.interaction_update(&format!("call-{i:02}"), &p, at).await.unwrap();
        }
        // Agent 300 only took part by a leg (a transfer's first agent).
        let leg = NewLeg { leg: "a".into(), kind: LegKind::Agent, agent_id: Some(a[2]), number: None, started_at: T0 };
        store.interaction_leg_start("call-05", &leg).await.unwrap();

        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        let mut pages = 0;
        loop {
            let page = store.interactions(&InteractionFilter::default(), cursor, 7).await.unwrap();
            assert!(page.items.len() <= 7);
            seen.extend(page.items.iter().map(|i| (i.started_at.clone(), i.call_id.clone())));
            pages += 1;
            match page.next_cursor {
                Some(c) => cursor = Some(Cursor::decode(&c).expect("a cursor we made")),
                None => break,
            }
        }
        assert_eq!(pages, 5, "{db}: 30 records in pages of 7");
        assert_eq!(seen.len(), 30, "{db}: every record once");
        let mut ids: Vec<_> = seen.iter().map(|s| s.1.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 30, "{db}: no record twice");
        assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "{db}: newest first");
        assert_eq!(seen[0].1, "call-29");

        let list = |f: InteractionFilter| {
            let store = store.clone();
            async move {
                let mut v: Vec<String> =
                    store.interactions(&f, None, 100).await.unwrap().items.into_iter().map(|i| i.call_id).collect();
                v.sort();
                v
            }
        };
        let support = list(InteractionFilter { queue: Some("support".into()), ..Default::default() }).await;
        assert_eq!(support.len(), 10, "{db}");
        assert!(support.iter().all(|c| c[5..].parse::<usize>().unwrap() % 3 == 0));
        assert_eq!(list(InteractionFilter { agent_id: Some(a[1]), ..Default::default() }).await.len(), 15);
        assert_eq!(list(InteractionFilter { agent_id: Some(a[2]), ..Default::default() }).await, ["call-05"], "{db}");
        assert_eq!(
            list(InteractionFilter { disposition: Some(Disposition::Abandoned), ..Default::default() }).await.len(),
            10
        );
        assert_eq!(list(InteractionFilter { customer_id: Some(c[2]), ..Default::default() }).await.len(), 6);
        assert_eq!(
            list(InteractionFilter { initiation: Some(Initiation::Outbound), ..Default::default() }).await.len(),
            8
        );
        let window =
            InteractionFilter { from: Some(T0 + 20 * 60_000), to: Some(T0 + 25 * 60_000), ..Default::default() };
        assert_eq!(list(window).await, ["call-20", "call-21", "call-22", "call-23", "call-24"], "{db}");
        let both = InteractionFilter {
            queue: Some("sales".into()),
            disposition: Some(Disposition::Abandoned),
            agent_id: Some(a[0]),
            ..Default::default()
        };
        // sales: i % 3 == 1, which are all abandoned; agent 100: even i.
        assert_eq!(list(both).await, ["call-04", "call-10", "call-16", "call-22", "call-28"], "{db}");
    }
}

#[tokio::test]
async fn only_the_calls_agent_or_a_supervisor_wraps_it_up() {
    for (db, store) in common::stores().await {
        let (a, _) = people(&store, 3).await;
        let n = NewInteraction { agent_id: Some(a[0]), ..call("w", Initiation::Inbound, T0) };
        store.interaction_start(&n).await.unwrap();
        store
            .interaction_update("w", &InteractionPatch { ended_at: Some(T0 + 60_000), ..Default::default() }, T0)
            .await
            .unwrap();
        let w = store.interaction_wrap_up("w", a[1], false, "sale", None, T0 + 70_000).await.unwrap();
        assert_eq!(w, WrapUp::NotTheAgent, "{db}");
        assert_eq!(store.interaction_wrap_up("x", a[0], false, "sale", None, T0).await.unwrap(), WrapUp::NoSuchCall);
        let w = store.interaction_wrap_up("w", a[0], false, "resolved", Some("reset"), T0 + 75_000).await.unwrap();
        assert_eq!(w, WrapUp::Saved);
        let r = store.interaction_record("w").await.unwrap().unwrap();
        assert_eq!((r.disposition_code.as_deref(), r.notes.as_deref()), (Some("resolved"), Some("reset")), "{db}");
        assert_eq!(r.wrap_up_ms, Some(15_000), "{db}: from the end of the call to the wrap-up");
        assert_eq!(r.wrapped_up_at.as_deref(), Some("2023-11-14T22:14:35Z"));
        // A supervisor corrects it; the wrap-up time stays the first one.
        assert_eq!(
            store.interaction_wrap_up("w", a[2], true, "escalated", None, T0 + 99_000).await.unwrap(),
            WrapUp::Saved
        );
        let r = store.interaction_record("w").await.unwrap().unwrap();
        assert_eq!((r.disposition_code.as_deref(), r.notes, r.wrap_up_ms), (Some("escalated"), None, Some(15_000)));
    }
}

// ---------------------------------------------------------------------------
// Callbacks in the store
// ---------------------------------------------------------------------------

fn callback(queue: &str, number: &str, position_at: i64, due_at: Option<i64>, max_attempts: u32) -> CallbackRequest {
    CallbackRequest {
        queue: queue.into(),
        number: number.into(),
        customer_id: None,
        call_id: Some(format!("orig-{position_at}")),
        requested_at: T0 + 100_000,
        due_at,
        position_at,
        max_attempts,
        created_by: None,
    }
}

#[tokio::test]
async fn callbacks_survive_a_restart_and_retry_until_done() {
    for (db, url) in urls().await {
        let store = open(&url).await;
        let (a, _) = people(&store, 3).await;
        // Asked later but queued earlier: the place kept is the original call's.
        let late =
            store.callback_create(&callback("support", "+989121234567", T0 + 50_000, None, 2), T0).await.unwrap();
        let early =
            store.callback_create(&callback("support", "+966501234567", T0 + 10_000, None, 3), T0).await.unwrap();
        let scheduled = store
            .callback_create(&callback("sales", "+14155550123", T0 + 86_400_000, Some(T0 + 86_400_000), 1), T0)
            .await
            .unwrap();
        let gone = store.callback_create(&callback("sales", "+905321234567", T0 + 20_000, None, 1), T0).await.unwrap();
        assert!(store.callback_cancel(gone, T0 + 1).await.unwrap());
        store.close().await;

        // The gateway restarts.
        let store = open(&url).await;
        let pending = store.callbacks_pending().await.unwrap();
        let ids: Vec<i64> = pending.iter().map(|c| c.id).collect();
        assert_eq!(ids, [early, late, scheduled], "{db}: pending ones, in queue order, cancelled one left out");
        let s = &pending[2];
        assert_eq!(
            (s.state, s.due_at, s.next_attempt_at, s.attempts),
            (CallbackState::Pending, Some(T0 + 86_400_000), Some(T0 + 86_400_000), 0)
        );
        assert_eq!(pending[0].call_id.as_deref(), Some("orig-1700000010000"));
        assert_eq!(pending[0].number, "+966501234567");

        // Busy, retried; then no answer with no attempts left: failed.
        assert!(store.callback_attempt_started(late, Some(a[0]), T0 + 200_000).await.unwrap(), "{db}");
        assert!(
            !store.callback_attempt_started(late, Some(a[1]), T0 + 200_001).await.unwrap(),
            "{db}: dialed once at a time"
        );
        let st =
            store.callback_attempt_result(late, CallbackResult::Busy, Some(T0 + 500_000), T0 + 210_000).await.unwrap();
        assert_eq!(st, Some(CallbackState::Pending), "{db}");
        let c = store.callback(late).await.unwrap().unwrap();
        assert_eq!(
            (c.attempts, c.next_attempt_at, c.last_result, c.agent_id),
            (1, Some(T0 + 500_000), Some(CallbackResult::Busy), Some(a[0])),
            "{db}"
        );
        assert!(store.callback_attempt_started(late, None, T0 + 500_000).await.unwrap());
        // Interrupted by a restart while dialing: still reloaded.
        store.close().await;
        let store = open(&url).await;
        let reloaded = store.callbacks_pending().await.unwrap();
        assert_eq!(reloaded.iter().find(|c| c.id == late).unwrap().state, CallbackState::Dialing, "{db}");
        let st = store
            .callback_attempt_result(late, CallbackResult::NoAnswer, Some(T0 + 900_000), T0 + 530_000)
            .await
            .unwrap();
        assert_eq!(st, Some(CallbackState::Failed), "{db}: two attempts were all it had");
        let c = store.callback(late).await.unwrap().unwrap();
        assert_eq!((c.attempts, c.next_attempt_at, c.agent_id), (2, None, Some(a[0])), "{db}");
        assert!(!store.callback_attempt_started(late, None, T0 + 900_000).await.unwrap(), "{db}: over is over");
        assert_eq!(store.callback_attempt_result(late, CallbackResult::Answered, None, T0).await.unwrap(), None);

        // Answered on the first attempt.
        assert!(store.callback_attempt_started(early, Some(a[2]), T0 + 600_000).await.unwrap());
        let st = store.callback_attempt_result(early, CallbackResult::Answered, None, T0 + 610_000).await.unwrap();
        assert_eq!(st, Some(CallbackState::Completed));
        // A failed attempt without a retry time fails at once.
        assert!(store.callback_attempt_started(scheduled, None, T0 + 86_400_000).await.unwrap());
        let st = store.callback_attempt_result(scheduled, CallbackResult::Failed, None, T0 + 86_400_100).await.unwrap();
        assert_eq!(st, Some(CallbackState::Failed));

        // Cancelling: only while pending.
        assert!(!store.callback_cancel(early, T0).await.unwrap(), "{db}: completed stays completed");
        assert!(!store.callback_cancel(gone, T0).await.unwrap());
        assert!(
            !store.callback_attempt_started(gone, None, T0).await.unwrap(),
            "{db}: a cancelled one is never dialed"
        );
        assert!(store.callbacks_pending().await.unwrap().is_empty(), "{db}");
        let states: Vec<_> =
            store.callbacks(None, None, None, 10).await.unwrap().iter().map(|c| (c.id, c.state)).collect();
        assert_eq!(
            states,
            [
                (gone, CallbackState::Cancelled),
                (scheduled, CallbackState::Failed),
                (early, CallbackState::Completed),
                (late, CallbackState::Failed)
            ],
            "{db}"
        );
        let failed = store.callbacks(Some(CallbackState::Failed), Some("sales"), None, 10).await.unwrap();
        assert_eq!(failed.iter().map(|c| c.id).collect::<Vec<_>>(), [scheduled]);
        store.close().await;
    }
}

// ---------------------------------------------------------------------------
// Over HTTP
// ---------------------------------------------------------------------------

async fn user_id(app: &common::TestApp, username: &str) -> i64 {
    app.state.store.user_by_username(username).await.unwrap().unwrap().id
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: &str, body: serde_json::Value) -> common::Answer {
    app.call(common::request(method, path, Some(token), Some(body))).await
}

#[tokio::test]
async fn agents_see_and_wrap_up_only_their_own_calls() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let (rania, omid) = (user_id(&app, "rania").await, user_id(&app, "omid").await);
        let s = &app.state.store;
        for (id, agent, at) in [("r-1", rania, T0), ("o-1", omid, T0 + 1_000), ("r-2", rania, T0 + 2_000)] {
            s.interaction_start(&NewInteraction {
                agent_id: Some(agent),
                queue: Some("support".into()),
                ..call(id, Initiation::Inbound, at)
            })
            .await
            .unwrap();
            s.interaction_event(id, at, records::CALL_ANSWERED, Some(&json!({ "agent_id": agent }))).await.unwrap();
        }
        // Omid took r-2 first and transferred it to Rania.
        let leg = NewLeg {
            leg: "agent-omid".into(),
            kind: LegKind::Agent,
            agent_id: Some(omid),
            number: None,
            started_at: T0 + 2_000,
        };
        s.interaction_leg_start("r-2", &leg).await.unwrap();

        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;

        let ids = |a: &common::Answer| -> Vec<String> {
            assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
            a.json()["items"].as_array().unwrap().iter().map(|i| i["call_id"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(ids(&app.get("/api/v1/interactions", Some(&rt)).await), ["r-2", "r-1"], "{db}");
        assert_eq!(ids(&app.get("/api/v1/interactions", Some(&ot)).await), ["r-2", "o-1"], "{db}: a leg counts");
        assert_eq!(ids(&app.get("/api/v1/interactions", Some(&st)).await), ["r-2", "o-1", "r-1"], "{db}");
        assert_eq!(ids(&app.get(&format!("/api/v1/interactions?agent_id={rania}"), Some(&st)).await), ["r-2", "r-1"]);
        assert_eq!(ids(&app.get(&format!("/api/v1/interactions?agent_id={rania}"), Some(&rt)).await), ["r-2", "r-1"]);
        let a = app.get(&format!("/api/v1/interactions?agent_id={omid}"), Some(&rt)).await;
        assert_eq!(a.status, 403, "{db}: an agent asking for another's calls");
        assert_eq!(app.get("/api/v1/interactions", None).await.status, 401);
        let a = app.get("/api/v1/interactions?from=2023-11-14T22:13:21Z&to=2023-11-14T23:00:00Z", Some(&st)).await;
        assert_eq!(ids(&a), ["r-2", "o-1"], "{db}: a time window");
        assert_eq!(app.get("/api/v1/interactions?from=yesterday", Some(&st)).await.status, 400);
        assert_eq!(app.get("/api/v1/interactions?cursor=junk", Some(&st)).await.status, 400);
        assert_eq!(app.get("/api/v1/interactions?limit=0", Some(&st)).await.status, 400);
        let a = app.get("/api/v1/interactions?limit=2", Some(&st)).await;
        assert_eq!(ids(&a), ["r-2", "o-1"]);
        let next = a.json()["next_cursor"].as_str().expect("a next page").to_owned();
        let a = app.get(&format!("/api/v1/interactions?limit=2&cursor={next}"), Some(&st)).await;
        assert_eq!(ids(&a), ["r-1"], "{db}");
        assert!(a.json()["next_cursor"].is_null());

        // Each record names its customer and the tickets opened on the call
        // (oldest first), on every page and to every role that sees it.
        let c = s.customer_by_code("1001").await.unwrap().unwrap();
        let linked = InteractionPatch { customer_id: Some(c.id), ..Default::default() };
        assert!(s.interaction_update("r-1", &linked, T0 + 5_000).await.unwrap());
        let mut tickets = Vec::new();
        for (kind, subject, due) in
            [("service", "Replace the router", Some("2023-11-16T09:00:00Z")), ("complaint", "Slow line", None)]
        {
            let t = json!({ "customer_id": c.id, "call_id": "r-1", "kind": kind, "subject": subject, "due_at": due });
            let a = send(&app, "POST", "/api/v1/tickets", &rt, t).await;
            assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
            let t = a.json();
            assert_eq!(t["due_at"].is_null(), due.is_none(), "{db}: {t}");
            tickets.push(json!({
                "id": t["id"], "kind": kind, "subject": subject, "status": "open", "due_at": t["due_at"],
            }));
        }
        // A ticket of the same customer from no call is on no call's record.
        let t = json!({ "customer_id": c.id, "kind": "order", "subject": "New modem" });
        assert_eq!(send(&app, "POST", "/api/v1/tickets", &rt, t).await.status, 201, "{db}");
        let item = |page: &serde_json::Value, id: &str| -> serde_json::Value {
            page["items"].as_array().unwrap().iter().find(|i| i["call_id"] == id).cloned().unwrap_or_default()
        };
        for token in [&st, &rt] {
            let page = app.get("/api/v1/interactions", Some(token)).await.json();
            assert_eq!(item(&page, "r-1")["customer_name"], c.name.as_str(), "{db}: {page}");
            assert_eq!(item(&page, "r-1")["tickets"], json!(tickets), "{db}");
            assert!(item(&page, "r-2")["customer_name"].is_null(), "{db}: no customer");
            assert_eq!(item(&page, "r-2")["tickets"], json!([]), "{db}: no tickets");
        }
        let next = app.get("/api/v1/interactions?limit=2", Some(&st)).await.json()["next_cursor"].clone();
        let last = app.get(&format!("/api/v1/interactions?limit=2&cursor={}", next.as_str().unwrap()), Some(&st)).await;
        assert_eq!(item(&last.json(), "r-1")["tickets"], json!(tickets), "{db}: on a later page too");
        assert_eq!(item(&last.json(), "r-1")["customer_name"], c.name.as_str(), "{db}");

        let a = app.get("/api/v1/interactions/r-1", Some(&rt)).await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(a.json()["interaction"]["agent_id"], rania);
        assert_eq!(a.json()["interaction"]["tickets"], json!(tickets), "{db}: the record has them too");
        assert_eq!(a.json()["interaction"]["customer_name"], c.name.as_str(), "{db}");
        assert_eq!(a.json()["events"][0]["kind"], "call.answered");
        assert_eq!(a.json()["events"][0]["data"]["agent_id"], rania);
        assert_eq!(app.get("/api/v1/interactions/o-1", Some(&rt)).await.status, 403, "{db}: another agent's call");
        assert_eq!(app.get("/api/v1/interactions/r-2", Some(&ot)).await.status, 200, "{db}: the transferring agent");
        assert_eq!(app.get("/api/v1/interactions/o-1", Some(&st)).await.status, 200);
        assert_eq!(app.get("/api/v1/interactions/nope", Some(&st)).await.status, 404);

        let wrap = json!({ "disposition_code": "resolved", "notes": "Router reset." });
        assert_eq!(send(&app, "POST", "/api/v1/interactions/o-1/wrap_up", &rt, wrap.clone()).await.status, 403, "{db}");
        let a = send(&app, "POST", "/api/v1/interactions/r-2/wrap_up", &ot, wrap.clone()).await;
        assert_eq!(a.status, 403, "{db}: a leg lets one read, not wrap up");
        assert_eq!(send(&app, "POST", "/api/v1/interactions/nope/wrap_up", &rt, wrap.clone()).await.status, 404);
        let bad = json!({ "disposition_code": " " });
        assert_eq!(send(&app, "POST", "/api/v1/interactions/r-1/wrap_up", &rt, bad).await.status, 400);
        let unknown = json!({ "disposition_code": "made_up" });
        let a = send(&app, "POST", "/api/v1/interactions/r-1/wrap_up", &rt, unknown).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("disposition_code")), "{db}: not in the list");
        let a = send(&app, "POST", "/api/v1/interactions/r-1/wrap_up", &rt, wrap.clone()).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(
            (a.json()["disposition_code"].as_str(), a.json()["notes"].as_str()),
            (Some("resolved"), Some("Router reset."))
        );
        let d = app.get("/api/v1/interactions/r-1", Some(&rt)).await.json();
        assert_eq!(d["events"][1]["kind"], "call.wrapped_up", "{db}: the wrap-up is in the timeline");
        assert_eq!(d["events"][1]["data"]["by"], rania);
        let a =
            send(&app, "POST", "/api/v1/interactions/o-1/wrap_up", &st, json!({ "disposition_code": "sale" })).await;
        assert_eq!(a.status, 200, "{db}: a supervisor for the agent");
        let r = s.interaction_record("o-1").await.unwrap().unwrap();
        assert_eq!(r.disposition_code.as_deref(), Some("sale"));
        assert_eq!(s.interaction_record("r-2").await.unwrap().unwrap().disposition_code, None, "{db}");
    }
}

#[tokio::test]
async fn callbacks_over_http() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let rania = user_id(&app, "rania").await;

        // Persian digits and spaces become E.164; the place is "now".
        let a =
            send(&app, "POST", "/api/v1/callbacks", &rt, json!({ "queue": "support", "number": "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷" }))
                .await;
        assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
        let mine = a.json();
        assert_eq!(mine["number"], "+989121234567");
        assert_eq!(
            (mine["state"].as_str(), mine["attempts"].as_u64(), mine["max_attempts"].as_u64()),
            (Some("pending"), Some(0), Some(3))
        );
        assert_eq!(mine["created_by"], rania);
        assert!(mine["due_at"].is_null());
        let mine = mine["id"].as_i64().unwrap();

        let now = gateway::store::rfc3339(app.state.clock.now_ms() + 3_600_000);
        let a = send(
            &app,
            "POST",
            "/api/v1/callbacks",
            &st,
            json!({ "queue": "sales", "number": "00966 50 123 4567", "due_at": now, "max_attempts": 2 }),
        )
        .await;
        assert_eq!(a.status, 201, "{db}");
        assert_eq!(
            (a.json()["due_at"].as_str(), a.json()["position_at"].as_str()),
            (Some(now.as_str()), Some(now.as_str()))
        );
        let theirs = a.json()["id"].as_i64().unwrap();

        for (body, what) in [
            (json!({ "queue": "support", "number": "0912 123 4567" }), "a number without its country"),
            (json!({ "queue": "support", "number": "+98 912 abc" }), "letters"),
            (json!({ "queue": "nowhere", "number": "+989121234567" }), "an unknown queue"),
            (json!({ "queue": "support", "number": "+989121234567", "due_at": "2001-01-01T00:00:00Z" }), "the past"),
            (json!({ "queue": "support", "number": "+989121234567", "max_attempts": 0 }), "no attempts"),
            (json!({ "queue": "support", "number": "+989121234567", "customer_id": 999999 }), "an unknown customer"),
        ] {
            let a = send(&app, "POST", "/api/v1/callbacks", &rt, body).await;
            assert_eq!(a.status, 400, "{db}: {what}");
            assert!(!String::from_utf8_lossy(&a.body).contains("912"), "{db}: the answer does not repeat the number");
        }

        assert_eq!(app.get("/api/v1/callbacks", Some(&rt)).await.status, 403, "{db}: agents do not list callbacks");
        let a = app.get("/api/v1/callbacks?state=pending", Some(&st)).await;
        assert_eq!(a.status, 200);
        let ids: Vec<i64> = a.json()["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [theirs, mine], "{db}");
        // More than a page.
        for _ in 0..3 {
            assert_eq!(
                send(&app, "POST", "/api/v1/callbacks", &st, json!({ "queue": "support", "number": "+14155550123" }))
                    .await
                    .status,
                201
            );
        }
        let mut all = Vec::new();
        let mut url = "/api/v1/callbacks?queue=support&limit=2".to_owned();
        loop {
            let page = app.get(&url, Some(&st)).await.json();
            all.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(c) => url = format!("/api/v1/callbacks?queue=support&limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(all.len(), 4, "{db}: {all:?}");
        assert_eq!(*all.last().unwrap(), mine);

        let cancel = |id: i64| format!("/api/v1/callbacks/{id}/cancel");
        assert_eq!(send(&app, "POST", &cancel(theirs), &rt, json!({})).await.status, 403, "{db}: someone else's");
        assert_eq!(send(&app, "POST", &cancel(mine), &ot, json!({})).await.status, 403, "{db}");
        let a = send(&app, "POST", &cancel(mine), &rt, json!({})).await;
        assert_eq!((a.status, a.json()["state"].as_str()), (200, Some("cancelled")), "{db}");
        assert_eq!(send(&app, "POST", &cancel(mine), &rt, json!({})).await.status, 409, "{db}: not pending");
        assert_eq!(send(&app, "POST", &cancel(999_999), &st, json!({})).await.status, 404);
        assert!(app.state.store.callback_attempt_started(theirs, None, T0).await.unwrap());
        assert_eq!(send(&app, "POST", &cancel(theirs), &st, json!({})).await.status, 409, "{db}: being dialed");
        let states: Vec<_> =
            app.state.store.callbacks_pending().await.unwrap().iter().map(|c| (c.id, c.state)).collect();
        assert!(states.contains(&(theirs, CallbackState::Dialing)) && !states.iter().any(|s| s.0 == mine), "{db}");
    }
}

fn voicemail(kind: MailboxKind, mailbox: &str, at: i64, file: &str) -> NewVoicemail {
    NewVoicemail {
        mailbox_kind: kind,
        mailbox: mailbox.into(),
        call_id: Some(format!("vm-call-{at}")),
        caller: Some("+966501234567".into()),
        customer_id: Some(1),
        received_at: at,
        duration_ms: 14_000,
        file: file.into(),
    }
}

#[tokio::test]
async fn voicemails_by_role_assigned_and_followed_up() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let (rania, omid) = (user_id(&app, "rania").await, user_id(&app, "omid").await);
        let s = &app.state.store;
        let queue_vm = s.voicemail_create(&voicemail(MailboxKind::Queue, "support", T0, "q.wav"), T0).await.unwrap();
        let rania_vm = s
            .voicemail_create(&voicemail(MailboxKind::Agent, &rania.to_string(), T0 + 1_000, "r.wav"), T0)
            .await
            .unwrap();
        let omid_vm = s
            .voicemail_create(&voicemail(MailboxKind::Agent, &omid.to_string(), T0 + 2_000, "o.wav"), T0)
            .await
            .unwrap();
        let number_vm =
            s.voicemail_create(&voicemail(MailboxKind::Number, "+97143000000", T0 + 3_000, "n.wav"), T0).await.unwrap();

        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let ids = |a: common::Answer| -> Vec<i64> {
            assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
            a.json()["items"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect()
        };

        assert_eq!(
            ids(app.get("/api/v1/voicemails", Some(&st)).await),
            [number_vm, omid_vm, rania_vm, queue_vm],
            "{db}"
        );
        assert_eq!(
            ids(app.get("/api/v1/voicemails", Some(&rt)).await),
            [rania_vm, queue_vm],
            "{db}: her own mailbox and her queue's, not Omid's nor a number's"
        );
        assert_eq!(ids(app.get("/api/v1/voicemails?mailbox_kind=queue", Some(&st)).await), [queue_vm]);
        let page = app.get("/api/v1/voicemails?limit=3", Some(&st)).await.json();
        let next = page["next_cursor"].as_str().unwrap().to_owned();
        assert_eq!(
            ids(app.get(&format!("/api/v1/voicemails?limit=3&cursor={next}"), Some(&st)).await),
            [queue_vm],
            "{db}"
        );
        let one = app.get(&format!("/api/v1/voicemails/{rania_vm}"), Some(&rt)).await;
        assert_eq!(one.status, 200);
        assert_eq!((one.json()["status"].as_str(), one.json()["mailbox_kind"].as_str()), (Some("new"), Some("agent")));
        assert!(one.json().get("file").is_none(), "{db}: the stored path is not shown");
        assert_eq!(
            app.get(&format!("/api/v1/voicemails/{queue_vm}"), Some(&rt)).await.status,
            200,
            "{db}: her queue's"
        );
        assert_eq!(app.get(&format!("/api/v1/voicemails/{number_vm}"), Some(&rt)).await.status, 403, "{db}");
        assert_eq!(app.get(&format!("/api/v1/voicemails/{omid_vm}"), Some(&rt)).await.status, 403);
        assert_eq!(app.get("/api/v1/voicemails/999999", Some(&st)).await.status, 404);

        let vm = |id: i64| format!("/api/v1/voicemails/{id}");
        // Only supervisors assign.
        let a = send(&app, "PATCH", &vm(rania_vm), &rt, json!({ "assigned_to": rania })).await;
        assert_eq!(a.status, 403, "{db}");
        assert_eq!(send(&app, "PATCH", &vm(queue_vm), &st, json!({ "assigned_to": 999999 })).await.status, 400);
        let a = send(&app, "PATCH", &vm(queue_vm), &st, json!({ "assigned_to": rania })).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!((a.json()["assigned_to"].as_i64(), a.json()["status"].as_str()), (Some(rania), Some("assigned")));
        assert_eq!(ids(app.get("/api/v1/voicemails", Some(&rt)).await), [rania_vm, queue_vm], "{db}: assigned to her");
        assert_eq!(ids(app.get(&format!("/api/v1/voicemails?assigned_to={rania}"), Some(&st)).await), [queue_vm]);

        // The assignee works it; others may not.
        let a = send(
            &app,
            "PATCH",
            &vm(queue_vm),
            &rt,
            json!({ "status": "in_progress", "notes": "Called back, no answer." }),
        )
        .await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(
            (a.json()["status"].as_str(), a.json()["notes"].as_str()),
            (Some("in_progress"), Some("Called back, no answer."))
        );
        assert_eq!(send(&app, "PATCH", &vm(queue_vm), &ot, json!({ "status": "done" })).await.status, 403, "{db}");
        assert_eq!(send(&app, "PATCH", &vm(queue_vm), &rt, json!({ "status": "later" })).await.status, 400);
        // Her own mailbox, unassigned: hers to close.
        let a = send(&app, "PATCH", &vm(rania_vm), &rt, json!({ "status": "done" })).await;
        assert_eq!((a.status, a.json()["status"].as_str()), (200, Some("done")), "{db}");
        // Assigned to Omid, her mailbox's voicemail is his to work, not hers.
        send(&app, "PATCH", &vm(rania_vm), &st, json!({ "assigned_to": omid })).await;
        assert_eq!(send(&app, "PATCH", &vm(rania_vm), &rt, json!({ "notes": "mine" })).await.status, 403, "{db}");
        assert_eq!(send(&app, "PATCH", &vm(rania_vm), &ot, json!({ "notes": "his" })).await.status, 200);
        // Unassigned again: new once more, notes cleared with null.
        let a = send(&app, "PATCH", &vm(queue_vm), &st, json!({ "assigned_to": null, "status": null, "notes": null }))
            .await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!((a.json()["assigned_to"].is_null(), a.json()["notes"].is_null()), (true, true));
        assert_eq!(a.json()["status"], "in_progress", "{db}: an explicit status is kept");
        let row = s.voicemail(queue_vm).await.unwrap().unwrap().voicemail;
        assert_eq!((row.status, row.assigned_to), (VoicemailStatus::InProgress, None));
        let p = VoicemailPatch { assigned_to: Some(Some(omid)), ..Default::default() };
        s.voicemail_update(number_vm, &p, T0).await.unwrap();
        let p = VoicemailPatch { assigned_to: Some(None), ..Default::default() };
        let row = s.voicemail_update(number_vm, &p, T0).await.unwrap().unwrap().voicemail;
        assert_eq!(row.status, VoicemailStatus::New, "{db}: unassigned, an assigned one is new again");
        assert!(s.voicemail_update(999_999, &p, T0).await.unwrap().is_none());
        let audit = s.audit_entries(50).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "voicemail.updated"
                    && e.target.as_deref() == Some(&*format!("voicemail:{queue_vm}")))
        );
    }
}

#[tokio::test]
async fn voicemail_audio_goes_only_to_those_allowed_and_only_from_its_folder() {
    let root = std::env::temp_dir().join(format!("cc-vm-audio-{}-{}", std::process::id(), rand::random::<u64>()));
    let dir = root.join("voicemail");
    std::fs::create_dir_all(dir.join("2023")).unwrap();
    let wav: Vec<u8> =
        b"RIFF\x24\x00\x00\x00WAVEfmt ".iter().copied().chain((0..200u8).map(|b| b.wrapping_mul(7))).collect();
    std::fs::write(dir.join("2023/rania.wav"), &wav).unwrap();
    std::fs::write(root.join("secret.wav"), b"RIFF-not-yours").unwrap();
    let mut config = Config::default();
    config.media.voicemail_dir = dir.clone();

    for (db, store) in common::stores().await {
        let app = common::demo_app(store, config.clone()).await;
        let rania = user_id(&app, "rania").await;
        let s = &app.state.store;
        let own = s
            .voicemail_create(&voicemail(MailboxKind::Agent, &rania.to_string(), T0, "2023/rania.wav"), T0)
            .await
            .unwrap();
        let missing = s
            .voicemail_create(&voicemail(MailboxKind::Agent, &rania.to_string(), T0, "2023/gone.wav"), T0)
            .await
            .unwrap();
        let escape =
            s.voicemail_create(&voicemail(MailboxKind::Queue, "support", T0, "../secret.wav"), T0).await.unwrap();
        let deep = s
            .voicemail_create(&voicemail(MailboxKind::Queue, "support", T0, "2023/../../secret.wav"), T0)
            .await
            .unwrap();
        let abs = root.join("secret.wav").display().to_string();
        let absolute = s.voicemail_create(&voicemail(MailboxKind::Queue, "support", T0, &abs), T0).await.unwrap();

        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let audio = |id: i64| format!("/api/v1/voicemails/{id}/audio");

        let a = app.get(&audio(own), Some(&rt)).await;
        assert_eq!(a.status, 200, "{db}: the mailbox's agent");
        assert_eq!(a.headers["content-type"], "audio/wav");
        assert_eq!(a.body, wav, "{db}: the file as stored");
        let a = app.get(&audio(own), Some(&st)).await;
        assert_eq!((a.status, a.body.len()), (200, wav.len()), "{db}: a supervisor");
        assert_eq!(app.get(&audio(own), Some(&ot)).await.status, 403, "{db}: another agent");
        assert_eq!(app.get(&audio(own), None).await.status, 401);
        assert_eq!(app.get(&audio(999_999), Some(&st)).await.status, 404);
        assert_eq!(app.get(&audio(missing), Some(&rt)).await.status, 404, "{db}: the file is gone");
        for id in [escape, deep, absolute] {
            let a = app.get(&audio(id), Some(&st)).await;
            assert_eq!(a.status, 404, "{db}: a path out of the folder is never served");
            assert!(!String::from_utf8_lossy(&a.body).contains("not-yours"));
        }
        // The browser's player asks for ranges.
        let mut req = common::request("GET", &audio(own), Some(&rt), None);
        req.headers_mut().insert("range", "bytes=4-11".parse().unwrap());
        let a = app.call(req).await;
        assert_eq!((a.status, &a.body[..]), (206, &wav[4..12]), "{db}");
        let audit = s.audit_entries(50).await.unwrap();
        let played = audit.iter().filter(|e| e.action == "voicemail.played").count();
        assert!(played >= 3, "{db}: every play is audited ({played})");
        assert!(audit.iter().any(|e| e.action == "voicemail.played" && e.actor_id == Some(rania)));
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn every_new_route_is_in_the_openapi_document() {
    let doc = serde_json::to_value(gateway::http::api().1).unwrap();
    for (path, method) in [
        ("/api/v1/interactions", "get"),
        ("/api/v1/interactions/{call_id}", "get"),
        ("/api/v1/interactions/{call_id}/wrap_up", "post"),
        ("/api/v1/callbacks", "get"),
        ("/api/v1/callbacks", "post"),
        ("/api/v1/callbacks/{id}/cancel", "post"),
        ("/api/v1/voicemails", "get"),
        ("/api/v1/voicemails/{id}", "get"),
        ("/api/v1/voicemails/{id}", "patch"),
        ("/api/v1/voicemails/{id}/audio", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(op["security"][0]["session"].as_array().is_some_and(|r| !r.is_empty()), "{method} {path}: roles");
    }
    for schema in [
        "Interaction",
        "InteractionDetail",
        "InteractionPage",
        "Callback",
        "NewCallback",
        "Voicemail",
        "VoicemailPatch",
        "TicketBrief",
    ] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} missing");
    }
    // The list's records say whose call it was and what tickets it opened.
    let props = &doc["components"]["schemas"]["Interaction"]["properties"];
    assert!(props["customer_name"].is_object(), "{props}");
    assert!(props["tickets"]["items"]["$ref"].as_str().is_some_and(|r| r.ends_with("/TicketBrief")), "{props}");
}

#[tokio::test]
async fn the_code_lists_are_read_by_all_and_replaced_by_admins() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let rt = app.token("rania", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let at = app.token("admin", "demo-admin", "supervisor").await;
        let codes = |a: &common::Answer| -> Vec<String> {
            assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
            a.json().as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_owned()).collect()
        };
        let reasons = codes(&app.get("/api/v1/reason-codes", Some(&rt)).await);
        assert_eq!(reasons, ["break", "lunch", "meeting", "training", "back_office"], "{db}: the defaults, in order");
        assert!(codes(&app.get("/api/v1/dispositions", Some(&rt)).await).contains(&"resolved".to_owned()));
        assert_eq!(app.get("/api/v1/dispositions", None).await.status, 401);

        let list =
            json!([{ "code": "sale", "label": "Sale" }, { "code": "callback_promised", "label": "Callback promised" }]);
        assert_eq!(send(&app, "PUT", "/api/v1/dispositions", &st, list.clone()).await.status, 403, "{db}: admins only");
        assert_eq!(send(&app, "PUT", "/api/v1/dispositions", &rt, list.clone()).await.status, 403);
        let a = send(&app, "PUT", "/api/v1/dispositions", &at, list.clone()).await;
        assert_eq!(codes(&a), ["sale", "callback_promised"], "{db}");
        assert_eq!(codes(&app.get("/api/v1/dispositions", Some(&rt)).await), ["sale", "callback_promised"]);

        let a = send(&app, "PUT", "/api/v1/dispositions", &at, json!([])).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("codes")), "{db}: wrap-ups need one");
        assert_eq!(
            send(&app, "PUT", "/api/v1/reason-codes", &at, json!([])).await.status,
            200,
            "{db}: no reasons is fine"
        );
        let defaults = json!([
            { "code": "break", "label": "Break" }, { "code": "lunch", "label": "Lunch" },
            { "code": "meeting", "label": "Meeting" }, { "code": "training", "label": "Training" },
            { "code": "back_office", "label": "Back-office work" }
        ]);
        assert_eq!(send(&app, "PUT", "/api/v1/reason-codes", &at, defaults).await.status, 200);
        let twice = json!([{ "code": "a", "label": "A" }, { "code": "a", "label": "B" }]);
        let a = send(&app, "PUT", "/api/v1/reason-codes", &at, twice).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("codes[1].code")), "{db}");
        let a = send(&app, "PUT", "/api/v1/reason-codes", &at, json!([{ "code": "Lunch Time", "label": "x" }])).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("codes[0].code")));
        let a =
            send(&app, "PUT", "/api/v1/reason-codes", &at, json!([{ "code": "x", "label": "x", "extra": 1 }])).await;
        assert_eq!(a.status, 400, "{db}: unknown members are refused");
        assert_eq!(codes(&app.get("/api/v1/reason-codes", Some(&rt)).await).len(), 5, "{db}: nothing changed");
    }
}

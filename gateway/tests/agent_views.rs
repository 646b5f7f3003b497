//! The agent's own views: "my dashboard" (the day's figures), "my
//! callbacks", the voicemail inbox, and the demo's desk data — on both
//! databases, over HTTP with each role. Expected figures are computed here
//! from the rows the test writes, not read back from the store.

mod common;

use gateway::config::Config;
use gateway::store::{CallbackRequest, InteractionPatch, NewInteraction, NewVoicemail, Store};
use serde_json::json;
use shared::records::{self, CallbackResult, Disposition, Initiation, MailboxKind};

/// 2023-11-14T00:00:00Z: the day the figures are asked for.
const DAY: i64 = 1_699_920_000_000;
const HOUR: i64 = 3_600_000;

async fn user_id(app: &common::TestApp, username: &str) -> i64 {
    app.state.store.user_by_username(username).await.unwrap().unwrap().id
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: &str, body: serde_json::Value) -> common::Answer {
    app.call(common::request(method, path, Some(token), Some(body))).await
}

/// One call as the test writes it.
#[derive(Debug, Clone)]
struct Call {
    id: &'static str,
    agent: Option<i64>,
    answered: Option<i64>,
    ended: Option<i64>,
    hold_ms: i64,
    wrap_ms: Option<i64>,
    survey: Option<i64>,
}

impl Call {
    fn started(&self) -> i64 {
        self.answered.unwrap_or(DAY + 12 * HOUR) - 15_000
    }
}

async fn write(store: &Store, c: &Call) {
    let n =
        NewInteraction { queue: Some("support".into()), ..NewInteraction::new(c.id, Initiation::Inbound, c.started()) };
    store.interaction_start(&n).await.unwrap();
    let p = InteractionPatch {
        agent_id: c.agent,
        answered_at: c.answered,
        ended_at: c.ended,
        hold_ms: Some(c.hold_ms),
        wrap_up_ms: c.wrap_ms,
        survey_score: c.survey,
        disposition: Some(if c.answered.is_some() { Disposition::Answered } else { Disposition::Abandoned }),
        ..Default::default()
    };
    assert!(store.interaction_update(c.id, &p, c.ended.unwrap_or(c.started())).await.unwrap());
}

/// What the dashboard should say for `agent` over `[from, to)`, from the
/// rows themselves: (calls, talk, hold, wrap-up, average handle, surveys,
/// survey sum).
fn expected(calls: &[Call], agent: i64, from: i64, to: i64) -> (i64, i64, i64, i64, Option<i64>, i64, i64) {
    let mine: Vec<&Call> = calls
        .iter()
        .filter(|c| c.agent == Some(agent) && c.ended.is_some() && c.answered.is_some_and(|a| a >= from && a < to))
        .collect();
    let n = mine.len() as i64;
    let talk: i64 = mine.iter().map(|c| c.ended.unwrap() - c.answered.unwrap() - c.hold_ms).sum();
    let hold: i64 = mine.iter().map(|c| c.hold_ms).sum();
    let wrap: i64 = mine.iter().map(|c| c.wrap_ms.unwrap_or(0)).sum();
    let surveys: Vec<i64> = mine.iter().filter_map(|c| c.survey).collect();
    let aht = (n > 0).then(|| ((talk + hold + wrap) as f64 / n as f64).round() as i64);
    (n, talk, hold, wrap, aht, surveys.len() as i64, surveys.iter().sum())
}

fn assert_figures(d: &serde_json::Value, want: (i64, i64, i64, i64, Option<i64>, i64, i64), missed: i64, what: &str) {
    let (calls, talk, hold, wrap, aht, surveys, survey_sum) = want;
    assert_eq!(d["calls"], calls, "{what}: calls in {d}");
    assert_eq!(d["talk_ms"], talk, "{what}: talk time");
    assert_eq!(d["hold_ms"], hold, "{what}: hold");
    assert_eq!(d["wrap_up_ms"], wrap, "{what}: wrap-up");
    assert_eq!(d["average_handle_ms"].as_i64(), aht, "{what}: average handle time");
    assert_eq!(d["missed_offers"], missed, "{what}: missed offers");
    assert_eq!(d["surveys"], surveys, "{what}: survey answers");
    if surveys > 0 {
        let avg = d["survey_average"].as_f64().unwrap();
        assert!((avg - survey_sum as f64 / surveys as f64).abs() < 1e-9, "{what}: survey average {avg}");
    } else {
        assert!(d["survey_average"].is_null(), "{what}");
    }
}

#[tokio::test]
async fn the_dashboard_counts_the_agents_own_day() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let s = &app.state.store;
        let (rania, omid) = (user_id(&app, "rania").await, user_id(&app, "omid").await);
        let at = |h: i64, m: i64| DAY + h * HOUR + m * 60_000;
        let call = |id, agent, answered: i64, talk_s: i64, hold_s: i64, wrap_s: Option<i64>, survey| Call {
            id,
            agent: Some(agent),
            answered: Some(answered),
            ended: Some(answered + (talk_s + hold_s) * 1000),
            hold_ms: hold_s * 1000,
            wrap_ms: wrap_s.map(|w| w * 1000),
            survey,
        };
        let calls = vec![
            call("r-1", rania, at(9, 0), 240, 30, Some(45), Some(5)),
            call("r-2", rania, at(13, 20), 125, 0, None, Some(2)),
            call("r-3", rania, at(17, 5), 61, 12, Some(20), None),
            // The evening before in UTC (and the 14th in Tehran).
            call("r-eve", rania, DAY - 10_000, 100, 0, Some(10), Some(4)),
            // Answered at the next day's first instant: not this day's.
            call("r-next", rania, DAY + 24 * HOUR, 50, 0, None, Some(1)),
            // Still going: not counted until it ends.
            Call { ended: None, ..call("r-live", rania, at(20, 0), 0, 0, None, None) },
            // Never answered (abandoned in the queue).
            Call {
                agent: None,
                answered: None,
                ended: Some(at(10, 0)),
                ..call("q-lost", rania, at(10, 0), 0, 0, None, None)
            },
            call("o-1", omid, at(11, 0), 300, 60, Some(30), Some(1)),
            call("o-2", omid, at(15, 0), 90, 0, Some(15), None),
        ];
        for c in &calls {
            write(s, c).await;
        }
        // Offers: Rania let two expire this day (one named as a string), one
        // the evening before; she declined one; Omid let one expire.
        let offers = [
            ("o-1", at(10, 59), records::OFFER_EXPIRED, json!({ "agent": rania })),
            ("o-2", at(14, 59), records::OFFER_EXPIRED, json!({ "agent": rania.to_string(), "queue": "support" })),
            ("r-eve", DAY - 30_000, records::OFFER_EXPIRED, json!({ "agent": rania })),
            ("o-2", at(14, 58), records::OFFER_DECLINED, json!({ "agent": rania })),
            ("r-2", at(13, 19), records::OFFER_EXPIRED, json!({ "agent": omid })),
            ("r-2", at(13, 19), records::OFFER_CREATED, json!({ "agent": rania })),
        ];
        for (call_id, when, kind, data) in &offers {
            s.interaction_event(call_id, *when, kind, Some(data)).await.unwrap();
        }
        let missed = |agent: i64, from: i64, to: i64| -> i64 {
            offers
                .iter()
                .filter(|(_, when, kind, data)| {
                    *kind == records::OFFER_EXPIRED
                        && *when >= from
                        && *when < to
                        && (data["agent"] == agent || data["agent"].as_str() == Some(agent.to_string().as_str()))
                })
                .count() as i64
        };

        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let at_ = app.token("admin", "demo-admin", "supervisor").await;

        let (from, to) = (DAY, DAY + 24 * HOUR);
        let a = app.get("/api/v1/me/dashboard?day=2023-11-14", Some(&rt)).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        let d = a.json();
        assert_eq!(
            (d["day"].as_str(), d["tz"].as_str(), d["from"].as_str(), d["to"].as_str()),
            (Some("2023-11-14"), Some("UTC"), Some("2023-11-14T00:00:00Z"), Some("2023-11-15T00:00:00Z")),
            "{db}"
        );
        assert_figures(&d, expected(&calls, rania, from, to), missed(rania, from, to), &format!("{db}: Rania"));
        assert_eq!(d["calls"], 3, "{db}: the three of her day, no more");
        assert_eq!(d["missed_offers"], 2, "{db}");

        let d = app.get("/api/v1/me/dashboard?day=2023-11-14", Some(&ot)).await.json();
        assert_figures(&d, expected(&calls, omid, from, to), missed(omid, from, to), &format!("{db}: Omid"));

        // In Tehran (UTC+3:30) the day starts at 20:30 UTC the evening before.
        let (tf, tt) = (DAY - 12_600_000, DAY + 24 * HOUR - 12_600_000);
        let a = app.get("/api/v1/me/dashboard?day=2023-11-14&tz=Asia/Tehran", Some(&rt)).await;
        assert_eq!(a.status, 200, "{db}");
        let d = a.json();
        assert_eq!((d["from"].as_str(), d["tz"].as_str()), (Some("2023-11-13T20:30:00Z"), Some("Asia/Tehran")));
        assert_figures(&d, expected(&calls, rania, tf, tt), missed(rania, tf, tt), &format!("{db}: Rania in Tehran"));
        assert_eq!(d["calls"], 4, "{db}: the evening call is the 14th in Tehran");

        // Someone who took no calls: zeros, and no averages.
        for token in [&st, &at_] {
            let a = app.get("/api/v1/me/dashboard?day=2023-11-14", Some(token)).await;
            assert_eq!(a.status, 200, "{db}: supervisors and admins have their own figures");
            assert_figures(&a.json(), (0, 0, 0, 0, None, 0, 0), 0, &format!("{db}: nobody's calls"));
        }

        // Without a day: today, by the gateway's clock, in UTC.
        let now = app.state.clock.now_ms();
        let today = now - now.rem_euclid(24 * HOUR);
        let live = call("r-now", rania, now, 30, 0, Some(5), Some(3));
        write(s, &live).await;
        let all: Vec<Call> = calls.iter().cloned().chain([live]).collect();
        let d = app.get("/api/v1/me/dashboard", Some(&rt)).await.json();
        assert_eq!(d["from"].as_str(), Some(gateway::store::rfc3339(today).as_str()), "{db}: today");
        assert_figures(&d, expected(&all, rania, today, today + 24 * HOUR), 0, &format!("{db}: today"));
        assert_eq!(d["calls"], 1, "{db}");

        // Bad days and zones are the caller's error, as problem+json; and no
        // parameter names another user.
        for bad in
            ["day=2023-13-01", "day=2023-02-29", "day=yesterday", "day=2023-1-5", "day=", "tz=Mars/Base", "agent_id=1"]
        {
            let a = app.get(&format!("/api/v1/me/dashboard?{bad}"), Some(&rt)).await;
            assert_eq!(a.status, 400, "{db}: {bad}");
            assert_eq!(a.headers["content-type"], "application/problem+json", "{db}: {bad}");
            assert_eq!(a.json()["code"], "bad_request", "{db}: {bad}");
        }
        assert_eq!(app.get("/api/v1/me/dashboard", None).await.status, 401, "{db}");
    }
}

#[tokio::test]
async fn my_callbacks_are_my_queues_and_my_own() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let s = &app.state.store;
        let (rania, omid, elif, sara) = (
            user_id(&app, "rania").await,
            user_id(&app, "omid").await,
            user_id(&app, "elif").await,
            user_id(&app, "sara").await,
        );
        let now = app.state.clock.now_ms();
        // Rania serves support only; Elif serves support and sales.
        struct Cb {
            name: &'static str,
            queue: &'static str,
            by: Option<i64>,
            due_in: i64,
        }
        let rows = [
            Cb { name: "support-asked", queue: "support", by: None, due_in: 0 },
            Cb { name: "support-by-sara", queue: "support", by: Some(sara), due_in: 2 * HOUR },
            Cb { name: "sales-by-elif", queue: "sales", by: Some(elif), due_in: HOUR },
            Cb { name: "sales-by-rania", queue: "sales", by: Some(rania), due_in: 3 * HOUR },
            Cb { name: "support-soon", queue: "support", by: None, due_in: HOUR / 2 },
            Cb { name: "support-done", queue: "support", by: None, due_in: 0 },
            Cb { name: "support-cancelled", queue: "support", by: Some(omid), due_in: 0 },
            Cb { name: "sales-dialing", queue: "sales", by: None, due_in: 0 },
            Cb { name: "sales-done-by-rania", queue: "sales", by: None, due_in: 0 },
            Cb { name: "support-done-long-ago", queue: "support", by: Some(rania), due_in: 0 },
        ];
        let mut ids = std::collections::BTreeMap::new();
        for r in &rows {
            let due = (r.due_in > 0).then_some(now + r.due_in);
            let req = CallbackRequest {
                queue: r.queue.into(),
                number: "+14155550123".into(),
                customer_id: None,
                call_id: None,
                requested_at: now - HOUR,
                due_at: due,
                position_at: due.unwrap_or(now - HOUR + ids.len() as i64),
                max_attempts: 3,
                created_by: r.by,
            };
            ids.insert(r.name, s.callback_create(&req, now - HOUR).await.unwrap());
        }
        // Omid completed one of support's; Rania completed one of sales (she
        // was on it); a cancelled one; Rania's sales attempt is under way;
        // one she scheduled ended two days ago.
        assert!(s.callback_attempt_started(ids["support-done"], Some(omid), now - 20 * 60_000).await.unwrap());
        s.callback_attempt_result(ids["support-done"], CallbackResult::Answered, None, now - 19 * 60_000)
            .await
            .unwrap();
        assert!(s.callback_attempt_started(ids["sales-done-by-rania"], Some(rania), now - 10 * 60_000).await.unwrap());
        s.callback_attempt_result(ids["sales-done-by-rania"], CallbackResult::Answered, None, now - 9 * 60_000)
            .await
            .unwrap();
        assert!(s.callback_cancel(ids["support-cancelled"], now - 5 * 60_000).await.unwrap());
        assert!(s.callback_attempt_started(ids["sales-dialing"], Some(rania), now - 60_000).await.unwrap());
        assert!(s.callback_cancel(ids["support-done-long-ago"], now - 48 * HOUR).await.unwrap());

        let rt = app.token("rania", "demo-agent", "agent").await;
        let names = |a: &common::Answer| -> Vec<&'static str> {
            assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
            a.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| *ids.iter().find(|(_, id)| **id == c["id"].as_i64().unwrap()).unwrap().0)
                .collect()
        };
        let a = app.get("/api/v1/me/callbacks", Some(&rt)).await;
        // Open ones by their place (due or asked time), then hers that ended.
        assert_eq!(
            names(&a),
            [
                "support-asked",
                "sales-dialing",
                "support-soon",
                "support-by-sara",
                "sales-by-rania",
                "sales-done-by-rania"
            ],
            "{db}"
        );
        let first = &a.json()["items"][0];
        assert_eq!((first["state"].as_str(), first["number"].as_str()), (Some("pending"), Some("+14155550123")));

        // Omid serves support only and did one: his list, not hers.
        let ot = app.token("omid", "demo-agent", "agent").await;
        assert_eq!(
            names(&app.get("/api/v1/me/callbacks", Some(&ot)).await),
            ["support-asked", "support-soon", "support-by-sara", "support-cancelled", "support-done"],
            "{db}"
        );
        // Sara serves no queue: the one she scheduled.
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        assert_eq!(names(&app.get("/api/v1/me/callbacks", Some(&st)).await), ["support-by-sara"], "{db}");
        assert_eq!(app.get("/api/v1/me/callbacks", None).await.status, 401);
        // A callback scheduled over the API shows at once.
        let due = gateway::store::rfc3339(now + 24 * HOUR);
        let a = send(
            &app,
            "POST",
            "/api/v1/callbacks",
            &rt,
            json!({ "queue": "support", "number": "+98 912 123 4567", "due_at": due }),
        )
        .await;
        assert_eq!(a.status, 201, "{db}");
        let new_id = a.json()["id"].as_i64().unwrap();
        let list = app.get("/api/v1/me/callbacks", Some(&rt)).await.json();
        let items = list["items"].as_array().unwrap();
        let pos = items.iter().position(|c| c["id"] == new_id).expect("the new callback is listed");
        assert_eq!(items[pos - 1]["id"], ids["sales-by-rania"], "{db}: in its place, due last");
    }
}

fn voicemail(kind: MailboxKind, mailbox: &str, at: i64) -> NewVoicemail {
    NewVoicemail {
        mailbox_kind: kind,
        mailbox: mailbox.into(),
        call_id: None,
        caller: Some("+966501234567".into()),
        customer_id: None,
        received_at: at,
        duration_ms: 8_000,
        file: format!("vm-{at}.wav"),
    }
}

#[tokio::test]
async fn the_voicemail_inbox_holds_my_queues_unassigned_ones() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let s = &app.state.store;
        let (rania, omid) = (user_id(&app, "rania").await, user_id(&app, "omid").await);
        let support = s.voicemail_create(&voicemail(MailboxKind::Queue, "support", DAY), DAY).await.unwrap();
        let sales = s.voicemail_create(&voicemail(MailboxKind::Queue, "sales", DAY + 1), DAY).await.unwrap();
        let omids = s.voicemail_create(&voicemail(MailboxKind::Queue, "support", DAY + 2), DAY).await.unwrap();
        let own = s.voicemail_create(&voicemail(MailboxKind::Agent, &rania.to_string(), DAY + 3), DAY).await.unwrap();
        let sales_hers = s.voicemail_create(&voicemail(MailboxKind::Queue, "sales", DAY + 4), DAY).await.unwrap();
        let number = s.voicemail_create(&voicemail(MailboxKind::Number, "+441234567890", DAY + 5), DAY).await.unwrap();

        let rt = app.token("rania", "demo-agent", "agent").await;
        let ot = app.token("omid", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;
        let vm = |id: i64| format!("/api/v1/voicemails/{id}");
        // Sara gives one of support's to Omid, and one of sales to Rania.
        assert_eq!(send(&app, "PATCH", &vm(omids), &st, json!({ "assigned_to": omid })).await.status, 200);
        assert_eq!(send(&app, "PATCH", &vm(sales_hers), &st, json!({ "assigned_to": rania })).await.status, 200);

        let ids = |a: common::Answer| -> Vec<i64> {
            assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
            a.json()["items"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect()
        };
        let hers = [sales_hers, own, support];
        assert_eq!(ids(app.get("/api/v1/voicemails", Some(&rt)).await), hers, "{db}: Rania's inbox");
        assert_eq!(ids(app.get("/api/v1/voicemails?mine=true", Some(&rt)).await), hers, "{db}");
        assert_eq!(ids(app.get("/api/v1/voicemails?mine=true&status=new", Some(&rt)).await), [own, support]);
        assert_eq!(ids(app.get("/api/v1/voicemails", Some(&ot)).await), [omids, support], "{db}: Omid's");
        assert_eq!(ids(app.get("/api/v1/voicemails?mine=true", Some(&st)).await), Vec::<i64>::new(), "{db}");
        assert_eq!(ids(app.get("/api/v1/voicemails", Some(&st)).await).len(), 6, "{db}: supervisors see all");

        for id in [sales, omids, number] {
            assert_eq!(app.get(&vm(id), Some(&rt)).await.status, 403, "{db}: not in her inbox");
            assert_eq!(app.get(&format!("{}/audio", vm(id)), Some(&rt)).await.status, 403, "{db}");
            assert_eq!(send(&app, "PATCH", &vm(id), &rt, json!({ "status": "done" })).await.status, 403, "{db}");
        }
        // Her queue's, unassigned: hers to mark done, as any agent of the queue.
        let a = send(&app, "PATCH", &vm(support), &rt, json!({ "status": "done" })).await;
        assert_eq!((a.status, a.json()["status"].as_str()), (200, Some("done")), "{db}");
        assert_eq!(s.voicemail(support).await.unwrap().unwrap().voicemail.status, records::VoicemailStatus::Done);
        let a = send(&app, "PATCH", &vm(sales_hers), &rt, json!({ "status": "done" })).await;
        assert_eq!(a.status, 200, "{db}: assigned to her");
        // Given to Omid, support's voicemail leaves her inbox.
        assert_eq!(send(&app, "PATCH", &vm(support), &st, json!({ "assigned_to": omid })).await.status, 200);
        assert_eq!(app.get(&vm(support), Some(&rt)).await.status, 403, "{db}");
        assert_eq!(ids(app.get("/api/v1/voicemails", Some(&rt)).await), [sales_hers, own], "{db}");
        assert_eq!(app.get("/api/v1/voicemails?mine=maybe", Some(&rt)).await.status, 400);
    }
}

#[tokio::test]
async fn the_demo_desk_adds_up() {
    let dir = std::env::temp_dir().join(format!("cc-demo-desk-{}-{}", std::process::id(), rand::random::<u64>()));
    let mut config = Config::default();
    config.media.voicemail_dir = dir.clone();
    let noon = DAY + 12 * HOUR;
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, config.clone()).await;
        gateway::demo::seed_demo_desk(&app.state.store, &dir, noon).await.unwrap();
        let rt = app.token("rania", "demo-agent", "agent").await;
        let d = app.get("/api/v1/me/dashboard?day=2023-11-14", Some(&rt)).await.json();
        // Her three calls: 230 + 360 + 180 s talk, 30 s hold, 45 + 60 + 30 s
        // wrap-up; surveys 5 and 4; the offer she let ring out.
        let handle = (230 + 360 + 180 + 30 + 45 + 60 + 30) * 1000;
        assert_figures(
            &d,
            (3, 770_000, 30_000, 135_000, Some((handle + 1) / 3), 2, 9),
            1,
            &format!("{db}: the demo's Rania"),
        );
        let ot = app.token("omid", "demo-agent", "agent").await;
        let d = app.get("/api/v1/me/dashboard?day=2023-11-14", Some(&ot)).await.json();
        assert_figures(&d, (1, 300_000, 0, 40_000, Some(340_000), 1, 3), 0, &format!("{db}: the demo's Omid"));

        // Her inbox: the one assigned to her, her own, support's; not sales'.
        let list = app.get("/api/v1/voicemails", Some(&rt)).await.json();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{db}: {list}");
        for v in items {
            let a = app.get(&format!("/api/v1/voicemails/{}/audio", v["id"]), Some(&rt)).await;
            assert_eq!(a.status, 200, "{db}: the demo's audio is served");
            let wav = gateway::media::wav::read(&a.body).expect("a WAV file");
            let ms = wav.samples.len() as i64 * 1000 / 8000;
            assert_eq!(ms, v["duration_ms"].as_i64().unwrap(), "{db}: as long as it says");
        }
        let cbs = app.get("/api/v1/me/callbacks", Some(&rt)).await.json();
        assert_eq!(cbs["items"].as_array().unwrap().len(), 1, "{db}: the callback she scheduled");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_agent_views_are_in_the_openapi_document() {
    let doc = serde_json::to_value(gateway::http::api().1).unwrap();
    for path in ["/api/v1/me/callbacks", "/api/v1/me/dashboard"] {
        let roles = &doc["paths"][path]["get"]["security"][0]["session"];
        assert_eq!(*roles, json!(["agent", "supervisor", "admin"]), "{path}");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/voicemails"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(params.contains(&"mine"), "{params:?}");
    for schema in ["MyDashboard", "MyCallbacks"] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} missing");
    }
}

//! Routing configuration and customers through the REST API and the store,
//! on SQLite and PostgreSQL: queues (validation naming the key, overflow
//! targets, deletes refused while referenced), agents' routing profiles,
//! the role checks of both, the change feed the routing engine listens to,
//! and customers (phone numbers typed in any script, search with cursor
//! pagination, the IVR's lookups, unknown callers registered once).

mod common;

use gateway::config::Config;
use gateway::http::routing_events::RoutingChanged;
use gateway::store::WriteError;
use serde_json::{Value, json};
use shared::routing::{AgentProfile, Membership, Overflow, Skill, Strategy};

use common::{Answer, TestApp};

async fn send(app: &TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> Answer {
    app.call(common::request(method, path, Some(token), body)).await
}

/// The 422 answer naming `key`, in `key` and at the start of `detail`.
fn assert_invalid(a: &Answer, key: &str, what: &str) {
    assert_eq!(a.status, 422, "{what}: {}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.headers["content-type"], "application/problem+json", "{what}");
    let p = a.json();
    assert_eq!(p["code"], "invalid", "{what}");
    assert_eq!(p["key"], key, "{what}: {p}");
    assert!(p["detail"].as_str().unwrap().starts_with(&format!("{key}: ")), "{what}: {p}");
}

struct Tokens {
    admin: String,
    sara: String,
    rania: String,
}

async fn tokens(app: &TestApp) -> Tokens {
    Tokens {
        admin: app.token("admin", "demo-admin", "supervisor").await,
        sara: app.token("sara", "demo-supervisor", "supervisor").await,
        rania: app.token("rania", "demo-agent", "agent").await,
    }
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.state.store.user_by_username(username).await.unwrap().unwrap().id
}

fn events(rx: &mut tokio::sync::broadcast::Receiver<RoutingChanged>) -> Vec<RoutingChanged> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

#[tokio::test]
async fn queues_are_created_read_updated_and_deleted() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;
        let mut changes = app.state.routing_changes.subscribe();

        let body = json!({ "name": "billing", "strategy": "round_robin", "ring_timeout_secs": 15 });
        let a = send(&app, "POST", "/api/v1/queues", &t.admin, Some(body.clone())).await;
        assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(a.json()["name"], "billing");
        assert_eq!(send(&app, "POST", "/api/v1/queues", &t.admin, Some(body)).await.status, 409, "{db}: taken");

        let got = send(&app, "GET", "/api/v1/queues/billing", &t.sara, None).await;
        assert_eq!(got.status, 200, "{db}");
        let got = got.json();
        assert_eq!((got["strategy"].as_str(), got["ring_timeout_secs"].as_u64()), (Some("round_robin"), Some(15)));
        assert_eq!(got["max_missed"], 3, "{db}: defaults fill the rest");

        // PUT replaces every setting; the name may be left out.
        let put =
            json!({ "strategy": "top_down", "wrap_up_secs": 30, "skills": [{ "skill": "billing", "min_level": 3 }] });
        let a = send(&app, "PUT", "/api/v1/queues/billing", &t.admin, Some(put)).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        let stored = app.state.store.list_queues().await.unwrap();
        let billing = stored.iter().find(|q| q.name == "billing").expect("the engine loads it");
        assert_eq!((billing.strategy, billing.wrap_up_secs, billing.ring_timeout_secs), (Strategy::TopDown, 30, 20));
        assert_eq!(billing.skills[0].min_level, 3, "{db}");
        assert!(stored.iter().any(|q| q.name == "support"), "{db}: the demo's queues run on the defaults");

        let a = send(&app, "PUT", "/api/v1/queues/billing", &t.admin, Some(json!({ "name": "other" }))).await;
        assert_invalid(&a, "name", "a rename");
        let a = send(&app, "PUT", "/api/v1/queues/nowhere", &t.admin, Some(json!({}))).await;
        assert_eq!(a.status, 404, "{db}");

        // The list: everyone sees the queues, only supervisors their settings.
        let list = send(&app, "GET", "/api/v1/queues", &t.rania, None).await.json();
        let support = list.as_array().unwrap().iter().find(|q| q["code"] == "support").unwrap().clone();
        assert_eq!(support["name"], "Technical support", "{db}");
        assert!(support.get("config").is_none(), "{db}: agents do not see settings");
        let list = send(&app, "GET", "/api/v1/queues", &t.sara, None).await.json();
        let billing = list.as_array().unwrap().iter().find(|q| q["code"] == "billing").unwrap().clone();
        assert_eq!(billing["config"]["strategy"], "top_down", "{db}");

        let a = send(&app, "DELETE", "/api/v1/queues/billing", &t.admin, None).await;
        assert_eq!(a.status, 204, "{db}");
        assert_eq!(send(&app, "GET", "/api/v1/queues/billing", &t.sara, None).await.status, 404, "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/queues/billing", &t.admin, None).await.status, 404, "{db}");
        assert!(!app.state.store.list_queues().await.unwrap().iter().any(|q| q.name == "billing"), "{db}");

        assert_eq!(
            events(&mut changes),
            [
                RoutingChanged::Queue("billing".into()),
                RoutingChanged::Queue("billing".into()),
                RoutingChanged::QueueRemoved("billing".into()),
            ],
            "{db}: one event per committed write, none for refusals"
        );
        let audit: Vec<String> =
            app.state.store.audit_entries(20).await.unwrap().into_iter().map(|e| e.action).collect();
        assert!(audit.starts_with(&["queue.deleted".into(), "queue.updated".into(), "queue.created".into()]), "{db}");
    }
}

#[tokio::test]
async fn queue_settings_are_checked_and_overflow_must_point_somewhere() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;
        let mut changes = app.state.routing_changes.subscribe();
        let post = |body: Value| send(&app, "POST", "/api/v1/queues", &t.admin, Some(body));

        assert_invalid(&post(json!({ "name": "q", "ring_timeout_secs": 0 })).await, "ring_timeout_secs", db);
        assert_invalid(&post(json!({})).await, "name", db);
        let steps = json!([{ "after_secs": 30, "skills": [] }, { "after_secs": 10, "skills": [] }]);
        assert_invalid(&post(json!({ "name": "q", "escalation": steps })).await, "escalation[1].after_secs", db);
        let skills = json!([{ "skill": "farsi", "min_level": 11 }]);
        assert_invalid(&post(json!({ "name": "q", "skills": skills })).await, "skills[0].min_level", db);

        // Unknown fields are refused, at the top and inside.
        let a = post(json!({ "name": "q", "colour": "red" })).await;
        assert_eq!(a.status, 400, "{db}");
        assert!(a.json()["detail"].as_str().unwrap().contains("colour"), "{db}: {}", a.json());
        let weights = json!({ "idle": 1.0, "skill": 1.0, "talk_time": 1.0, "calls": 1.0, "mood": 2.0 });
        assert_eq!(post(json!({ "name": "q", "weights": weights })).await.status, 400, "{db}");
        let a = post(json!({ "name": "q", "overflow": { "to": "queue", "target": "sales", "when": "now" } })).await;
        assert_eq!(a.status, 400, "{db}");

        // Overflow into a queue that does not exist.
        let into = |target: &str| json!({ "to": "queue", "target": target });
        assert_invalid(&post(json!({ "name": "q", "overflow": into("nowhere") })).await, "overflow", db);
        assert_eq!(send(&app, "GET", "/api/v1/queues/q", &t.sara, None).await.status, 404, "{db}: nothing stored");
        assert!(events(&mut changes).is_empty(), "{db}: refusals announce nothing");

        // A queue another one overflows into cannot go; once free, it can.
        assert_eq!(post(json!({ "name": "night", "overflow": { "to": "voicemail", "target": "" } })).await.status, 201);
        assert_eq!(post(json!({ "name": "day", "overflow": into("night") })).await.status, 201, "{db}");
        let a = send(&app, "PUT", "/api/v1/queues/day", &t.admin, Some(json!({ "overflow": into("gone") }))).await;
        assert_invalid(&a, "overflow", db);
        let a = send(&app, "DELETE", "/api/v1/queues/night", &t.admin, None).await;
        assert_eq!(a.status, 409, "{db}");
        assert_eq!(a.json()["code"], "conflict");
        assert!(a.json()["detail"].as_str().unwrap().contains("day"), "{db}: names who refers to it");
        assert_eq!(send(&app, "GET", "/api/v1/queues/night", &t.sara, None).await.status, 200, "{db}: still there");
        let stored = app.state.store.queue_config("day").await.unwrap().unwrap();
        assert_eq!(stored.config.overflow, Overflow::Queue("night".into()), "{db}");
        let a =
            send(&app, "PUT", "/api/v1/queues/day", &t.admin, Some(json!({ "overflow": { "to": "hang_up" } }))).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(send(&app, "DELETE", "/api/v1/queues/night", &t.admin, None).await.status, 204, "{db}");
    }
}

#[tokio::test]
async fn roles_on_queues_and_routing_profiles() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;
        let (rania, omid) = (user_id(&app, "rania").await, user_id(&app, "omid").await);
        let queue = Some(json!({ "name": "x" }));
        let profile = Some(json!({ "queues": [], "skills": [] }));

        for (who, token) in [("rania", &t.rania), ("sara", &t.sara)] {
            let writes = [
                send(&app, "POST", "/api/v1/queues", token, queue.clone()).await,
                send(&app, "PUT", "/api/v1/queues/support", token, Some(json!({}))).await,
                send(&app, "DELETE", "/api/v1/queues/support", token, None).await,
                send(&app, "PUT", &format!("/api/v1/agents/{rania}/routing"), token, profile.clone()).await,
            ];
            for a in writes {
                assert_eq!(a.status, 403, "{db}: {who} writes");
            }
        }
        assert_eq!(send(&app, "GET", "/api/v1/queues/support", &t.rania, None).await.status, 403, "{db}");
        assert_eq!(send(&app, "GET", "/api/v1/queues/support", &t.sara, None).await.status, 200, "{db}");
        assert!(app.state.store.queue_config("x").await.unwrap().is_none(), "{db}");

        // An agent reads their own profile, not another's.
        let own = send(&app, "GET", &format!("/api/v1/agents/{rania}/routing"), &t.rania, None).await;
        assert_eq!(own.status, 200, "{db}");
        assert_eq!(own.json()["queues"], json!([{ "queue": "support", "order": 0 }]), "{db}: the demo's membership");
        let other = send(&app, "GET", &format!("/api/v1/agents/{omid}/routing"), &t.rania, None).await;
        assert_eq!(other.status, 403, "{db}");
        assert_eq!(send(&app, "GET", &format!("/api/v1/agents/{omid}/routing"), &t.sara, None).await.status, 200);
        assert_eq!(send(&app, "GET", "/api/v1/agents/999999/routing", &t.sara, None).await.status, 404, "{db}");
        let a = send(&app, "PUT", "/api/v1/agents/999999/routing", &t.admin, profile.clone()).await;
        assert_eq!(a.status, 404, "{db}");
    }
}

#[tokio::test]
async fn agent_profiles_round_trip_and_follow_their_queues() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;
        let omid = user_id(&app, "omid").await;
        let path = format!("/api/v1/agents/{omid}/routing");
        let mut changes = app.state.routing_changes.subscribe();

        let body = json!({
            "queues": [{ "queue": "sales", "order": 2 }, { "queue": "support", "order": 1 }],
            "skills": [{ "skill": "farsi", "level": 9 }, { "skill": "billing", "level": 4 }],
        });
        let a = send(&app, "PUT", &path, &t.admin, Some(body)).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        let expected = AgentProfile {
            queues: vec![
                Membership { queue: "support".into(), order: 1 },
                Membership { queue: "sales".into(), order: 2 },
            ],
            skills: vec![Skill { skill: "billing".into(), level: 4 }, Skill { skill: "farsi".into(), level: 9 }],
        };
        let answered: AgentProfile = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(answered, expected, "{db}: queues by order, skills by name");
        let read: AgentProfile = serde_json::from_slice(&send(&app, "GET", &path, &t.sara, None).await.body).unwrap();
        assert_eq!(read, expected, "{db}");
        assert_eq!(app.state.store.agent_profile(omid).await.unwrap(), expected, "{db}");
        let all = app.state.store.agent_profiles().await.unwrap();
        assert!(all.contains(&(omid, expected.clone())), "{db}");
        let rania = user_id(&app, "rania").await;
        assert!(all.iter().any(|(id, p)| *id == rania && p.queues.len() == 1), "{db}: the demo's memberships");
        assert_eq!(events(&mut changes), [RoutingChanged::Agent(omid)], "{db}");

        // Refusals change nothing: all or nothing.
        let unknown = json!({ "queues": [{ "queue": "support" }, { "queue": "nowhere" }] });
        assert_invalid(&send(&app, "PUT", &path, &t.admin, Some(unknown)).await, "queues[1].queue", db);
        let level = json!({ "skills": [{ "skill": "x", "level": 11 }] });
        assert_invalid(&send(&app, "PUT", &path, &t.admin, Some(level)).await, "skills[0].level", db);
        let twice = json!({ "skills": [{ "skill": "x", "level": 1 }, { "skill": "x", "level": 2 }] });
        assert_invalid(&send(&app, "PUT", &path, &t.admin, Some(twice)).await, "skills[1].skill", db);
        let twice = json!({ "queues": [{ "queue": "sales" }, { "queue": "sales" }] });
        assert_invalid(&send(&app, "PUT", &path, &t.admin, Some(twice)).await, "queues[1].queue", db);
        assert_eq!(send(&app, "PUT", &path, &t.admin, Some(json!({ "queues": [], "x": 1 }))).await.status, 400);
        assert_eq!(app.state.store.agent_profile(omid).await.unwrap(), expected, "{db}: unchanged");
        assert!(events(&mut changes).is_empty(), "{db}");

        // A deleted queue takes its memberships along; so does a deleted user.
        assert_eq!(send(&app, "DELETE", "/api/v1/queues/sales", &t.admin, None).await.status, 204, "{db}");
        let left = app.state.store.agent_profile(omid).await.unwrap();
        assert_eq!(left.queues, [Membership { queue: "support".into(), order: 1 }], "{db}");
        assert_eq!(left.skills, expected.skills, "{db}");
        app.state.store.execute_admin(&format!("DELETE FROM users WHERE id = {omid}")).await.unwrap();
        let all = app.state.store.agent_profiles().await.unwrap();
        assert!(!all.iter().any(|(id, _)| *id == omid), "{db}: nothing left of a deleted user");
    }
}

#[tokio::test]
async fn customers_are_created_searched_and_looked_up() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;

        // An agent creates a customer; the number typed in Persian digits.
        let body = json!({
            "name": "Zahra Karimi", "phones": ["+۹۸ (۹۱۲) ۵۵۵-۰۱۰۱"], "email": "zahra@example.com",
            "language": "fa", "vip": true, "notes": "Prefers mornings.",
        });
        let a = send(&app, "POST", "/api/v1/customers", &t.rania, Some(body)).await;
        assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
        let zahra = a.json();
        let zahra_id = zahra["id"].as_i64().unwrap();
        assert_eq!(zahra["phones"], json!(["+989125550101"]), "{db}");
        let code = zahra["code"].as_str().unwrap().to_owned();
        assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "{db}: a generated code {code}");
        assert_eq!((zahra["language"].as_str(), zahra["vip"].as_bool()), (Some("fa"), Some(true)));

        // Codes and numbers belong to one customer, in whatever spelling.
        let a = send(&app, "POST", "/api/v1/customers", &t.rania, Some(json!({ "name": "Ali", "code": "۷۷۷۷" }))).await;
        assert_eq!((a.status, a.json()["code"].as_str()), (201, Some("7777")), "{db}");
        let ali_id = a.json()["id"].as_i64().unwrap();
        let a = send(&app, "POST", "/api/v1/customers", &t.sara, Some(json!({ "name": "B", "code": "7777" }))).await;
        assert_eq!(a.status, 409, "{db}");
        let same_number = json!({ "name": "B", "phones": ["0098 912 555 0101"] });
        assert_eq!(send(&app, "POST", "/api/v1/customers", &t.sara, Some(same_number)).await.status, 409, "{db}");

        // Bad input: 422 naming the field, nothing stored.
        let post = |body: Value| send(&app, "POST", "/api/v1/customers", &t.rania, Some(body));
        assert_invalid(&post(json!({ "name": "B", "phones": ["+98 912 555 0102", "12345"] })).await, "phones[1]", db);
        assert_invalid(&post(json!({ "name": "B", "phones": ["+98 912 CALL ME"] })).await, "phones[0]", db);
        assert_invalid(&post(json!({ "name": "B", "phones": ["09125550102"] })).await, "phones[0]", db);
        assert_invalid(&post(json!({ "name": "B", "email": "not an address" })).await, "email", db);
        assert_invalid(&post(json!({ "name": "B", "language": "xx" })).await, "language", db);
        assert_invalid(&post(json!({ "phones": [] })).await, "name", db);
        assert_eq!(post(json!({ "name": "B", "phone": "+989125550102" })).await.status, 400, "{db}: unknown field");
        assert!(app.state.store.customers().by_number("+989125550102").await.unwrap().is_none(), "{db}");

        // An agent edits during a call: a second number; the code stays.
        let put = json!({ "name": "Zahra Karimi-Ahmadi", "phones": ["+989125550101", "+90 532 555 01 02"], "language": "fa" });
        let a = send(&app, "PUT", &format!("/api/v1/customers/{zahra_id}"), &t.rania, Some(put)).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        let c = a.json();
        assert_eq!((c["code"].as_str(), c["name"].as_str()), (Some(code.as_str()), Some("Zahra Karimi-Ahmadi")));
        assert_eq!(c["phones"], json!(["+989125550101", "+905325550102"]), "{db}");
        assert_eq!(c["vip"], false, "{db}: PUT replaces");
        let got = send(&app, "GET", &format!("/api/v1/customers/{zahra_id}"), &t.sara, None).await;
        assert_eq!(got.json(), c, "{db}");
        let a = send(&app, "PUT", "/api/v1/customers/999999", &t.rania, Some(json!({ "name": "N" }))).await;
        assert_eq!(a.status, 404, "{db}");
        let steal = json!({ "name": "Ali", "phones": ["+905325550102"] });
        let a = send(&app, "PUT", &format!("/api/v1/customers/{ali_id}"), &t.rania, Some(steal)).await;
        assert_eq!(a.status, 409, "{db}: another customer's number");

        // What the IVR and the call layer use.
        let customers = app.state.store.customers();
        assert_eq!(customers.by_number("+905325550102").await.unwrap().unwrap().id, zahra_id, "{db}");
        assert_eq!(customers.by_code(&code).await.unwrap().unwrap().id, zahra_id, "{db}");
        assert!(customers.by_number("+14155550199").await.unwrap().is_none(), "{db}");
        assert!(customers.by_code("424242").await.unwrap().is_none(), "{db}");
        // The demo's customers (written through the older `phone` column).
        let mehdi = customers.by_number("+989121234567").await.unwrap().expect("the demo's Mehdi");
        assert_eq!((mehdi.code.as_str(), mehdi.name.as_deref()), ("1002", Some("Mehdi Moradi")), "{db}");
        assert_eq!(customers.by_code("1002").await.unwrap().unwrap().phones, ["+989121234567"], "{db}");
        let history = send(&app, "GET", &format!("/api/v1/customers/{}/interactions", mehdi.id), &t.rania, None).await;
        assert!(!history.json().as_array().unwrap().is_empty(), "{db}: the demo's history");

        // Unknown callers: registered once, whatever the spelling.
        let first = customers.register_unknown_caller("+44 20 7946 0000", 5).await.unwrap();
        let again = customers.register_unknown_caller("٠٠٤٤٢٠٧٩٤٦٠٠٠٠", 6).await.unwrap();
        assert_eq!(first, again, "{db}");
        assert_eq!((first.name.as_deref(), first.phones.as_slice()), (None, &["+442079460000".to_owned()][..]));
        assert!(first.code.len() == 8 && first.code != code, "{db}");
        assert_eq!(customers.register_unknown_caller("+989121234567", 7).await.unwrap().id, mehdi.id, "{db}");
        match customers.register_unknown_caller("anonymous", 8).await {
            Err(WriteError::Invalid(e)) => assert_eq!(e.key, "number", "{db}"),
            other => panic!("{db}: {other:?}"),
        }
        let unnamed = send(&app, "GET", &format!("/api/v1/customers/{}", first.id), &t.rania, None).await.json();
        assert_eq!(unnamed["name"], Value::Null, "{db}");

        // Only administrators delete.
        let path = format!("/api/v1/customers/{ali_id}");
        assert_eq!(send(&app, "DELETE", &path, &t.rania, None).await.status, 403, "{db}");
        assert_eq!(send(&app, "DELETE", &path, &t.sara, None).await.status, 403, "{db}");
        assert_eq!(send(&app, "DELETE", &path, &t.admin, None).await.status, 204, "{db}");
        assert_eq!(send(&app, "GET", &path, &t.admin, None).await.status, 404, "{db}");
        assert_eq!(send(&app, "DELETE", &path, &t.admin, None).await.status, 404, "{db}");
        assert!(customers.by_code("7777").await.unwrap().is_none(), "{db}");
    }
}

#[tokio::test]
async fn customer_search_pages_through_names_numbers_and_codes() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let t = tokens(&app).await;
        let mut made = Vec::new();
        for i in 0..5 {
            let body = json!({ "name": format!("Pagetest Person {i}"), "phones": [format!("+98 21 5550 {i:04}")] });
            let a = send(&app, "POST", "/api/v1/customers", &t.rania, Some(body)).await;
            assert_eq!(a.status, 201, "{db}");
            made.push(a.json()["id"].as_i64().unwrap());
        }

        // By name (any case), two at a time.
        let mut seen = Vec::new();
        let mut path = "/api/v1/customers?q=pagetest&limit=2".to_owned();
        let mut pages = 0;
        loop {
            let page = send(&app, "GET", &path, &t.rania, None).await;
            assert_eq!(page.status, 200, "{db}: {}", String::from_utf8_lossy(&page.body));
            let page = page.json();
            pages += 1;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2, "{db}");
            seen.extend(items.iter().map(|c| c["id"].as_i64().unwrap()));
            match page.get("next_cursor").and_then(Value::as_str) {
                Some(cursor) => path = format!("/api/v1/customers?q=pagetest&limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!((pages, &seen), (3, &made), "{db}: every match once, in order");

        // By number, typed in Persian digits with a national 0 in front.
        let q = "%DB%B0%DB%B2%DB%B1%20%DB%B5%DB%B5%DB%B5%DB%B0%20%DB%B0%DB%B0%DB%B0%DB%B3"; // "۰۲۱ ۵۵۵۰ ۰۰۰۳"
        let page = send(&app, "GET", &format!("/api/v1/customers?q={q}"), &t.rania, None).await.json();
        let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [made[3]], "{db}");
        assert!(page.get("next_cursor").is_none(), "{db}: a single page has no cursor");
        // Part of a number, in Arabic-Indic digits: "٥٥٥٠ ٠٠٠".
        let q = "%D9%A5%D9%A5%D9%A5%D9%A0%20%D9%A0%D9%A0%D9%A0";
        let page = send(&app, "GET", &format!("/api/v1/customers?q={q}&limit=100"), &t.rania, None).await.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 5, "{db}");

        // By code.
        let zahra = send(&app, "POST", "/api/v1/customers", &t.rania, Some(json!({ "name": "Z", "code": "90210" })));
        let zahra = zahra.await.json()["id"].as_i64().unwrap();
        let page = send(&app, "GET", "/api/v1/customers?q=90210", &t.sara, None).await.json();
        assert_eq!(page["items"][0]["id"], zahra, "{db}");
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{db}");
        let page = send(&app, "GET", "/api/v1/customers?q=mehdi", &t.sara, None).await.json();
        assert_eq!(page["items"][0]["phones"], json!(["+989121234567"]), "{db}: the demo's customers too");

        for bad in ["limit=0", "limit=101", "cursor=bm90LWEtY3Vyc29y", "cursor=!!!", "after=3"] {
            let a = send(&app, "GET", &format!("/api/v1/customers?{bad}"), &t.rania, None).await;
            assert_eq!(a.status, 400, "{db}: {bad}");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_new_route() {
    let doc = serde_json::to_value(gateway::http::api().1).unwrap();
    let routes: &[(&str, &[&str])] = &[
        ("/api/v1/queues", &["get", "post"]),
        ("/api/v1/queues/{name}", &["get", "put", "delete"]),
        ("/api/v1/agents/{id}/routing", &["get", "put"]),
        ("/api/v1/customers", &["get", "post"]),
        ("/api/v1/customers/{id}", &["get", "put", "delete"]),
        ("/api/v1/customers/{id}/interactions", &["get"]),
    ];
    // Every schema these routes name, and every schema those name, exists.
    let mut pending: Vec<&Value> = Vec::new();
    for (path, methods) in routes {
        for m in *methods {
            let op = &doc["paths"][path][m];
            assert!(op.is_object(), "{m} {path} is not in the document");
            assert!(op["security"][0]["session"].is_array(), "{m} {path} names its roles");
            pending.push(op);
        }
    }
    let mut seen = std::collections::HashSet::new();
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let name = r.strip_prefix("#/components/schemas/").expect("a schema reference");
                    let schema = &doc["components"]["schemas"][name];
                    assert!(schema.is_object(), "{r} is not in the document");
                    if seen.insert(name.to_owned()) {
                        pending.push(schema);
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    for name in ["QueueConfig", "Overflow", "Weights", "AgentProfile", "Customer", "CustomerInput", "CustomerPage"] {
        assert!(seen.contains(name), "{name} is not reached from the routes: {seen:?}");
    }
}

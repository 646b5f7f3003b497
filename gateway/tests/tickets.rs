//! Tickets: the store on both databases, and the REST routes as an agent
//! uses them from the customer card (open one on a call, list the open
//! ones, follow them up), with bad input and the roles.

mod common;

use common::Answer;
use gateway::config::Config;
use gateway::store::{NewCustomer, NewInteraction, Store, TicketChanges, TicketFields};
use serde_json::{Value, json};
use shared::records::Initiation;
use shared::tickets::{TicketKind, TicketStatus};

/// 2023-11-14T22:13:20Z
const T0: i64 = 1_700_000_000_000;

fn fields(customer_id: i64, subject: &str, status: TicketStatus) -> TicketFields {
    TicketFields {
        customer_id,
        call_id: None,
        kind: TicketKind::Service,
        subject: subject.into(),
        notes: String::new(),
        status,
        due_at: None,
    }
}

async fn customer(store: &Store, code: &str) -> i64 {
    let c = NewCustomer { code, name: "C", phone: None, language: "en", vip: false };
    store.create_customer(&c, T0).await.unwrap()
}

#[tokio::test]
async fn tickets_are_stored_listed_by_status_changed_and_go_with_their_customer() {
    for (db, store) in common::stores().await {
        let (a, b) = (customer(&store, "7001").await, customer(&store, "7002").await);
        store.interaction_start(&NewInteraction::new("call-1", Initiation::Inbound, T0)).await.unwrap();
        let agent = store
            .create_user(
                &gateway::store::NewUser {
                    username: "ag",
                    display_name: "Ag",
                    role: shared::Role::Agent,
                    password_hash: "h",
                    language: "en",
                },
                T0,
            )
            .await
            .unwrap();
        let t = store.tickets();

        let first = TicketFields {
            call_id: Some("call-1".into()),
            kind: TicketKind::Complaint,
            notes: "Line drops\nevery evening".into(),
            due_at: Some(T0 + 86_400_000),
            ..fields(a, "Evening drops", TicketStatus::Open)
        };
        let one = t.create(&first, agent, T0).await.unwrap();
        assert_eq!(
            (one.customer_id, one.call_id.as_deref(), one.kind),
            (a, Some("call-1"), TicketKind::Complaint),
            "{db}"
        );
        assert_eq!(one.due_at.as_deref(), Some("2023-11-15T22:13:20Z"), "{db}");
        assert_eq!((one.created_by, one.created_at.as_str()), (Some(agent), "2023-11-14T22:13:20Z"), "{db}");
        assert_eq!(one.notes, "Line drops\nevery evening", "{db}");
        let two = t.create(&fields(a, "Router", TicketStatus::InProgress), agent, T0 + 1_000).await.unwrap();
        let three = t.create(&fields(a, "Old", TicketStatus::Closed), agent, T0 + 2_000).await.unwrap();
        t.create(&fields(b, "Someone else's", TicketStatus::Open), agent, T0 + 3_000).await.unwrap();
        assert_eq!(t.by_id(one.id).await.unwrap().as_ref(), Some(&one), "{db}");
        assert_eq!(t.by_id(9_999).await.unwrap(), None, "{db}");

        let ids = |v: Vec<shared::tickets::Ticket>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(
            ids(t.for_customer(a, &[], 100).await.unwrap()),
            vec![three.id, two.id, one.id],
            "{db}: newest first"
        );
        let open = [TicketStatus::Open, TicketStatus::InProgress];
        assert_eq!(ids(t.for_customer(a, &open, 100).await.unwrap()), vec![two.id, one.id], "{db}: the open ones");
        assert_eq!(ids(t.for_customer(a, &[TicketStatus::Closed], 100).await.unwrap()), vec![three.id], "{db}");
        assert_eq!(ids(t.for_customer(a, &[], 1).await.unwrap()), vec![three.id], "{db}: limit");

        // A change touches only what it names; the due time may be cleared.
        let c = TicketChanges { status: Some(TicketStatus::Resolved), due_at: Some(None), ..Default::default() };
        let changed = t.update(one.id, &c, T0 + 5_000).await.unwrap().expect("it exists");
        assert_eq!((changed.status, changed.due_at.as_deref()), (TicketStatus::Resolved, None), "{db}");
        assert_eq!((changed.subject.as_str(), changed.kind), ("Evening drops", TicketKind::Complaint), "{db}");
        assert_eq!(
            (changed.created_at.as_str(), changed.updated_at.as_str()),
            ("2023-11-14T22:13:20Z", "2023-11-14T22:13:25Z")
        );
        let c = TicketChanges { subject: Some("Renamed".into()), due_at: Some(Some(T0)), ..Default::default() };
        let changed = t.update(one.id, &c, T0 + 6_000).await.unwrap().unwrap();
        assert_eq!((changed.status, changed.subject.as_str()), (TicketStatus::Resolved, "Renamed"), "{db}");
        assert_eq!(changed.due_at.as_deref(), Some("2023-11-14T22:13:20Z"), "{db}");
        assert_eq!(t.update(9_999, &c, T0).await.unwrap(), None, "{db}");
        assert_eq!(ids(t.for_customer(a, &open, 100).await.unwrap()), vec![two.id], "{db}");

        // A customer deleted takes their tickets along.
        assert!(store.customers().delete(a).await.unwrap());
        assert_eq!(t.by_id(two.id).await.unwrap(), None, "{db}");
        assert_eq!(t.for_customer(b, &[], 100).await.unwrap().len(), 1, "{db}");
        assert!(t.call_exists("call-1").await.unwrap() && !t.call_exists("call-2").await.unwrap(), "{db}");
    }
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
    app.call(common::request(method, path, token, body)).await
}

fn body(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

fn assert_invalid(a: &Answer, key: &str, what: &str) {
    assert_eq!(a.status, 422, "{what}: {}", body(a));
    assert_eq!(a.headers["content-type"], "application/problem+json", "{what}");
    let p = a.json();
    assert_eq!(p["code"], "invalid", "{what}");
    assert_eq!(p["key"], key, "{what}: {p}");
    assert!(p["detail"].as_str().unwrap().starts_with(&format!("{key}: ")), "{what}: {p}");
}

#[tokio::test]
async fn an_agent_opens_a_ticket_on_a_call_and_follows_it_up() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let s = &app.state.store;
        let youssef = s.customers().by_code("1001").await.unwrap().unwrap().id;
        let rania = s.user_by_username("rania").await.unwrap().unwrap().id;
        s.interaction_start(&NewInteraction {
            customer_id: Some(youssef),
            agent_id: Some(rania),
            queue: Some("support".into()),
            ..NewInteraction::new("call-7", Initiation::Inbound, app.state.clock.now_ms())
        })
        .await
        .unwrap();
        let rt = app.token("rania", "demo-agent", "agent").await;
        let st = app.token("sara", "demo-supervisor", "supervisor").await;

        let new = json!({
            "customer_id": youssef, "call_id": "call-7", "kind": "service",
            "subject": "Technician visit", "notes": "Ring twice.", "due_at": "2030-05-02T10:00:00+03:00",
        });
        let a = send(&app, "POST", "/api/v1/tickets", Some(&rt), Some(new.clone())).await;
        assert_eq!(a.status, 201, "{db}: {}", body(&a));
        let t = a.json();
        let id = t["id"].as_i64().unwrap();
        assert_eq!((t["status"].as_str(), t["kind"].as_str()), (Some("open"), Some("service")), "{db}");
        assert_eq!(t["due_at"], "2030-05-02T07:00:00Z", "{db}: stored in UTC");
        assert_eq!((t["call_id"].as_str(), t["created_by"].as_i64()), (Some("call-7"), Some(rania)), "{db}");

        // The card lists the customer's open tickets; the customer's history
        // names the queue and the agent.
        let open = format!("/api/v1/customers/{youssef}/tickets?status=open,in_progress");
        let a = send(&app, "GET", &open, Some(&rt), None).await;
        assert_eq!(a.status, 200, "{db}: {}", body(&a));
        assert_eq!(a.json().as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);
        let a = send(&app, "GET", &format!("/api/v1/customers/{youssef}/interactions"), Some(&rt), None).await;
        let history = a.json();
        let current = history.as_array().unwrap().iter().find(|i| i["call_id"] == "call-7").expect("the call");
        assert_eq!(
            (current["queue_name"].as_str(), current["agent_name"].as_str()),
            (Some("Technical support"), Some("Rania Haddad"))
        );
        let old = history.as_array().unwrap().iter().find(|i| i["disposition"] == "resolved").expect("demo history");
        assert_eq!(old["agent_name"], "Rania Haddad", "{db}");

        // Followed up: in progress, then resolved (by a supervisor too).
        let path = format!("/api/v1/tickets/{id}");
        let a = send(&app, "PATCH", &path, Some(&rt), Some(json!({ "status": "in_progress" }))).await;
        assert_eq!(a.status, 200, "{db}: {}", body(&a));
        assert_eq!(
            (a.json()["status"].as_str(), a.json()["subject"].as_str()),
            (Some("in_progress"), Some("Technician visit"))
        );
        let a = send(&app, "PATCH", &path, Some(&st), Some(json!({ "status": "resolved", "due_at": null }))).await;
        assert_eq!(a.status, 200, "{db}: {}", body(&a));
        assert_eq!((a.json()["status"].as_str(), a.json()["due_at"].as_str()), (Some("resolved"), None), "{db}");
        let a = send(&app, "GET", &path, Some(&rt), None).await;
        assert_eq!((a.status, a.json()["status"].as_str()), (200, Some("resolved")), "{db}");
        let a = send(&app, "GET", &open, Some(&rt), None).await;
        assert!(a.json().as_array().unwrap().is_empty(), "{db}: no longer open");
        let all = format!("/api/v1/customers/{youssef}/tickets");
        assert_eq!(send(&app, "GET", &all, Some(&rt), None).await.json().as_array().unwrap().len(), 1, "{db}");

        // Every write is audited, by id.
        let audit = s.audit_entries(50).await.unwrap();
        let target = format!("ticket:{id}");
        let by = |action: &str, who: i64| {
            audit
                .iter()
                .filter(|e| e.action == action && e.actor_id == Some(who) && e.target.as_deref() == Some(&target))
                .count()
        };
        assert_eq!(by("ticket.created", rania), 1, "{db}");
        assert_eq!(by("ticket.updated", rania), 1, "{db}");
        let sara = s.user_by_username("sara").await.unwrap().unwrap().id;
        assert_eq!(by("ticket.updated", sara), 1, "{db}");
        // A patch that changes nothing writes nothing.
        let a = send(&app, "PATCH", &path, Some(&rt), Some(json!({}))).await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(s.audit_entries(50).await.unwrap().len(), audit.len(), "{db}");
    }
}

#[tokio::test]
async fn bad_tickets_are_refused_naming_the_field() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let youssef = app.state.store.customers().by_code("1001").await.unwrap().unwrap().id;
        let rt = app.token("rania", "demo-agent", "agent").await;
        let post = |b: Value| send(&app, "POST", "/api/v1/tickets", Some(&rt), Some(b));
        let good = json!({ "customer_id": youssef, "kind": "order", "subject": "Router" });
        let with = |k: &str, v: Value| {
            let mut b = good.clone();
            b[k] = v;
            b
        };

        assert_invalid(&post(with("kind", json!("wish"))).await, "kind", db);
        assert_invalid(&post(with("subject", json!("   "))).await, "subject", db);
        assert_invalid(&post(with("subject", json!("x".repeat(201)))).await, "subject", db);
        assert_invalid(&post(with("notes", json!("x".repeat(4001)))).await, "notes", db);
        assert_invalid(&post(with("status", json!("done"))).await, "status", db);
        assert_invalid(&post(with("due_at", json!("next Tuesday"))).await, "due_at", db);
        assert_invalid(&post(with("due_at", json!("2030-05-02T10:00:00"))).await, "due_at", db);
        assert_invalid(&post(with("customer_id", json!(987_654))).await, "customer_id", db);
        assert_invalid(&post(with("call_id", json!("no-such-call"))).await, "call_id", db);
        // Not the shape: 400.
        assert_eq!(post(with("colour", json!("red"))).await.status, 400, "{db}: an unknown field");
        assert_eq!(post(json!({ "kind": "order", "subject": "S" })).await.status, 400, "{db}: no customer");
        assert_eq!(post(with("customer_id", json!("one"))).await.status, 400, "{db}");
        let listed = send(&app, "GET", &format!("/api/v1/customers/{youssef}/tickets"), Some(&rt), None).await;
        assert!(listed.json().as_array().unwrap().is_empty(), "{db}: nothing stored");
        assert!(
            !app.state.store.audit_entries(50).await.unwrap().iter().any(|e| e.action.starts_with("ticket.")),
            "{db}: refusals audit nothing"
        );

        let a = post(good.clone()).await;
        assert_eq!(a.status, 201, "{db}: {}", body(&a));
        let path = format!("/api/v1/tickets/{}", a.json()["id"]);
        let patch = |b: Value| send(&app, "PATCH", &path, Some(&rt), Some(b));
        assert_invalid(&patch(json!({ "status": "Open" })).await, "status", db);
        assert_invalid(&patch(json!({ "kind": "" })).await, "kind", db);
        assert_invalid(&patch(json!({ "subject": "a\u{7}b" })).await, "subject", db);
        assert_invalid(&patch(json!({ "due_at": "1999-12-31T23:59:59Z" })).await, "due_at", db);
        assert_eq!(patch(json!({ "customer_id": 1 })).await.status, 400, "{db}: a ticket stays with its customer");
        assert_eq!(patch(json!({ "status": 3 })).await.status, 400, "{db}");

        // Unknown: 404.
        assert_eq!(send(&app, "GET", "/api/v1/tickets/987654", Some(&rt), None).await.status, 404, "{db}");
        let a = send(&app, "PATCH", "/api/v1/tickets/987654", Some(&rt), Some(json!({ "status": "closed" }))).await;
        assert_eq!(a.status, 404, "{db}");
        assert_eq!(a.headers["content-type"], "application/problem+json");
        let a = send(&app, "GET", "/api/v1/customers/987654/tickets", Some(&rt), None).await;
        assert_eq!(a.status, 404, "{db}");
        let a = send(&app, "GET", &format!("/api/v1/customers/{youssef}/tickets?status=done"), Some(&rt), None).await;
        assert_eq!(a.status, 400, "{db}: an unknown status to list");
        let a = send(&app, "GET", &format!("/api/v1/customers/{youssef}/tickets?limit=0"), Some(&rt), None).await;
        assert_eq!(a.status, 400, "{db}");
    }
}

#[tokio::test]
async fn agents_supervisors_and_admins_may_and_nobody_else() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let youssef = app.state.store.customers().by_code("1001").await.unwrap().unwrap().id;
    let new = json!({ "customer_id": youssef, "kind": "request", "subject": "Invoice copy" });
    for (user, password, app_name) in [
        ("rania", "demo-agent", "agent"),
        ("sara", "demo-supervisor", "supervisor"),
        ("admin", "demo-admin", "supervisor"),
    ] {
        let token = app.token(user, password, app_name).await;
        let a = send(&app, "POST", "/api/v1/tickets", Some(&token), Some(new.clone())).await;
        assert_eq!(a.status, 201, "{user}: {}", body(&a));
        let path = format!("/api/v1/tickets/{}", a.json()["id"]);
        assert_eq!(send(&app, "GET", &path, Some(&token), None).await.status, 200, "{user}");
        let a = send(&app, "PATCH", &path, Some(&token), Some(json!({ "status": "closed" }))).await;
        assert_eq!(a.status, 200, "{user}");
    }
    let token = app.token("rania", "demo-agent", "agent").await;
    let all = send(&app, "GET", &format!("/api/v1/customers/{youssef}/tickets"), Some(&token), None).await;
    assert_eq!(all.json().as_array().unwrap().len(), 3);
    // Without a session, nothing.
    for (method, path, b) in [
        ("POST", "/api/v1/tickets".to_owned(), Some(new.clone())),
        ("GET", "/api/v1/tickets/1".to_owned(), None),
        ("PATCH", "/api/v1/tickets/1".to_owned(), Some(json!({ "status": "open" }))),
        ("GET", format!("/api/v1/customers/{youssef}/tickets"), None),
    ] {
        let a = send(&app, method, &path, None, b).await;
        assert_eq!(a.status, 401, "{method} {path}");
    }
}

#[tokio::test]
async fn the_ticket_routes_are_in_the_openapi_document() {
    let doc = serde_json::to_value(gateway::http::api().1).unwrap();
    for (path, method) in [
        ("/api/v1/customers/{id}/tickets", "get"),
        ("/api/v1/tickets", "post"),
        ("/api/v1/tickets/{id}", "get"),
        ("/api/v1/tickets/{id}", "patch"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        let roles = op["security"][0]["session"].as_array().expect("roles");
        assert_eq!(roles.len(), 3, "{method} {path}: agents and up");
    }
    for schema in ["Ticket", "NewTicket", "TicketPatch", "TicketKind", "TicketStatus"] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} missing");
    }
    let kinds = &doc["components"]["schemas"]["TicketKind"]["enum"];
    assert_eq!(kinds, &json!(["request", "complaint", "service", "order"]));
}

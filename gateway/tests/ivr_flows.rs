//! IVR flows and entry points through the REST API, on each database:
//! import, export, refusal of a broken flow naming its node, roles, and an
//! entry point that picks a flow for a dialed number.

mod common;

use gateway::config::Config;
use gateway::ivr::Flow;
use serde_json::{Value, json};

/// A flow with every field written out, as export writes it.
fn main_flow() -> Value {
    json!({
        "name": "main",
        "description": "Tehran office, business hours",
        "start": "hours",
        "language": "fa",
        "nodes": {
            "hours": {
                "type": "hours", "time_zone": "Asia/Tehran",
                "weekly": [{ "days": ["sat", "sun", "mon", "tue", "wed"], "open": "08:00", "close": "16:00" }],
                "holidays": ["2026-03-21", { "from": "2026-03-22", "to": "2026-03-24" }],
                "open": "welcome", "closed": "closed"
            },
            "welcome": { "type": "play", "prompts": ["welcome"], "next": "menu", "barge_in": false },
            "menu": {
                "type": "menu", "prompt": "main_menu", "options": { "1": "sales", "2": "who" },
                "timeout_secs": 5, "max_retries": 2, "invalid_prompt": "invalid", "on_fail": "sales",
                "barge_in": true
            },
            "who": {
                "type": "identify", "by": "caller", "found": "sales", "not_found": "sales",
                "register_unknown": true
            },
            "sales": { "type": "queue", "queue": "sales", "skills": [{ "skill": "persian", "min_level": 3 }] },
            "closed": { "type": "voicemail", "mailbox": "sales" }
        }
    })
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> common::Answer {
    app.call(common::request(method, path, Some(token), body)).await
}

#[tokio::test]
async fn a_flow_is_imported_and_exported_unchanged() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let admin = app.token("admin", "demo-admin", "supervisor").await;

        let a = send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(main_flow())).await;
        assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(a.json(), main_flow(), "{db}: the answer is the flow as stored");

        let a = app.get("/api/v1/ivr_flows/main", Some(&admin)).await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(a.headers["content-type"], "application/json");
        assert_eq!(a.json(), main_flow(), "{db}: export gives back the import");

        // Importing again replaces it.
        let mut changed = main_flow();
        changed["nodes"]["menu"]["options"]["3"] = json!("closed");
        let a = send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(changed.clone())).await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(app.get("/api/v1/ivr_flows/main", Some(&admin)).await.json(), changed, "{db}");

        // Defaults left out come back written out, and parse to the same flow.
        let short = json!({
            "name": "short", "start": "m",
            "nodes": {
                "m": { "type": "menu", "prompt": "p", "options": { "1": "q" }, "on_fail": "q" },
                "q": { "type": "queue", "queue": "support" }
            }
        });
        let a = app.call(common::request("POST", "/api/v1/ivr_flows", Some(&admin), Some(short.clone()))).await;
        assert_eq!(a.status, 201, "{db}");
        let exported = app.get("/api/v1/ivr_flows/short", Some(&admin)).await.json();
        assert_eq!(exported["language"], "en", "{db}");
        assert_eq!(exported["nodes"]["m"]["timeout_secs"], 5, "{db}");
        assert_eq!(Flow::parse(&exported.to_string()).unwrap(), Flow::parse(&short.to_string()).unwrap(), "{db}");
        // POST does not replace.
        let a = app.call(common::request("POST", "/api/v1/ivr_flows", Some(&admin), Some(short))).await;
        assert_eq!(a.status, 409, "{db}");

        let list = app.get("/api/v1/ivr_flows", Some(&admin)).await.json();
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["main", "short"], "{db}");
        let admin_id = app.state.store.user_by_username("admin").await.unwrap().unwrap().id;
        assert_eq!(list[0]["updated_by"], admin_id, "{db}");

        let audit = app.state.store.audit_entries(20).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "ivr_flow.updated" && e.target.as_deref() == Some("ivr_flow:main")));
        assert!(audit.iter().any(|e| e.action == "ivr_flow.created" && e.target.as_deref() == Some("ivr_flow:short")));
    }
}

#[tokio::test]
async fn a_broken_flow_is_refused_naming_the_node() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let admin = app.token("admin", "demo-admin", "supervisor").await;

        let mut broken = main_flow();
        broken["nodes"]["menu"]["options"]["x"] = json!("sales");
        let a = send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(broken)).await;
        assert_eq!(a.status, 422, "{db}");
        assert_eq!(a.headers["content-type"], "application/problem+json");
        let p = a.json();
        assert_eq!(p["code"], "invalid");
        assert_eq!(p["node"], "menu");
        assert_eq!(p["detail"], "node \"menu\": option \"x\" is not a DTMF key");

        let mut broken = main_flow();
        broken["nodes"]["hours"]["weekly"][0]["close"] = json!("25:00");
        let p = send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(broken)).await.json();
        assert_eq!(p["node"], "hours", "{db}");
        assert!(p["detail"].as_str().unwrap().contains("close \"25:00\" is not a time"), "{p}");

        let mut broken = main_flow();
        broken["nodes"]["welcome"]["next"] = json!("nowhere");
        let p = send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(broken)).await.json();
        assert_eq!(p["detail"], "node \"welcome\": next: no node \"nowhere\"", "{db}");

        // The name in the body is the one in the path.
        let a = send(&app, "PUT", "/api/v1/ivr_flows/other", &admin, Some(main_flow())).await;
        assert_eq!(a.status, 422, "{db}");

        // Not JSON at all.
        let req = axum::http::Request::builder()
            .method("PUT")
            .uri("/api/v1/ivr_flows/main")
            .header("cookie", format!("cc_session={admin}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{ not json"))
            .unwrap();
        let a = app.call(req).await;
        assert_eq!(a.status, 422, "{db}");
        assert!(a.json().get("node").is_none());

        // Nothing was stored.
        assert_eq!(app.get("/api/v1/ivr_flows/main", Some(&admin)).await.status, 404, "{db}");
        assert_eq!(app.get("/api/v1/ivr_flows", Some(&admin)).await.json(), json!([]), "{db}");
    }
}

#[tokio::test]
async fn only_admins_write_and_supervisors_read() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let admin = app.token("admin", "demo-admin", "supervisor").await;
    let sara = app.token("sara", "demo-supervisor", "supervisor").await;
    let rania = app.token("rania", "demo-agent", "agent").await;

    for token in [&rania, &sara] {
        assert_eq!(send(&app, "PUT", "/api/v1/ivr_flows/main", token, Some(main_flow())).await.status, 403);
        assert_eq!(send(&app, "POST", "/api/v1/ivr_flows", token, Some(main_flow())).await.status, 403);
        let a = send(&app, "PUT", "/api/v1/entry_points/+982112345678", token, Some(json!({ "flow": "main" }))).await;
        assert_eq!(a.status, 403);
    }
    assert_eq!(app.get("/api/v1/ivr_flows", None).await.status, 401);
    assert_eq!(app.get("/api/v1/ivr_flows", Some(&rania)).await.status, 403);

    assert_eq!(send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(main_flow())).await.status, 201);
    assert_eq!(app.get("/api/v1/ivr_flows/main", Some(&rania)).await.status, 403);
    let a = app.get("/api/v1/ivr_flows/main", Some(&sara)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), main_flow());
    assert_eq!(send(&app, "DELETE", "/api/v1/ivr_flows/main", &sara, None).await.status, 403);
    assert_eq!(app.get("/api/v1/ivr_flows/main", Some(&sara)).await.status, 200, "still there");
}

#[tokio::test]
async fn an_entry_point_maps_a_number_to_its_flow() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let admin = app.token("admin", "demo-admin", "supervisor").await;
        let store = app.state.store.clone();
        assert_eq!(send(&app, "PUT", "/api/v1/ivr_flows/main", &admin, Some(main_flow())).await.status, 201);

        // Written with Persian digits and separators: one entry, `+982112345678`.
        let path = "/api/v1/entry_points/+98%20(21)%20%DB%B1%DB%B2%DB%B3%DB%B4-5678";
        let a = send(&app, "PUT", path, &admin, Some(json!({ "flow": "main" }))).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(a.json()["entry"], "+982112345678", "{db}");
        assert_eq!(a.json()["kind"], "phone");

        let flow = store.flow_for_entry("+98 21 1234 5678").await.unwrap().expect("the number has a flow");
        assert_eq!(flow.name, "main", "{db}");
        assert_eq!(flow, Flow::parse(&main_flow().to_string()).unwrap(), "{db}");
        assert!(store.flow_for_entry("+982100000000").await.unwrap().is_none(), "{db}");
        assert!(store.flow_for_entry("anonymous").await.unwrap().is_none(), "{db}");

        // A web button, and a second flow to move it to.
        let mut web = main_flow();
        web["name"] = json!("web");
        assert_eq!(send(&app, "PUT", "/api/v1/ivr_flows/web", &admin, Some(web)).await.status, 201);
        let a = send(&app, "PUT", "/api/v1/entry_points/web:support", &admin, Some(json!({ "flow": "main" }))).await;
        assert_eq!(a.json()["kind"], "web", "{db}");
        let a = send(&app, "PUT", "/api/v1/entry_points/web:support", &admin, Some(json!({ "flow": "web" }))).await;
        assert_eq!(a.status, 200, "{db}");
        assert_eq!(store.flow_for_entry("web:support").await.unwrap().unwrap().name, "web", "{db}");

        let list = app.get("/api/v1/entry_points", Some(&admin)).await.json();
        let pairs: Vec<(String, String)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["entry"].as_str().unwrap().to_owned(), e["flow"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(pairs, [("+982112345678".into(), "main".into()), ("web:support".into(), "web".into())], "{db}");
        let one = app.get("/api/v1/entry_points/%2B982112345678", Some(&admin)).await;
        assert_eq!(one.json()["flow"], "main", "{db}");

        // No such flow, not an entry.
        let a = send(&app, "PUT", "/api/v1/entry_points/100", &admin, Some(json!({ "flow": "nope" }))).await;
        assert_eq!(a.status, 422, "{db}");
        let a = send(&app, "PUT", "/api/v1/entry_points/call-me", &admin, Some(json!({ "flow": "main" }))).await;
        assert_eq!(a.status, 422, "{db}");
        assert_eq!(app.get("/api/v1/entry_points/100", Some(&admin)).await.status, 404, "{db}");

        // A flow in use stays; once free it goes.
        let a = send(&app, "DELETE", "/api/v1/ivr_flows/main", &admin, None).await;
        assert_eq!(a.status, 409, "{db}");
        assert!(a.json()["detail"].as_str().unwrap().contains("+982112345678"), "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/entry_points/+982112345678", &admin, None).await.status, 204);
        assert!(store.flow_for_entry("+982112345678").await.unwrap().is_none(), "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/entry_points/+982112345678", &admin, None).await.status, 404);
        assert_eq!(send(&app, "DELETE", "/api/v1/ivr_flows/main", &admin, None).await.status, 204, "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/ivr_flows/main", &admin, None).await.status, 404, "{db}");
    }
}

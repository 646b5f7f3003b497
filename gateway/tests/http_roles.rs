//! Every route refuses the anonymous and the wrong role.
//!
//! The router and the OpenAPI document are built together (utoipa-axum), and
//! each operation's security requirement lists the roles allowed. This test
//! walks the document: for every operation it expects 401 without a session
//! and 403 for each role not listed, and neither for the roles listed. A
//! route that forgets its check, or a document that lies about it, fails.

mod common;

use gateway::config::Config;
use shared::Role;

/// Routes open to everyone, by design: the web call button's are for
/// strangers' pages, and check each widget's origins instead
/// (`tests/widget.rs`).
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/sessions"),
    ("GET", "/api/v1/widgets/{id}"),
    ("POST", "/api/v1/widgets/{id}/callbacks"),
    ("GET", "/api/v1/widgets/{id}/call"),
];

fn password(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Agent => ("rania", "demo-agent"),
        Role::Supervisor => ("sara", "demo-supervisor"),
        Role::Admin => ("admin", "demo-admin"),
    }
}

#[tokio::test]
async fn every_route_checks_session_and_role() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let (u, p) = password(role);
        let app_name = if role == Role::Agent { "agent" } else { "supervisor" };
        tokens.push((role, app.token(u, p, app_name).await));
    }
    let rania = app.state.store.user_by_username("rania").await.unwrap().unwrap().id;
    let omid = app.state.store.user_by_username("omid").await.unwrap().unwrap().id;

    let doc = serde_json::to_value(gateway::http::api().1).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            // Signing an agent out would end the agent session the walk uses.
            let id = if path == "/api/v1/agents/{id}/logout" { omid } else { rania };
            let concrete = path.replace("{id}", &id.to_string());
            let Some(security) = op.get("security") else {
                assert!(
                    PUBLIC.contains(&(method.as_str(), path.as_str())),
                    "{method} {path} has no security requirement and is not on the public list"
                );
                continue;
            };
            let allowed: Vec<Role> = security[0]["session"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path}: security names no roles"))
                .iter()
                .map(|r| Role::parse(r.as_str().unwrap()).unwrap())
                .collect();
            assert!(!allowed.is_empty(), "{method} {path}: security lists no roles");
            let body = (method != "GET" && method != "DELETE").then(|| serde_json::json!({}));

            let anon = app.call(common::request(&method, &concrete, None, body.clone())).await;
            assert_eq!(anon.status, 401, "{method} {path} without a session");
            assert_eq!(anon.headers["content-type"], "application/problem+json", "{method} {path}");
            let junk = app.call(common::request(&method, &concrete, Some("not-a-token"), body.clone())).await;
            assert_eq!(junk.status, 401, "{method} {path} with a junk cookie");

            for (role, token) in &tokens {
                // Signing out would end the session the rest of the walk uses.
                if method == "DELETE" && path == "/api/v1/sessions/current" {
                    continue;
                }
                // As the app's own pages would send it (the WebSocket needs it).
                let mut req = common::request(&method, &concrete, Some(token), body.clone());
                req.headers_mut().insert("origin", "http://127.0.0.1:8080".parse().unwrap());
                let a = app.call(req).await;
                if allowed.contains(role) {
                    assert!(a.status != 401 && a.status != 403, "{method} {path} as {role:?}: {}", a.status);
                } else {
                    assert_eq!(a.status, 403, "{method} {path} as {role:?}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "walked only {checked} protected operations");
}

#[tokio::test]
async fn an_agent_cannot_read_another_agents_record() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let rania = app.token("rania", "demo-agent", "agent").await;
    let store = &app.state.store;
    let rania_id = store.user_by_username("rania").await.unwrap().unwrap().id;
    let omid_id = store.user_by_username("omid").await.unwrap().unwrap().id;

    let own = app.get(&format!("/api/v1/agents/{rania_id}"), Some(&rania)).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.json()["username"], "rania");
    assert!(!own.json()["queue_ids"].as_array().unwrap().is_empty());

    let other = app.get(&format!("/api/v1/agents/{omid_id}"), Some(&rania)).await;
    assert_eq!(other.status, 403);
    assert_eq!(other.json()["code"], "forbidden");
    assert_eq!(app.get("/api/v1/agents", Some(&rania)).await.status, 403);

    let sara = app.token("sara", "demo-supervisor", "supervisor").await;
    assert_eq!(app.get(&format!("/api/v1/agents/{omid_id}"), Some(&sara)).await.json()["username"], "omid");
    let all = app.get("/api/v1/agents", Some(&sara)).await.json();
    assert!(all.as_array().unwrap().len() >= 4);
}

#[tokio::test]
async fn openapi_document_is_served_and_complete() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let a = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(a.status, 200);
    let doc = a.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in ["/api/v1/sessions", "/api/v1/sessions/current", "/api/v1/ws", "/api/v1/customers/{id}", "/healthz"] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the document");
    }
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
}

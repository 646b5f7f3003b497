//! The supervisor desktop's Settings through the REST API, on SQLite and
//! PostgreSQL: accounts changed, disabled, deleted and given a new password
//! by administrators only (agents and supervisors get 403), each change
//! audited, wrong values answered 422 naming the field; and the UI
//! languages' message files the apps fetch, served with a long cache life
//! only when the address carries their version.

mod common;

use gateway::config::Config;
use gateway::store::AuditEntry;
use serde_json::{Value, json};

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

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.state.store.user_by_username(username).await.unwrap().unwrap().id
}

/// The newest audit entry with `action`.
async fn last_audit(app: &TestApp, action: &str) -> Option<AuditEntry> {
    app.state.store.audit_entries(200).await.unwrap().into_iter().find(|e| e.action == action)
}

#[tokio::test]
async fn only_admins_change_accounts_and_every_change_is_audited() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let admin = app.token("admin", "demo-admin", "supervisor").await;
        let sara = app.token("sara", "demo-supervisor", "supervisor").await;
        let rania = app.token("rania", "demo-agent", "agent").await;
        let admin_id = user_id(&app, "admin").await;
        let rania_id = user_id(&app, "rania").await;

        // The list, with the disabled flag.
        let list = send(&app, "GET", "/api/v1/users", &admin, None).await;
        assert_eq!(list.status, 200, "{db}");
        let list = list.json();
        let row = list.as_array().unwrap().iter().find(|u| u["username"] == "rania").expect("rania listed").clone();
        assert_eq!((row["id"].as_i64(), row["disabled"].as_bool()), (Some(rania_id), Some(false)), "{db}");

        // Agents and supervisors may do none of it.
        let before = app.state.store.user(rania_id).await.unwrap().unwrap();
        let path = format!("/api/v1/users/{rania_id}");
        let pw = format!("/api/v1/users/{rania_id}/password");
        for (who, token) in [("agent", &rania), ("supervisor", &sara)] {
            assert_eq!(send(&app, "GET", "/api/v1/users", token, None).await.status, 403, "{db}: {who} lists");
            let a = send(&app, "PATCH", &path, token, Some(json!({ "display_name": "X" }))).await;
            assert_eq!(a.status, 403, "{db}: {who} changes");
            assert_eq!(send(&app, "DELETE", &path, token, None).await.status, 403, "{db}: {who} deletes");
            let a = send(&app, "PUT", &pw, token, Some(json!({ "password": "long-enough-1" }))).await;
            assert_eq!(a.status, 403, "{db}: {who} resets a password");
        }
        assert_eq!(app.state.store.user(rania_id).await.unwrap().unwrap(), before, "{db}: unchanged");

        // A new account, then its name, role and language changed.
        let new =
            json!({ "username": "newbie", "display_name": "New Bie", "role": "agent", "password": "first-pass-123" });
        let a = send(&app, "POST", "/api/v1/users", &admin, Some(new)).await;
        assert_eq!(a.status, 201, "{db}: {}", String::from_utf8_lossy(&a.body));
        let newbie = a.json()["id"].as_i64().unwrap();
        let change = json!({ "display_name": "  Neda B  ", "role": "supervisor", "language": "fa" });
        let a = send(&app, "PATCH", &format!("/api/v1/users/{newbie}"), &admin, Some(change)).await;
        assert_eq!(a.status, 200, "{db}: {}", String::from_utf8_lossy(&a.body));
        let body = a.json();
        assert_eq!(
            (
                body["display_name"].as_str(),
                body["role"].as_str(),
                body["language"].as_str(),
                body["disabled"].as_bool()
            ),
            (Some("Neda B"), Some("supervisor"), Some("fa"), Some(false)),
            "{db}"
        );
        let stored = app.state.store.user(newbie).await.unwrap().unwrap();
        assert_eq!(
            (stored.display_name.as_str(), stored.role.as_str(), stored.language.as_str()),
            ("Neda B", "supervisor", "fa")
        );
        let entry = last_audit(&app, "user.updated").await.expect("audited");
        assert_eq!(entry.actor_id, Some(admin_id), "{db}");
        assert_eq!(entry.target.as_deref(), Some(format!("user:{newbie}:display_name,role,language").as_str()), "{db}");

        // Wrong values name their field; unknown fields and ids are refused.
        let np = format!("/api/v1/users/{newbie}");
        assert_invalid(&send(&app, "PATCH", &np, &admin, Some(json!({ "language": "xx" }))).await, "language", db);
        assert_invalid(
            &send(&app, "PATCH", &np, &admin, Some(json!({ "display_name": " " }))).await,
            "display_name",
            db,
        );
        let long = "n".repeat(101);
        assert_invalid(
            &send(&app, "PATCH", &np, &admin, Some(json!({ "display_name": long }))).await,
            "display_name",
            db,
        );
        assert_eq!(send(&app, "PATCH", &np, &admin, Some(json!({ "team": "a" }))).await.status, 400, "{db}");
        assert_eq!(send(&app, "PATCH", &np, &admin, Some(json!({ "role": "boss" }))).await.status, 400, "{db}");
        assert_eq!(send(&app, "PATCH", "/api/v1/users/999999", &admin, Some(json!({}))).await.status, 404, "{db}");
        let me = format!("/api/v1/users/{admin_id}");
        assert_invalid(&send(&app, "PATCH", &me, &admin, Some(json!({ "disabled": true }))).await, "disabled", db);
        assert_invalid(&send(&app, "PATCH", &me, &admin, Some(json!({ "role": "agent" }))).await, "role", db);
        assert_invalid(&send(&app, "DELETE", &me, &admin, None).await, "id", db);

        // Disabled: the agent's session ends at once and she cannot sign in.
        let a = send(&app, "PATCH", &path, &admin, Some(json!({ "disabled": true }))).await;
        assert_eq!((a.status, a.json()["disabled"].as_bool()), (200, Some(true)), "{db}");
        assert_eq!(app.get("/api/v1/sessions/current", Some(&rania)).await.status, 401, "{db}: session ended");
        assert_eq!(app.login("rania", "demo-agent", "agent").await.status, 401, "{db}: cannot sign in");
        let entry = last_audit(&app, "user.disabled").await.expect("audited");
        assert_eq!(entry.target.as_deref(), Some(format!("user:{rania_id}:disabled").as_str()), "{db}");
        let a = send(&app, "PATCH", &path, &admin, Some(json!({ "disabled": false }))).await;
        assert_eq!(a.status, 200, "{db}");
        assert!(last_audit(&app, "user.enabled").await.is_some(), "{db}");
        let rania = app.token("rania", "demo-agent", "agent").await;

        // A new password: at least 10 characters; the old one stops working
        // and so do her sessions.
        assert_invalid(&send(&app, "PUT", &pw, &admin, Some(json!({ "password": "short" }))).await, "password", db);
        assert_eq!(send(&app, "PUT", &pw, &admin, Some(json!({ "pw": "x" }))).await.status, 400, "{db}");
        let a = send(&app, "PUT", &pw, &admin, Some(json!({ "password": "a-new-secret-42" }))).await;
        assert_eq!(a.status, 204, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(app.get("/api/v1/sessions/current", Some(&rania)).await.status, 401, "{db}: session ended");
        assert_eq!(app.login("rania", "demo-agent", "agent").await.status, 401, "{db}: old password");
        app.token("rania", "a-new-secret-42", "agent").await;
        let entry = last_audit(&app, "user.password_reset").await.expect("audited");
        assert_eq!(entry.target.as_deref(), Some(format!("user:{rania_id}").as_str()), "{db}");
        let audits = app.state.store.audit_entries(500).await.unwrap();
        assert!(
            audits.iter().all(|e| !e.target.as_deref().unwrap_or("").contains("a-new-secret")),
            "{db}: no password in the audit log"
        );

        // Delete: an account with no history goes; one that changed
        // something stays (disable it instead).
        assert_eq!(send(&app, "DELETE", &np, &admin, None).await.status, 204, "{db}");
        assert!(app.state.store.user(newbie).await.unwrap().is_none(), "{db}: gone");
        assert_eq!(send(&app, "DELETE", &np, &admin, None).await.status, 404, "{db}: already gone");
        let entry = last_audit(&app, "user.deleted").await.expect("audited");
        assert_eq!(entry.target.as_deref(), Some(format!("user:{newbie}:newbie").as_str()), "{db}");
        let sara_id = user_id(&app, "sara").await;
        let a = send(&app, "POST", &format!("/api/v1/agents/{rania_id}/logout"), &sara, None).await;
        assert_eq!(a.status, 204, "{db}: sara does something audited");
        let a = send(&app, "DELETE", &format!("/api/v1/users/{sara_id}"), &admin, None).await;
        assert_eq!(a.status, 409, "{db}: {}", String::from_utf8_lossy(&a.body));
        assert!(app.state.store.user(sara_id).await.unwrap().is_some(), "{db}: kept");
    }
}

#[tokio::test]
async fn message_files_are_served_as_text_and_cached_only_by_version() {
    let dir = std::env::temp_dir().join(format!("cc-settings-i18n-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("i18n")).unwrap();
    let text = "logout = خروج\n";
    std::fs::write(dir.join("i18n/fa.ftl"), text).unwrap();
    let mut config = Config::default();
    config.http.ui_dir = dir.clone();
    let app = common::demo_app(common::sqlite().await, config).await;

    let a = app.get("/i18n/fa.ftl?v=0123abcd", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(String::from_utf8(a.body.clone()).unwrap(), text);
    assert_eq!(a.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(a.headers["cache-control"], "public, max-age=31536000, immutable");
    // Without a version it may change under the same address.
    let a = app.get("/i18n/fa.ftl", None).await;
    assert_eq!((a.status, a.headers["cache-control"].to_str().unwrap()), (200, "no-cache"));
    let a = app.get("/i18n/fa.ftl?v=", None).await;
    assert_eq!(a.headers["cache-control"], "no-cache");
    // A missing language is a plain 404 the app falls back from.
    let a = app.get("/i18n/xx.ftl?v=1", None).await;
    assert_eq!(a.status, 404);
    assert!(a.headers.get("cache-control").is_none_or(|v| v != "public, max-age=31536000, immutable"));
    let _ = std::fs::remove_dir_all(&dir);
}

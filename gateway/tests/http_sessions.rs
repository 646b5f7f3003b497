//! Signing in and out: cookies, rotation, revocation, timeouts, throttling,
//! and problem+json for bad input.

mod common;

use std::time::Duration;

use gateway::config::Config;

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_answers_the_user() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let a = app.login("rania", "demo-agent", "agent").await;
    assert_eq!(a.status, 201);
    let cookie = a.headers["set-cookie"].to_str().unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP by default");
    let token = a.session_token().unwrap();
    assert!(token.len() >= 22, "at least 128 bits");
    let body = a.json();
    assert_eq!(body["user"]["username"], "rania");
    assert_eq!(body["user"]["role"], "agent");
    assert!(body.get("password_hash").is_none() && !String::from_utf8_lossy(&a.body).contains("argon2"));

    let me = app.get("/api/v1/sessions/current", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["user"]["display_name"], "Rania Haddad");
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let mut config = Config::default();
    config.http.secure_cookies = true;
    let app = common::demo_app(common::sqlite().await, config).await;
    let a = app.login("rania", "demo-agent", "agent").await;
    assert!(a.headers["set-cookie"].to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same_and_set_no_cookie() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let wrong = app.login("rania", "nope", "agent").await;
    let unknown = app.login("nobody", "nope", "agent").await;
    for a in [&wrong, &unknown] {
        assert_eq!(a.status, 401);
        assert_eq!(a.headers["content-type"], "application/problem+json");
        assert_eq!(a.json()["code"], "invalid_credentials");
        assert!(a.headers.get("set-cookie").is_none());
    }
    assert_eq!(wrong.body, unknown.body);
    let audit = app.state.store.audit_entries(10).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "login.failed").count(), 2);
}

#[tokio::test]
async fn an_agent_gets_no_session_from_the_supervisor_app() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let a = app.login("rania", "demo-agent", "supervisor").await;
    assert_eq!(a.status, 403);
    assert_eq!(a.json()["code"], "wrong_app");
    assert!(a.headers.get("set-cookie").is_none());
    // A supervisor may use both apps.
    assert_eq!(app.login("sara", "demo-supervisor", "agent").await.status, 201);
}

#[tokio::test]
async fn login_rotates_and_logout_revokes() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let first = app.token("rania", "demo-agent", "agent").await;
    // Logging in again from the same browser ends the old session.
    let body = serde_json::json!({ "username": "rania", "password": "demo-agent", "app": "agent" });
    let again = app.call(common::request("POST", "/api/v1/sessions", Some(&first), Some(body))).await;
    assert_eq!(again.status, 201);
    let second = again.session_token().unwrap();
    assert_ne!(first, second);
    assert_eq!(app.get("/api/v1/sessions/current", Some(&first)).await.status, 401);
    assert_eq!(app.get("/api/v1/sessions/current", Some(&second)).await.status, 200);

    let out = app.call(common::request("DELETE", "/api/v1/sessions/current", Some(&second), None)).await;
    assert_eq!(out.status, 204);
    assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(app.get("/api/v1/sessions/current", Some(&second)).await.status, 401);
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let mut config = Config::default();
    config.sessions.idle_timeout_secs = 600;
    config.sessions.absolute_timeout_secs = 1800;
    let app = common::demo_app(common::sqlite().await, config).await;

    let idle = app.token("rania", "demo-agent", "agent").await;
    app.clock.advance(Duration::from_secs(599));
    assert_eq!(app.get("/api/v1/sessions/current", Some(&idle)).await.status, 200, "used just in time");
    app.clock.advance(Duration::from_secs(599));
    assert_eq!(app.get("/api/v1/sessions/current", Some(&idle)).await.status, 200, "use renewed it");
    app.clock.advance(Duration::from_secs(601));
    assert_eq!(app.get("/api/v1/sessions/current", Some(&idle)).await.status, 401, "idle too long");

    let busy = app.token("omid", "demo-agent", "agent").await;
    for _ in 0..5 {
        app.clock.advance(Duration::from_secs(300));
        assert_eq!(app.get("/api/v1/sessions/current", Some(&busy)).await.status, 200);
    }
    app.clock.advance(Duration::from_secs(300));
    assert_eq!(app.get("/api/v1/sessions/current", Some(&busy)).await.status, 401, "30 min after login, however busy");
}

#[tokio::test]
async fn failed_logins_are_limited_per_account() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    for _ in 0..5 {
        assert_eq!(app.login("omid", "guess", "agent").await.status, 401);
    }
    // Now even the right password waits.
    let locked = app.login("omid", "demo-agent", "agent").await;
    assert_eq!(locked.status, 429);
    assert_eq!(locked.json()["code"], "rate_limited");
    let retry: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
    // Other accounts are not locked.
    assert_eq!(app.login("elif", "demo-agent", "agent").await.status, 201);
    app.clock.advance(Duration::from_secs(901));
    assert_eq!(app.login("omid", "demo-agent", "agent").await.status, 201);
}

#[tokio::test]
async fn attempts_are_limited_per_source_address() {
    let mut config = Config::default();
    config.login_limits.address_attempts = 8;
    let app = common::demo_app(common::sqlite().await, config).await;
    for i in 0..8 {
        assert_eq!(app.login(&format!("user{i}"), "x", "agent").await.status, 401);
    }
    assert_eq!(app.login("rania", "demo-agent", "agent").await.status, 429);
    app.clock.advance(Duration::from_secs(301));
    assert_eq!(app.login("rania", "demo-agent", "agent").await.status, 201);
}

#[tokio::test]
async fn bad_bodies_get_problem_json() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    for body in [
        serde_json::json!({ "username": "rania" }),
        serde_json::json!({ "username": "rania", "password": "x", "app": "root" }),
        serde_json::json!([1, 2, 3]),
    ] {
        let a = app.call(common::request("POST", "/api/v1/sessions", None, Some(body))).await;
        assert_eq!(a.status, 400);
        assert_eq!(a.headers["content-type"], "application/problem+json");
        assert_eq!(a.json()["code"], "bad_request");
    }
    let raw = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/sessions")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    assert_eq!(app.call(raw).await.status, 400);
    let nf = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(nf.status, 404);
    assert_eq!(nf.json()["code"], "not_found");
    let admin = app.token("admin", "demo-admin", "supervisor").await;
    let bad_id = app.get("/api/v1/customers/abc", Some(&admin)).await;
    assert_eq!(bad_id.status, 400);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let body = serde_json::json!({ "username": "rania", "password": "demo-agent", "app": "agent" });
    let mut req = common::request("POST", "/api/v1/sessions", None, Some(body.clone()));
    req.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    assert_eq!(app.call(req).await.status, 403);
    let mut req = common::request("POST", "/api/v1/sessions", None, Some(body));
    req.headers_mut().insert("origin", "http://127.0.0.1:8080".parse().unwrap());
    assert_eq!(app.call(req).await.status, 201);
}

#[tokio::test]
async fn admins_create_accounts_that_can_sign_in() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let admin = app.token("admin", "demo-admin", "supervisor").await;
    let new = serde_json::json!({ "username": "Nadia", "display_name": "Nadia", "role": "agent", "password": "long enough pass", "language": "ar" });
    let a = app.call(common::request("POST", "/api/v1/users", Some(&admin), Some(new.clone()))).await;
    assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["username"], "nadia");
    assert_eq!(app.call(common::request("POST", "/api/v1/users", Some(&admin), Some(new))).await.status, 409);
    let short = serde_json::json!({ "username": "x", "display_name": "X", "role": "agent", "password": "short" });
    let a = app.call(common::request("POST", "/api/v1/users", Some(&admin), Some(short))).await;
    assert_eq!(a.status, 400);
    assert!(a.json()["detail"].as_str().unwrap().contains("password"));
    assert_eq!(app.login("nadia", "long enough pass", "agent").await.status, 201);
}

#[tokio::test]
async fn health_and_metrics() {
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let h = app.get("/healthz", None).await;
    assert_eq!(h.status, 200);
    app.login("rania", "wrong", "agent").await;
    let m = app.get("/metrics", None).await;
    assert_eq!(m.status, 200);
    let text = String::from_utf8(m.body).unwrap();
    assert!(text.contains("cc_logins_total{result=\"failed\"}"), "{text}");
    assert!(text.contains("cc_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"2xx\"}"), "{text}");
    assert!(!text.contains("rania"), "no user names in metrics");
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        assert!(line.starts_with("cc_"), "metric without the cc_ prefix: {line}");
    }
    // A database that stops answering makes the gateway unhealthy.
    app.state.store.close().await;
    let h = app.get("/healthz", None).await;
    assert_eq!(h.status, 500);
    assert_eq!(h.json()["code"], "internal");
}

//! The web call button's public routes: who may use them (each widget's
//! origins), what they answer (nothing about other customers), the callback
//! request (a signed token names the customer; any other token is ignored),
//! and the per-source limit. The call itself is proven in Chromium
//! (`e2e/tests/18-web-call-button`, `19-rania-story`).

mod common;

use base64::Engine;
use gateway::config::{Config, Secret, WidgetConfig};
use hmac::{Hmac, Mac};

const SECRET: &str = "a widget secret of 32 characters";
const SHOP: &str = "https://shop.example";

fn config() -> Config {
    let mut c = Config::default();
    c.widgets.push(WidgetConfig {
        id: "shop".into(),
        entry: "web:shop".into(),
        queue: Some("support".into()),
        allowed_origins: vec![SHOP.into()],
        secret: Some(Secret::from(SECRET)),
        callback_after_secs: 300,
        calls_per_minute: 2,
        max_calls: 1,
        callbacks_per_hour: 60,
        callback_prefixes: vec!["+966".into(), "+98".into(), "+1".into()],
    });
    c.widgets.push(WidgetConfig { id: "plain".into(), queue: None, secret: None, ..c.widgets[0].clone() });
    c
}

fn token(customer: &str, exp: i64, key: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = b64.encode(serde_json::json!({ "customer": customer, "exp": exp }).to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    format!("{payload}.{}", b64.encode(mac.finalize().into_bytes()))
}

fn from(
    origin: &str,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> axum::http::Request<axum::body::Body> {
    let mut req = common::request(method, path, None, body);
    req.headers_mut().insert("origin", origin.parse().unwrap());
    req
}

#[tokio::test]
async fn each_widget_answers_its_own_sites_only() {
    let app = common::demo_app(common::sqlite().await, config()).await;

    let ok = app.call(from(SHOP, "GET", "/api/v1/widgets/shop", None)).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.headers["access-control-allow-origin"], SHOP);
    let status = ok.json();
    // Nobody is working (no call control here): offer the callback.
    assert_eq!(status["open"], true, "no hours in a missing flow: open");
    assert_eq!(status["callbacks"], true);
    assert_eq!(status["suggest_callback"], true);
    assert!(status.get("wait_secs").is_none());

    let own = app.call(from("http://127.0.0.1:8080", "GET", "/api/v1/widgets/shop", None)).await;
    assert_eq!(own.status, 200, "the gateway's own pages (the demo page) may");
    let evil = app.call(from("https://evil.example", "GET", "/api/v1/widgets/shop", None)).await;
    assert_eq!(evil.status, 403);
    assert_eq!(evil.headers["content-type"], "application/problem+json");
    assert!(evil.headers.get("access-control-allow-origin").is_none());
    assert_eq!(app.get("/api/v1/widgets/nope", None).await.status, 404);

    let pre = app.call(from(SHOP, "OPTIONS", "/api/v1/widgets/shop/callbacks", None)).await;
    assert_eq!(pre.status, 204);
    assert_eq!(pre.headers["access-control-allow-origin"], SHOP);
    assert_eq!(pre.headers["access-control-allow-methods"], "POST");
    let pre = app.call(from("https://evil.example", "OPTIONS", "/api/v1/widgets/shop/callbacks", None)).await;
    assert_eq!(pre.status, 403);

    // The call's socket needs an allowed Origin before anything else.
    let ws = app.call(from("https://evil.example", "GET", "/api/v1/widgets/shop/call", None)).await;
    assert_eq!(ws.status, 403);
    let ws = app.get("/api/v1/widgets/shop/call", None).await;
    assert_eq!(ws.status, 403, "no Origin: not a browser page");

    let script = app.get("/widget.js", None).await;
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(script.body.len() < 50 * 1024, "the script stays small: {} bytes", script.body.len());
    assert_eq!(app.get("/demo/widget", None).await.status, 200);
}

#[tokio::test]
async fn a_callback_request_names_the_customer_only_with_a_good_token() {
    let app = common::demo_app(common::sqlite().await, config()).await;
    let now = app.state.clock.now_ms() / 1000;
    let youssef = app.state.store.customers().by_code("1001").await.unwrap().unwrap();
    let ask = |number: &str, token: Option<String>| {
        let mut body = serde_json::json!({ "number": number });
        if let Some(t) = token {
            body["token"] = t.into();
        }
        from(SHOP, "POST", "/api/v1/widgets/shop/callbacks", Some(body))
    };

    let signed = app.call(ask("+966 50 123 4567", Some(token("1001", now + 600, SECRET)))).await;
    assert_eq!(signed.status, 201, "{}", String::from_utf8_lossy(&signed.body));
    assert_eq!(signed.headers["access-control-allow-origin"], SHOP);
    assert!(!String::from_utf8_lossy(&signed.body).contains("123"), "the number is not answered back");
    let forged =
        app.call(ask("+۹۸ ۹۱۲ ۱۱۱ ۲۲۳۳", Some(token("1001", now + 600, "another key, also 32 characters")))).await;
    assert_eq!(forged.status, 201, "a bad token is ignored, not refused");
    let expired = app.call(ask("+989121112234", Some(token("1001", now - 1, SECRET)))).await;
    assert_eq!(expired.status, 201);

    let rows = app.state.store.callbacks(None, Some("support"), None, 10).await.unwrap();
    let by_number = |n: &str| rows.iter().find(|r| r.number == n).unwrap_or_else(|| panic!("{n} stored"));
    assert_eq!(by_number("+966501234567").customer_id, Some(youssef.id), "the signed token names him");
    assert_eq!(by_number("+989121112233").customer_id, None, "Persian digits read; the forged token names nobody");
    assert_eq!(by_number("+989121112234").customer_id, None, "expired");
    assert!(rows.iter().all(|r| r.created_by.is_none()));

    let bad = app.call(ask("call me", None)).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.headers["access-control-allow-origin"], SHOP, "the page can read why");
    let unknown = app
        .call(from(
            SHOP,
            "POST",
            "/api/v1/widgets/shop/callbacks",
            Some(serde_json::json!({ "number": "+14155550123", "extra": 1 })),
        ))
        .await;
    assert_eq!(unknown.status, 400, "unknown fields are refused");

    // Five an hour per source address, the refused ones counted too (not
    // the unreadable one, refused before it is looked at).
    let again = app.call(ask("+966501234567", None)).await;
    assert_eq!(again.status, 201, "the fifth: a number already waiting");
    let rows = app.state.store.callbacks(None, Some("support"), None, 10).await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.number == "+966501234567").count(), 1, "is the same callback");
    let limited = app.call(ask("+14155550124", None)).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["content-type"], "application/problem+json");

    // Numbers the widget does not call back are refused (another source).
    let mut foreign =
        from(SHOP, "POST", "/api/v1/widgets/shop/callbacks", Some(serde_json::json!({ "number": "+4420 7946 0000" })));
    foreign.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([192, 0, 2, 7], 5000))));
    let foreign = app.call(foreign).await;
    assert_eq!(foreign.status, 422, "{}", String::from_utf8_lossy(&foreign.body));

    let none = app
        .call(from(
            SHOP,
            "POST",
            "/api/v1/widgets/plain/callbacks",
            Some(serde_json::json!({ "number": "+14155550123" })),
        ))
        .await;
    assert_eq!(none.status, 404, "a widget without a queue takes no callbacks");
}

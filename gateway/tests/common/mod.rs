//! Helpers the integration tests share: a store on each database, a demo
//! app on a virtual clock, and request helpers.
#![allow(dead_code)]

pub mod desk;
pub mod softphone;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, Response, header};
use gateway::config::Config;
use gateway::http::{AppState, Clock, ManualClock};
use gateway::store::Store;
use http_body_util::BodyExt;
use tokio::sync::watch;
use tower::ServiceExt;

/// A fresh, migrated store on each database the run has: SQLite always,
/// PostgreSQL when `CC_TEST_POSTGRES_URL` names a server where we may create
/// databases (`cargo xtask test` starts one). With `CC_REQUIRE_POSTGRES=1`
/// a missing PostgreSQL is a failure, not a skip.
pub async fn stores() -> Vec<(&'static str, Store)> {
    let mut out = vec![("sqlite", sqlite().await)];
    match std::env::var("CC_TEST_POSTGRES_URL") {
        Ok(admin) => out.push(("postgres", postgres(&admin).await)),
        Err(_) => {
            assert!(
                std::env::var("CC_REQUIRE_POSTGRES").is_err(),
                "CC_REQUIRE_POSTGRES is set but CC_TEST_POSTGRES_URL is not"
            );
            eprintln!("note: CC_TEST_POSTGRES_URL is not set; PostgreSQL half skipped (cargo xtask test runs it)");
        }
    }
    out
}

pub async fn sqlite() -> Store {
    let dir = std::env::temp_dir().join(format!("cc-test-{}-{}", std::process::id(), rand::random::<u64>()));
    let url = format!("sqlite://{}/cc.db", dir.display());
    let store = Store::connect(&url, 4).await.expect("sqlite opens");
    store.migrate().await.expect("sqlite migrates");
    store
}

async fn postgres(admin: &str) -> Store {
    let name = format!("cc_test_{}", rand::random::<u64>());
    let admin_store = Store::connect(admin, 1).await.expect("postgres admin connects");
    admin_store.execute_admin(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin_store.close().await;
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("CC_TEST_POSTGRES_URL has no database part"),
    };
    let store = Store::connect(&url, 4).await.expect("postgres connects");
    store.migrate().await.expect("postgres migrates");
    store
}

/// The demo app on `store`, with a clock the test moves.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub clock: ManualClock,
    _stop: watch::Sender<bool>,
}

pub async fn demo_app(store: Store, config: Config) -> TestApp {
    let (clock, manual) = Clock::manual();
    gateway::demo::seed_demo(&store, clock.now_ms()).await.expect("demo data");
    let (stop, stop_rx) = watch::channel(false);
    let bound: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let state = AppState::new(store, config, bound, clock, Some(gateway::metrics_handle()), None, stop_rx);
    let router = gateway::http::app(state.clone()).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 9], 40000))));
    TestApp { state, router, clock: manual, _stop: stop }
}

pub struct Answer {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `cc_session` token the answer sets, if any.
    pub fn session_token(&self) -> Option<String> {
        let c = self.headers.get(header::SET_COOKIE)?.to_str().ok()?;
        let v = c.split(';').next()?.strip_prefix("cc_session=")?;
        (!v.is_empty()).then(|| v.to_owned())
    }
}

impl TestApp {
    pub async fn call(&self, req: Request<Body>) -> Answer {
        let resp: Response<Body> = self.router.clone().oneshot(req).await.expect("router answers");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
        Answer { status, headers, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(request("GET", path, token, None)).await
    }

    pub async fn login(&self, username: &str, password: &str, app: &str) -> Answer {
        let body = serde_json::json!({ "username": username, "password": password, "app": app });
        self.call(request("POST", "/api/v1/sessions", None, Some(body))).await
    }

    /// Signs in and returns the session token; panics if refused.
    pub async fn token(&self, username: &str, password: &str, app: &str) -> String {
        let a = self.login(username, password, app).await;
        assert_eq!(a.status, 201, "login of {username}: {}", String::from_utf8_lossy(&a.body));
        a.session_token().expect("login sets the cookie")
    }
}

pub fn request(method: &str, path: &str, token: Option<&str>, body: Option<serde_json::Value>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::COOKIE, format!("cc_session={t}"));
    }
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&v).unwrap()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

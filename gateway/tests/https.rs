//! HTTPS and WSS served by the gateway (a real server on loopback with a
//! certificate from `gateway::tls::self_signed`): HSTS and Secure cookies,
//! the plain-HTTP redirector, certificate reload, handshakes that fail or
//! stall; and the client address behind reverse proxies: a forged
//! `X-Forwarded-For` from an untrusted peer changes nothing, a trusted
//! proxy's names the client for the audit log and the login throttle.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use futures_util::StreamExt;
use gateway::config::{Config, IpNet, TlsConfig};
use gateway::http::Clock;
use gateway::store::Store;
use gateway::tls::SelfSigned;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cc-https-{}-{}", std::process::id(), rand::random::<u64>()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn cert() -> SelfSigned {
    gateway::tls::self_signed(&["localhost".into(), "127.0.0.1".into()], 30).unwrap()
}

fn write_pair(dir: &Path, c: &SelfSigned) -> TlsConfig {
    std::fs::write(dir.join("cert.pem"), &c.cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), &c.key_pem).unwrap();
    TlsConfig {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
        redirect_listen: None,
        hsts_max_age_secs: 600,
        reload_check_secs: 1,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    addr: SocketAddr,
    store: Store,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(tls: TlsConfig) -> anyhow::Result<Server> {
    let store = common::sqlite().await;
    gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = Config::default();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    config.http.tls = Some(tls);
    let task = tokio::spawn(gateway::serve(config, store.clone(), listener, None, Clock::system(), async {
        let _ = stopped.await;
    }));
    // `serve` returns early only when it cannot start.
    tokio::time::sleep(Duration::from_millis(300)).await;
    if task.is_finished() {
        return Err(task.await.unwrap().expect_err("serve ended at once"));
    }
    Ok(Server { addr, store, stop, task })
}

/// A client that trusts exactly `certs`.
fn connector(certs: &[&SelfSigned]) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for c in certs {
        roots.add(cert_der(c)).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

fn cert_der(c: &SelfSigned) -> CertificateDer<'static> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(c.cert_pem.as_bytes()).unwrap()
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

async fn tls_connect(connector: &TlsConnector, addr: SocketAddr) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(addr).await?;
    connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP/1.1 request on `io`, read to the end.
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut io: S,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str("Host: 127.0.0.1\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    io.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    // A TLS peer may close without close_notify after the answer.
    let _ = tokio::time::timeout(Duration::from_secs(10), io.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, head: head.to_owned(), body: body.to_owned() }
}

fn login_body(username: &str, password: &str) -> String {
    serde_json::json!({ "username": username, "password": password, "app": "agent" }).to_string()
}

#[tokio::test]
async fn https_and_wss_with_hsts_secure_cookies_and_the_real_peer() {
    let dir = temp_dir();
    let c = cert();
    let s = start(write_pair(&dir, &c)).await.unwrap();
    let tls = connector(&[&c]);

    let a = exchange(tls_connect(&tls, s.addr).await.unwrap(), "GET", "/healthz", &[], "").await;
    assert_eq!(a.status, 200, "{}", a.head);
    assert_eq!(a.header("strict-transport-security"), Some("max-age=600"));

    // Over HTTPS the cookie is Secure although secure_cookies is off, and
    // a forged X-Forwarded-For from this (untrusted) peer is ignored.
    let io = tls_connect(&tls, s.addr).await.unwrap();
    let a = exchange(
        io,
        "POST",
        "/api/v1/sessions",
        &[("X-Forwarded-For", "198.51.100.1"), ("X-Forwarded-Proto", "http")],
        &login_body("rania", "demo-agent"),
    )
    .await;
    assert_eq!(a.status, 201, "{}\n{}", a.head, a.body);
    let cookie = a.header("set-cookie").unwrap().to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let audit = s.store.audit_entries(1).await.unwrap();
    assert_eq!(audit[0].action, "session.created");
    assert_eq!(audit[0].source_addr.as_deref(), Some("127.0.0.1"), "the socket's peer, not the forged header");

    // WSS: the WebSocket upgrades over the same TLS listener.
    let token = cookie.split(';').next().unwrap().to_owned();
    let mut req = format!("wss://localhost:{}/api/v1/ws", s.addr.port()).into_client_request().unwrap();
    req.headers_mut().insert("cookie", token.parse().unwrap());
    req.headers_mut().insert("origin", format!("https://localhost:{}", s.addr.port()).parse().unwrap());
    let io = tls_connect(&tls, s.addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(req, io).await.expect("WSS upgrade");
    let first = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.unwrap().unwrap().unwrap();
    let tungstenite::Message::Text(text) = first else { panic!("expected text, got {first:?}") };
    assert!(text.as_str().contains("\"welcome\""), "{text}");

    // Shutdown closes the TLS listener and the WebSocket in good time.
    let _ = s.stop.send(());
    let r = tokio::time::timeout(Duration::from_secs(5), s.task).await.expect("stopped within 5 s");
    r.unwrap().unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn plain_http_only_redirects_and_bad_handshakes_harm_nobody() {
    let dir = temp_dir();
    let c = cert();
    let redirect_port = free_port();
    let mut config = write_pair(&dir, &c);
    config.redirect_listen = Some(SocketAddr::from(([127, 0, 0, 1], redirect_port)));
    let s = start(config).await.unwrap();
    let tls = connector(&[&c]);
    let plain = SocketAddr::from(([127, 0, 0, 1], redirect_port));

    for (method, path) in [("GET", "/agent/?lang=fa"), ("POST", "/api/v1/sessions"), ("GET", "/healthz")] {
        let io = TcpStream::connect(plain).await.unwrap();
        let a = exchange(io, method, path, &[("Host", "cc.lan:8080")], "").await;
        assert_eq!(a.status, 308, "{method} {path}: {}", a.head);
        let want = format!("https://cc.lan:{}{path}", s.addr.port());
        assert_eq!(a.header("location"), Some(want.as_str()));
        assert_eq!(a.header("strict-transport-security"), None, "no HSTS over plain HTTP");
    }

    // A client that connects and says nothing does not hold up others; one
    // that speaks plain HTTP to the TLS port fails alone.
    let _silent = TcpStream::connect(s.addr).await.unwrap();
    let mut wrong = TcpStream::connect(s.addr).await.unwrap();
    wrong.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), wrong.read_to_end(&mut buf)).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    let a = tokio::time::timeout(
        Duration::from_secs(5),
        exchange(tls_connect(&tls, s.addr).await.unwrap(), "GET", "/healthz", &[], ""),
    )
    .await
    .expect("served while another handshake stalls");
    assert_eq!(a.status, 200);
    let metrics = gateway::metrics_handle().render();
    assert!(metrics.contains("cc_tls_handshake_failures_total{reason=\"error\"}"), "{metrics}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_renewed_certificate_is_served_and_a_broken_one_is_not() {
    let dir = temp_dir();
    let (one, two) = (cert(), cert());
    let config = write_pair(&dir, &one);
    let s = start(config.clone()).await.unwrap();
    let tls = connector(&[&one, &two]);
    let served = |io: &Tls| io.get_ref().1.peer_certificates().unwrap()[0].to_vec();
    let der = |c: &SelfSigned| cert_der(c).to_vec();
    assert_eq!(served(&tls_connect(&tls, s.addr).await.unwrap()), der(&one));

    write_pair(&dir, &two);
    let mut renewed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if served(&tls_connect(&tls, s.addr).await.unwrap()) == der(&two) {
            renewed = true;
            break;
        }
    }
    assert!(renewed, "the new certificate is served within a few seconds");

    // A broken file is logged and the working certificate stays.
    std::fs::write(&config.cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n").unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(served(&tls_connect(&tls, s.addr).await.unwrap()), der(&two));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_missing_or_bad_certificate_stops_the_start_naming_the_key() {
    let dir = temp_dir();
    let c = cert();
    let mut config = write_pair(&dir, &c);
    config.cert = dir.join("missing.pem");
    let e = start(config.clone()).await.err().expect("refused").to_string();
    assert!(e.contains("http.tls.cert") && e.contains("missing.pem"), "{e}");
    std::fs::write(dir.join("other.pem"), cert().key_pem).unwrap();
    let config = TlsConfig { cert: dir.join("cert.pem"), key: dir.join("other.pem"), ..config };
    let e = start(config).await.err().expect("refused").to_string();
    assert!(e.contains("http.tls.key"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

// The client address behind proxies, through the whole router (the peer is
// 127.0.0.9, see `common::demo_app`).

fn login_from(forwarded_for: Option<&str>, proto: Option<&str>, password: &str) -> Request<Body> {
    let mut b = Request::builder().method("POST").uri("/api/v1/sessions").header("content-type", "application/json");
    if let Some(f) = forwarded_for {
        b = b.header("x-forwarded-for", f);
    }
    if let Some(p) = proto {
        b = b.header("x-forwarded-proto", p);
    }
    b.body(Body::from(login_body("omid", password))).unwrap()
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let mut config = Config::default();
    config.login_limits.address_attempts = 3;
    let app = common::demo_app(common::sqlite().await, config).await;
    // Each attempt claims another address; all count against the real one.
    for i in 1..=3 {
        let forged = format!("203.0.113.{i}");
        let a = app.call(login_from(Some(&forged), Some("https"), "wrong")).await;
        assert_eq!(a.status, 401);
    }
    let a = app.call(login_from(Some("198.51.100.77"), None, "demo-agent")).await;
    assert_eq!(a.status, 429, "the fourth attempt from 127.0.0.9 is throttled whatever it claims");
    let audit = app.state.store.audit_entries(10).await.unwrap();
    assert_eq!(audit.len(), 4);
    assert!(audit.iter().all(|e| e.source_addr.as_deref() == Some("127.0.0.9")), "{audit:?}");
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_for_the_audit_log_and_the_throttle() {
    let mut config = Config::default();
    config.login_limits.address_attempts = 2;
    config.http.trusted_proxies = vec![IpNet::try_from("127.0.0.0/8".to_string()).unwrap()];
    let app = common::demo_app(common::sqlite().await, config).await;
    // The client forged the first entry; our proxy appended the real one.
    let a = app.call(login_from(Some("1.1.1.1, 203.0.113.5"), Some("https"), "demo-agent")).await;
    assert_eq!(a.status, 201);
    let cookie = a.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("; Secure"), "the proxy says HTTPS: {cookie}");
    let audit = app.state.store.audit_entries(1).await.unwrap();
    assert_eq!(audit[0].source_addr.as_deref(), Some("203.0.113.5"));

    // The throttle counts per real client: 203.0.113.5 has one attempt left,
    // another client behind the same proxy has its own.
    assert_eq!(app.call(login_from(Some("203.0.113.5"), None, "wrong")).await.status, 401);
    assert_eq!(app.call(login_from(Some("203.0.113.5"), None, "wrong")).await.status, 429);
    assert_eq!(app.call(login_from(Some("203.0.113.6"), None, "wrong")).await.status, 401);
    // Plain HTTP through the proxy: no Secure flag.
    let a = app.call(login_from(Some("203.0.113.7"), Some("http"), "demo-agent")).await;
    assert_eq!(a.status, 201);
    assert!(!a.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));
}

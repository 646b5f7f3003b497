//! The WebSocket against a real server on loopback: the upgrade checks the
//! session and the Origin, each message its role; supervisors see agents'
//! presence live; logout and shutdown close connections.

mod common;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gateway::auth::token;
use gateway::config::Config;
use gateway::http::Clock;
use gateway::store::Store;
use shared::ws::{AgentStatus, ClientMsg, ServerMsg};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

struct Server {
    addr: std::net::SocketAddr,
    store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn server() -> Server {
    let store = common::sqlite().await;
    gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = Config::default();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    let task = tokio::spawn(gateway::serve(config, store.clone(), listener, None, Clock::system(), async {
        let _ = stopped.await;
    }));
    Server { addr, store, stop: Some(stop), task }
}

impl Server {
    /// A session for `username`, made directly in the store (login itself
    /// is tested in http_sessions.rs).
    async fn session(&self, username: &str) -> String {
        let user = self.store.user_by_username(username).await.unwrap().unwrap();
        let t = token::generate();
        let now = Clock::system().now_ms();
        self.store.create_session(&token::hash(&t).unwrap(), user.id, now, now + 3_600_000).await.unwrap();
        t
    }

    async fn connect(&self, token: Option<&str>, origin: Option<&str>) -> Result<Ws, tungstenite::Error> {
        let mut req = format!("ws://{}/api/v1/ws", self.addr).into_client_request().unwrap();
        if let Some(t) = token {
            req.headers_mut().insert("cookie", format!("cc_session={t}").parse().unwrap());
        }
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        tokio_tungstenite::connect_async(req).await.map(|(ws, _)| ws)
    }

    async fn open(&self, username: &str) -> Ws {
        let t = self.session(username).await;
        let origin = format!("http://{}", self.addr);
        let mut ws = self.connect(Some(&t), Some(&origin)).await.expect("upgrade");
        match next(&mut ws).await {
            ServerMsg::Welcome { session, .. } => assert_eq!(session.user.username, username),
            other => panic!("expected welcome, got {other:?}"),
        }
        ws
    }
}

async fn next(ws: &mut Ws) -> ServerMsg {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .expect("connection open")
            .expect("frame");
        if let tungstenite::Message::Text(t) = frame {
            return serde_json::from_str(t.as_str()).expect("a server message");
        }
    }
}

/// The next message that is not about another agent's presence.
async fn next_about(ws: &mut Ws, agent: &str) -> ServerMsg {
    loop {
        let m = next(ws).await;
        match &m {
            ServerMsg::AgentStatusUpdated { agent: a } if a.display_name != agent => continue,
            _ => return m,
        }
    }
}

async fn send(ws: &mut Ws, msg: &ClientMsg) {
    ws.send(tungstenite::Message::Text(serde_json::to_string(msg).unwrap().into())).await.unwrap();
}

fn http_status(e: tungstenite::Error) -> u16 {
    match e {
        tungstenite::Error::Http(resp) => resp.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[tokio::test]
async fn upgrade_needs_a_session_and_an_allowed_origin() {
    let s = server().await;
    let origin = format!("http://{}", s.addr);
    assert_eq!(http_status(s.connect(None, Some(&origin)).await.unwrap_err()), 401);
    let t = s.session("rania").await;
    assert_eq!(http_status(s.connect(Some(&t), None).await.unwrap_err()), 403, "no Origin");
    assert_eq!(http_status(s.connect(Some(&t), Some("https://evil.example")).await.unwrap_err()), 403);
    assert!(s.connect(Some(&t), Some(&origin)).await.is_ok());
    let localhost = format!("http://localhost:{}", s.addr.port());
    assert!(s.connect(Some(&t), Some(&localhost)).await.is_ok());
}

#[tokio::test]
async fn messages_are_checked_and_bad_ones_keep_the_connection() {
    let s = server().await;
    let mut ws = s.open("rania").await;
    // Rania's own presence comes first.
    assert!(matches!(next(&mut ws).await, ServerMsg::AgentStatusUpdated { agent } if agent.connected));
    send(&mut ws, &ClientMsg::Ping { seq: 7 }).await;
    assert_eq!(next(&mut ws).await, ServerMsg::Pong { seq: 7 });

    send(&mut ws, &ClientMsg::WatchAgents).await;
    assert!(matches!(next(&mut ws).await, ServerMsg::Error { code, .. } if code == "forbidden"));

    ws.send(tungstenite::Message::Text("{\"type\":\"drop_tables\"}".into())).await.unwrap();
    assert!(matches!(next(&mut ws).await, ServerMsg::Error { code, .. } if code == "bad_message"));
    ws.send(tungstenite::Message::Text("not json at all".into())).await.unwrap();
    assert!(matches!(next(&mut ws).await, ServerMsg::Error { code, .. } if code == "bad_message"));
    ws.send(tungstenite::Message::Binary(vec![0, 1, 2].into())).await.unwrap();
    assert!(matches!(next(&mut ws).await, ServerMsg::Error { code, .. } if code == "bad_message"));

    send(&mut ws, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
    match next(&mut ws).await {
        ServerMsg::AgentStatusUpdated { agent } => assert_eq!(agent.status, AgentStatus::Available),
        other => panic!("{other:?}"),
    }
    // Oversized messages close the connection rather than eat memory.
    let huge = format!("{{\"type\":\"ping\",\"seq\":1,\"pad\":\"{}\"}}", "x".repeat(100_000));
    let _ = ws.send(tungstenite::Message::Text(huge.into())).await;
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("closed in time");
    assert!(!matches!(end, Some(Ok(tungstenite::Message::Text(_)))), "{end:?}");
}

#[tokio::test]
async fn supervisors_see_agents_come_change_and_go() {
    let s = server().await;
    let mut sara = s.open("sara").await;
    send(&mut sara, &ClientMsg::WatchAgents).await;
    let ServerMsg::Agents { agents } = next(&mut sara).await else { panic!("expected the agent list") };
    let names: Vec<&str> = agents.iter().map(|a| a.display_name.as_str()).collect();
    assert!(names.contains(&"Rania Haddad") && names.len() >= 4, "{names:?}");
    assert!(agents.iter().all(|a| !a.connected && a.status == AgentStatus::Offline));

    let mut rania = s.open("rania").await;
    let ServerMsg::AgentStatusUpdated { agent } = next_about(&mut sara, "Rania Haddad").await else { panic!() };
    assert!(agent.connected);
    send(&mut rania, &ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: None }).await;
    let ServerMsg::AgentStatusUpdated { agent } = next_about(&mut sara, "Rania Haddad").await else { panic!() };
    assert_eq!(agent.status, AgentStatus::NotReady);
    // With a reason code; a malformed one is refused and changes nothing.
    send(&mut rania, &ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: Some("lunch".into()) }).await;
    let ServerMsg::AgentStatusUpdated { agent } = next_about(&mut sara, "Rania Haddad").await else { panic!() };
    assert_eq!((agent.status, agent.reason.as_deref()), (AgentStatus::NotReady, Some("lunch")));
    send(&mut rania, &ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: Some("napping".into()) }).await;
    loop {
        match next(&mut rania).await {
            ServerMsg::Error { code, .. } => break assert_eq!(code, "bad_reason", "not in the list"),
            ServerMsg::AgentStatusUpdated { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    send(&mut rania, &ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: Some("<b>Lunch</b>".into()) })
        .await;
    loop {
        match next(&mut rania).await {
            ServerMsg::Error { code, .. } => break assert_eq!(code, "bad_reason"),
            ServerMsg::AgentStatusUpdated { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    // No wrap-up to extend or end here; ending one needs a saved disposition.
    send(&mut rania, &ClientMsg::WrapUpExtend).await;
    assert!(matches!(next(&mut rania).await, ServerMsg::Error { code, .. } if code == "wrong_state"));
    send(&mut rania, &ClientMsg::WrapUpDone { call_id: "c-1".into() }).await;
    assert!(matches!(next(&mut rania).await, ServerMsg::Error { code, .. } if code == "disposition_required"));
    rania.close(None).await.unwrap();
    let ServerMsg::AgentStatusUpdated { agent } = next_about(&mut sara, "Rania Haddad").await else { panic!() };
    assert!(!agent.connected);
    assert_eq!(agent.status, AgentStatus::Offline, "nobody there to take calls");
}

#[tokio::test]
async fn logout_ends_the_sessions_websocket_at_once() {
    let s = server().await;
    let t = s.session("omid").await;
    let origin = format!("http://{}", s.addr);
    let mut ws = s.connect(Some(&t), Some(&origin)).await.unwrap();
    assert!(matches!(next(&mut ws).await, ServerMsg::Welcome { .. }));

    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let req = format!(
        "DELETE /api/v1/sessions/current HTTP/1.1\r\nHost: {}\r\nCookie: cc_session={t}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n",
        s.addr
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut resp = String::new();
    tcp.read_to_string(&mut resp).await.unwrap();
    assert!(resp.starts_with("HTTP/1.1 204"), "{resp}");

    loop {
        match next(&mut ws).await {
            ServerMsg::SessionEnded => break,
            ServerMsg::AgentStatusUpdated { .. } => continue,
            other => panic!("expected session_ended, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn shutdown_closes_websockets_and_returns() {
    let mut s = server().await;
    let mut ws = s.open("elif").await;
    s.stop.take().unwrap().send(()).unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(tungstenite::Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket closes on shutdown");
    let r = tokio::time::timeout(Duration::from_secs(12), &mut s.task).await.expect("serve returns");
    r.unwrap().unwrap();
}

/// The next message that is not a presence update.
async fn next_not_presence(ws: &mut Ws) -> ServerMsg {
    loop {
        match next(ws).await {
            ServerMsg::AgentStatusUpdated { .. } => continue,
            other => return other,
        }
    }
}

#[tokio::test]
async fn one_tab_is_the_desk_and_another_can_take_over() {
    let s = server().await;
    let mut first = s.open("rania").await;
    assert!(matches!(next(&mut first).await, ServerMsg::AgentStatusUpdated { .. }));
    let mut second = s.open("rania").await;
    assert_eq!(
        next_not_presence(&mut second).await,
        ServerMsg::TabState { active: false },
        "the desk is open elsewhere"
    );

    // The second tab can neither set the status nor take calls.
    send(&mut second, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
    assert!(matches!(next_not_presence(&mut second).await, ServerMsg::Error { code, .. } if code == "inactive_tab"));
    send(&mut second, &ClientMsg::CallAnswer { call_id: "c".into(), sdp: String::new() }).await;
    assert!(matches!(next_not_presence(&mut second).await, ServerMsg::Error { code, .. } if code == "inactive_tab"));
    send(&mut second, &ClientMsg::Ping { seq: 1 }).await;
    assert_eq!(next_not_presence(&mut second).await, ServerMsg::Pong { seq: 1 }, "the connection stays");

    // It takes over: the first tab hears it is no longer the desk.
    send(&mut second, &ClientMsg::TakeOver).await;
    assert_eq!(next_not_presence(&mut second).await, ServerMsg::TabState { active: true });
    assert_eq!(next_not_presence(&mut first).await, ServerMsg::TabState { active: false });
    send(&mut second, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
    let ServerMsg::AgentStatusUpdated { agent } = next(&mut second).await else { panic!() };
    assert_eq!(agent.status, AgentStatus::Available);
    send(&mut first, &ClientMsg::SetStatus { status: AgentStatus::Offline, reason: None }).await;
    assert!(matches!(next_not_presence(&mut first).await, ServerMsg::Error { code, .. } if code == "inactive_tab"));

    // The desk tab closes: the other one is the desk again.
    second.close(None).await.unwrap();
    assert_eq!(next_not_presence(&mut first).await, ServerMsg::TabState { active: true });
}

/// A plain HTTP/1.1 request to the server; returns the status code.
async fn http(s: &Server, method: &str, path: &str, token: &str, body: Option<&str>) -> u16 {
    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: cc_session={token}\r\nOrigin: http://{}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.addr,
        s.addr,
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut resp = String::new();
    tcp.read_to_string(&mut resp).await.unwrap();
    resp.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("a status line")
}

#[tokio::test]
async fn supervisors_set_an_agents_status_and_sign_them_out() {
    let s = server().await;
    let sara = s.session("sara").await;
    let omid_token = s.session("omid").await;
    let rania_id = s.store.user_by_username("rania").await.unwrap().unwrap().id;
    let omid_id = s.store.user_by_username("omid").await.unwrap().unwrap().id;
    let mut rania = s.open("rania").await;
    assert!(matches!(next(&mut rania).await, ServerMsg::AgentStatusUpdated { .. }));

    let lunch = r#"{"status":"not_ready","reason":"lunch"}"#;
    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{rania_id}/status"), &omid_token, Some(lunch)).await, 403);
    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{omid_id}/status"), &sara, Some(lunch)).await, 409);
    let napping = r#"{"status":"not_ready","reason":"napping"}"#;
    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{rania_id}/status"), &sara, Some(napping)).await, 422);
    assert_eq!(http(&s, "POST", "/api/v1/agents/999999/status", &sara, Some(lunch)).await, 404);
    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{rania_id}/status"), &sara, Some(lunch)).await, 204);
    let ServerMsg::AgentStatusUpdated { agent } = next(&mut rania).await else { panic!("the agent hears it") };
    assert_eq!((agent.status, agent.reason.as_deref()), (AgentStatus::NotReady, Some("lunch")));

    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{rania_id}/logout"), &omid_token, None).await, 403);
    assert_eq!(http(&s, "POST", &format!("/api/v1/agents/{rania_id}/logout"), &sara, None).await, 204);
    loop {
        match next(&mut rania).await {
            ServerMsg::SessionEnded => break,
            ServerMsg::AgentStatusUpdated { .. } => continue,
            other => panic!("expected session_ended, got {other:?}"),
        }
    }
    let actions: Vec<String> = s.store.audit_entries(50).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.iter().any(|a| a == "agent.status_forced") && actions.iter().any(|a| a == "agent.logged_out"));
}

//! The wallboard over a real WebSocket: a supervisor who watches gets every
//! queue's figures (today's from the stored records) and a new board when
//! an agent changes; an agent is refused and gets none.

mod common;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gateway::auth::token;
use gateway::config::Config;
use gateway::http::Clock;
use gateway::store::{InteractionPatch, NewInteraction, Store};
use shared::records::{Disposition, Initiation};
use shared::wallboard::QueueBoard;
use shared::ws::{AgentStatus, ClientMsg, ServerMsg};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn session(store: &Store, username: &str) -> String {
    let user = store.user_by_username(username).await.unwrap().unwrap();
    let t = token::generate();
    let now = Clock::system().now_ms();
    store.create_session(&token::hash(&t).unwrap(), user.id, now, now + 3_600_000).await.unwrap();
    t
}

async fn open(addr: std::net::SocketAddr, store: &Store, username: &str) -> Ws {
    let mut req = format!("ws://{addr}/api/v1/ws").into_client_request().unwrap();
    let t = session(store, username).await;
    req.headers_mut().insert("cookie", format!("cc_session={t}").parse().unwrap());
    req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.expect("upgrade").0
}

/// The next message `pick` wants, within `secs`; `None` if none came.
async fn wait_for<T>(ws: &mut Ws, secs: u64, pick: impl Fn(ServerMsg) -> Option<T>) -> Option<T> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next()).await.ok()?;
        if let Some(Ok(tungstenite::Message::Text(t))) = frame
            && let Some(v) = pick(serde_json::from_str(t.as_str()).expect("a server message"))
        {
            return Some(v);
        }
    }
}

fn board(msg: ServerMsg) -> Option<Vec<QueueBoard>> {
    match msg {
        ServerMsg::Wallboard { queues, .. } => Some(queues),
        _ => None,
    }
}

async fn send(ws: &mut Ws, msg: &ClientMsg) {
    ws.send(tungstenite::Message::Text(serde_json::to_string(msg).unwrap().into())).await.unwrap();
}

/// A support call that entered the queue `ago_ms` ago and waited `wait_ms`.
async fn record(store: &Store, id: &str, ago_ms: i64, wait_ms: i64, answered: bool) {
    let now = Clock::system().now_ms();
    let entered = now - ago_ms;
    store.interaction_start(&NewInteraction::new(id, Initiation::Inbound, entered - 5_000)).await.unwrap();
    let left = entered + wait_ms;
    let patch = InteractionPatch {
        queue: Some("support".into()),
        enqueued_at: Some(entered),
        dequeued_at: Some(left),
        answered_at: answered.then_some(left),
        ended_at: Some(left + if answered { 60_000 } else { 0 }),
        disposition: Some(if answered { Disposition::Answered } else { Disposition::Abandoned }),
        wrap_up_ms: answered.then_some(10_000),
        ..Default::default()
    };
    store.interaction_update(id, &patch, left).await.unwrap();
}

#[tokio::test]
async fn supervisors_get_the_wallboard_and_agents_do_not() {
    let store = common::sqlite().await;
    gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
    // Support today: answered after 5 s, answered after 50 s, abandoned
    // after 30 s, abandoned after 3 s (target 20 s).
    record(&store, "c-1", 20 * 60_000, 5_000, true).await;
    record(&store, "c-2", 15 * 60_000, 50_000, true).await;
    record(&store, "c-3", 10 * 60_000, 30_000, false).await;
    record(&store, "c-4", 5 * 60_000, 3_000, false).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = Config::default();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    let task = tokio::spawn(gateway::serve(config, store.clone(), listener, None, Clock::system(), async {
        let _ = stopped.await;
    }));

    // An agent may not watch it.
    let mut rania = open(addr, &store, "rania").await;
    send(&mut rania, &ClientMsg::WatchWallboard).await;
    let refused = wait_for(&mut rania, 5, |m| match m {
        ServerMsg::Error { code, .. } => Some(code),
        _ => None,
    })
    .await;
    assert_eq!(refused.as_deref(), Some("forbidden"));

    let mut sara = open(addr, &store, "sara").await;
    send(&mut sara, &ClientMsg::WatchWallboard).await;
    let queues = wait_for(&mut sara, 5, board).await.expect("a wallboard within 5 s");
    let names: Vec<&str> = queues.iter().map(|q| q.queue.as_str()).collect();
    assert_eq!(names, ["support", "sales"]);
    let support = &queues[0];
    assert_eq!((support.name.as_str(), support.service_level_secs, support.waiting), ("Technical support", 20, 0));
    let t = support.today;
    assert_eq!((t.offered, t.answered, t.answered_in_target, t.abandoned, t.abandoned_in_target), (4, 2, 1, 2, 1));
    // 1 answered within 20 s ÷ (2 answered + 1 abandoned after 20 s).
    assert_eq!(t.service_level_pct().map(|p| p.round()), Some(33.0));
    assert_eq!(t.abandon_pct(), Some(50.0));
    assert_eq!(t.asa_ms, Some(27_500));
    assert_eq!(t.aht_ms, Some(70_000));
    assert_eq!(support.recent, t, "all four are within the last 30 minutes");
    // Rania is connected but offline; the other three are not connected.
    assert_eq!(support.agents.offline, 4);
    assert_eq!(queues[1].today, shared::wallboard::Period::default());

    // Rania goes available: a new board says so, soon.
    send(&mut rania, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
    let available = wait_for(&mut sara, 5, |m| board(m).filter(|q| q[0].agents.available == 1)).await;
    assert!(available.is_some(), "the board shows Rania available within 5 s");
    // Boards keep coming while watched…
    assert!(wait_for(&mut sara, 5, board).await.is_some());
    // …and stop when unwatched (one may be on its way).
    send(&mut sara, &ClientMsg::UnwatchWallboard).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    while wait_for(&mut sara, 0, board).await.is_some() {}
    assert!(wait_for(&mut sara, 5, board).await.is_none(), "no board after unwatching");
    // The agent never got one.
    assert!(wait_for(&mut rania, 1, board).await.is_none());

    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

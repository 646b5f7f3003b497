//! A desk's WebSocket as the call tests drive it, and the peers they need.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use shared::ws::{ClientMsg, ServerMsg};
use tokio_tungstenite::tungstenite;

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn send(ws: &mut Ws, msg: &ClientMsg) {
    ws.send(tungstenite::Message::Text(serde_json::to_string(msg).unwrap().into())).await.unwrap();
}

/// The next message `pick` takes, skipping others (presence, welcome: each
/// skipped one is printed, for when the wait fails); 30 s at most. An error
/// from the gateway fails the test at once.
pub async fn wait_for<T>(ws: &mut Ws, what: &str, mut pick: impl FnMut(ServerMsg) -> Option<T>) -> T {
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let frame = tokio::time::timeout_at(until, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {what} within 30 s"))
            .expect("socket open")
            .expect("frame");
        if let tungstenite::Message::Text(t) = frame {
            let msg: ServerMsg = serde_json::from_str(t.as_str()).unwrap();
            if let ServerMsg::Error { code, message } = &msg {
                panic!("error while waiting for {what}: {code}: {message}");
            }
            let seen = format!("{msg:?}");
            match pick(msg) {
                Some(x) => return x,
                None => eprintln!("while waiting for {what}: {seen}"),
            }
        }
    }
}

/// Whether sipp (Debian sip-tester) is here; with `CC_REQUIRE_PEERS` set
/// (as `cargo xtask test` does) its absence fails the test instead.
pub fn have_sipp() -> bool {
    let found = std::process::Command::new("sipp").arg("-v").output().is_ok();
    if !found {
        assert!(std::env::var("CC_REQUIRE_PEERS").is_err(), "sipp is required (Debian sip-tester)");
        eprintln!("note: sipp not installed; skipped");
    }
    found
}

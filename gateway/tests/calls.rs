//! Calls through the whole gateway on loopback: sipp is the carrier, a
//! WebSocket client is the agent's desk, a str0m peer is her softphone.
//! Sound must cross both ways, proven with Goertzel on decoded audio.
//!
//! Inbound: the call rings on the desk and she answers with a WebRTC offer.
//! 1. sipp streams 1 kHz: the softphone hears 1 kHz. The agent holds the
//!    call (sipp must get a re-INVITE with `a=sendonly`) and hears nothing,
//!    resumes (`a=sendrecv`) and hears the tone again, then hangs up and sipp
//!    must get the BYE.
//! 2. sipp echoes its RTP (`-rtp_echo`): the softphone sends 440 Hz and
//!    hears 440 Hz back, so the agent's audio reached the carrier. Keys
//!    pressed on the desk go out as RFC 4733 events and, echoed, come back
//!    as `call.digit`. The caller hangs up and the desk hears `call.ended`.
//!
//! Dead calls end: a carrier that goes quiet (no RTP or RTCP) is hung up
//! on after `media.rtp_timeout_secs`; a softphone that vanishes ends its
//! call within 30 s (ICE consent / no media), and the carrier gets a BYE.
//!
//! Outbound: she dials; the carrier challenges the INVITE (401), checks the
//! digest, rings, answers and echoes; she hears her 440 Hz back and hangs
//! up.
//!
//! baresip, a real softphone, calls an agent and is called by one through
//! the outbound trunk; each side hears the other's tone (baresip's own
//! recording of what it decoded is analysed).
//!
//! Through the engine: the dialed number has an IVR. The caller enters his
//! customer code and a menu choice as RFC 2833 events, is identified, joins
//! the support queue, and rings the queue's agent, who hears the queue's
//! whisper alone and then talks with him.

mod common;

use common::desk::{Ws, have_sipp, send, wait_for};
use common::softphone::Softphone;

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use gateway::auth::token;
use gateway::config::{Config, TrunkConfig, TrunkOutbound};
use gateway::http::Clock;
use gateway::media::g711;
use gateway::media::goertzel::tone_ratio;
use shared::ws::{AgentStatus, CallEndKind, ClientMsg, ServerMsg};
use str0m::change::SdpAnswer;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

const CARRIER_IP: &str = "127.0.0.3";
const DID: &str = "+441234567890";

struct Gateway {
    http: SocketAddr,
    sip: SocketAddr,
    store: gateway::store::Store,
    recordings: std::path::PathBuf,
    voicemails: std::path::PathBuf,
}

async fn start(outbound: Option<TrunkOutbound>, rtp_timeout_secs: u64) -> Gateway {
    let store = common::sqlite().await;
    gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
    serve(store, outbound, rtp_timeout_secs).await
}

/// The gateway on a store already filled.
async fn serve(store: gateway::store::Store, outbound: Option<TrunkOutbound>, rtp_timeout_secs: u64) -> Gateway {
    serve_with(store, outbound, rtp_timeout_secs, |_| {}).await
}

/// The same, with `tweak` applied to the config last.
async fn serve_with(
    store: gateway::store::Store,
    outbound: Option<TrunkOutbound>,
    rtp_timeout_secs: u64,
    tweak: impl FnOnce(&mut Config),
) -> Gateway {
    let mut config = Config::default();
    config.media.prompts_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/prompts").into();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    config.media.rtp_ports = [43000, 43998];
    config.media.rtp_timeout_secs = rtp_timeout_secs;
    let recordings = std::env::temp_dir().join(format!("cc-rec-{}-{}", std::process::id(), rand::random::<u32>()));
    config.media.recordings_dir = recordings.clone();
    let voicemails = recordings.join("voicemail");
    config.media.voicemail_dir = voicemails.clone();
    config.sip.listen_udp = "127.0.0.1:0".parse().unwrap();
    config.sip.listen_tcp = "127.0.0.1:0".parse().unwrap();
    config.sip.trunks = vec![TrunkConfig {
        name: "carrier".into(),
        addresses: vec![CARRIER_IP.parse().unwrap()],
        register: None,
        outbound,
    }];
    tweak(&mut config);
    let sockets = gateway::drive::sip::bind(&config.sip).await.unwrap();
    let sip = sockets.udp.local_addr().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = listener.local_addr().unwrap();
    tokio::spawn(gateway::serve(
        config,
        store.clone(),
        listener,
        Some(sockets),
        Clock::system(),
        std::future::pending(),
    ));
    Gateway { http, sip, store, recordings, voicemails }
}

impl Gateway {
    /// The agent's desk: a session made in the store, the WebSocket, and the
    /// status available.
    async fn desk(&self, username: &str) -> Ws {
        let mut ws = self.desk_without_status(username).await;
        let user = self.store.user_by_username(username).await.unwrap().unwrap();
        if user.role == shared::Role::Agent {
            send(&mut ws, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
        }
        ws
    }

    /// A desk that only connects.
    async fn desk_without_status(&self, username: &str) -> Ws {
        let user = self.store.user_by_username(username).await.unwrap().unwrap();
        let t = token::generate();
        let now = Clock::system().now_ms();
        self.store.create_session(&token::hash(&t).unwrap(), user.id, now, now + 3_600_000).await.unwrap();
        let mut req = format!("ws://{}/api/v1/ws", self.http).into_client_request().unwrap();
        req.headers_mut().insert("cookie", format!("cc_session={t}").parse().unwrap());
        req.headers_mut().insert("origin", format!("http://{}", self.http).parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        ws
    }
}

/// A working folder for sipp with `tone.ul`: 40 s of 1 kHz μ-law, what
/// `rtp_stream` plays.
/// `secs` of 1 kHz at 8 kHz, what the carrier and baresip play.
fn tone_1k(secs: usize) -> Vec<i16> {
    (0..8000 * secs)
        .map(|i| (10000.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 8000.0).sin()) as i16)
        .collect()
}

fn carrier_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cc-call-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let tone = tone_1k(40);
    let mut ulaw = vec![0u8; tone.len()];
    g711::encode_ulaw(&tone, &mut ulaw);
    std::fs::write(dir.join("tone.ul"), ulaw).unwrap();
    dir
}

/// Waits (5 s at most) for callback `id` to be completed, at its first attempt.
async fn completed_once(gw: &Gateway, id: i64) {
    let until = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let cb = gw.store.callback(id).await.unwrap().unwrap();
        if cb.state == shared::records::CallbackState::Completed {
            assert_eq!(cb.attempts, 1);
            return;
        }
        assert!(tokio::time::Instant::now() < until, "callback not completed: {:?}", cb.state);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The call's interaction record once it is finished (5 s at most).
async fn finished_record(gw: &Gateway, call_id: &str) -> shared::records::InteractionDetail {
    let until = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let d = gw.store.interaction(call_id).await.unwrap();
        if let Some(d) = d.filter(|d| d.interaction.ended_at.is_some()) {
            return d;
        }
        assert!(tokio::time::Instant::now() < until, "no finished record");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `call.ended` for `call_id`: its reason.
async fn ended(ws: &mut Ws, call_id: &str) -> shared::ws::CallEndReason {
    wait_for(ws, "call.ended", |m| match m {
        ServerMsg::CallEnded { call_id: c, reason } if c == call_id => Some(reason),
        _ => None,
    })
    .await
}

/// sipp is the carrier; `cargo xtask test` installs it and sets
/// CC_REQUIRE_PEERS so that a missing sipp fails instead of skipping.
/// Starts sipp on `scenario` in `dir`; the child is waited on later.
fn sipp(gw: &Gateway, dir: &std::path::Path, scenario: &str, extra: &[&str]) -> tokio::process::Child {
    tokio::process::Command::new("sipp")
        .current_dir(dir)
        .arg(gw.sip.to_string())
        .args(["-sf", &format!("{}/tests/data/sipp/{scenario}", env!("CARGO_MANIFEST_DIR"))])
        .args(["-i", CARRIER_IP, "-p", "0", "-mi", CARRIER_IP, "-mp", "0", "-m", "1", "-s", DID])
        .args(["-timeout", "60", "-timeout_error", "-nostdin"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn sipp_passed(child: tokio::process::Child) {
    let out =
        tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await.expect("sipp ends").unwrap();
    assert!(
        out.status.success(),
        "sipp failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout).lines().rev().take(20).collect::<Vec<_>>().join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An outbound trunk whose carrier (on a port free a moment ago) challenges
/// with digest: its address and the trunk's settings.
/// A second caller ID the challenging carrier lets agents show.
const OTHER_CALLER_ID: &str = "+982112345678";

fn challenging_carrier() -> (SocketAddr, TrunkOutbound) {
    let carrier = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
    let outbound = toml::from_str::<TrunkOutbound>(&format!(
        "proxy = \"{carrier}\"\ndomain = \"carrier.test\"\ncaller_id = \"{DID}\"\n\
         caller_ids = [\"{OTHER_CALLER_ID}\"]\nusername = \"cc-out\"\npassword = \"s3cret-out\"\n"
    ))
    .unwrap();
    (carrier, outbound)
}

/// sipp as that carrier: challenges the INVITE, answers, echoes, waits for BYE.
fn answering_carrier(dir: &std::path::Path, carrier: SocketAddr) -> tokio::process::Child {
    tokio::process::Command::new("sipp")
        .current_dir(dir)
        .args(["-sf", &format!("{}/tests/data/sipp/call_out_auth_echo.xml", env!("CARGO_MANIFEST_DIR"))])
        .args(["-i", CARRIER_IP, "-p", &carrier.port().to_string(), "-mi", CARRIER_IP, "-mp", "0", "-m", "1"])
        .args(["-rtp_echo", "-timeout", "90", "-timeout_error", "-nostdin"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Rings, answers with a fresh softphone, and returns it connected.
async fn answer(ws: &mut Ws) -> (Softphone, String) {
    let call = wait_for(ws, "call.ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call),
        _ => None,
    })
    .await;
    assert_eq!((call.from.as_str(), call.to.as_str(), call.trunk.as_str()), ("+966501234567", DID, "carrier"));
    assert_eq!(call.from_name.as_deref(), Some("Rania Haddad"));
    let (mut phone, pending, offer) = Softphone::new().await;
    send(ws, &ClientMsg::CallAnswer { call_id: call.call_id.clone(), sdp: offer }).await;
    let answer = wait_for(ws, "call.answered", |m| match m {
        ServerMsg::CallAnswered { call_id, sdp } if call_id == call.call_id => Some(sdp),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    (phone, call.call_id)
}

/// Answers `call_id`, already ringing, with a fresh softphone.
async fn answer_ringing(ws: &mut Ws, call_id: &str) -> (Softphone, String) {
    let (mut phone, pending, offer) = Softphone::new().await;
    send(ws, &ClientMsg::CallAnswer { call_id: call_id.to_owned(), sdp: offer }).await;
    let answer = wait_for(ws, "call.answered", |m| match m {
        ServerMsg::CallAnswered { call_id: c, sdp } if c == call_id => Some(sdp),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    (phone, call_id.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_carrier_call_reaches_the_agent_with_sound_both_ways() {
    if !have_sipp() {
        return;
    }
    let gw = start(None, 60).await;
    let mut ws = gw.desk("omid").await;
    wait_for(&mut ws, "available", |m| match m {
        ServerMsg::AgentStatusUpdated { agent } if agent.status == AgentStatus::Available => Some(()),
        _ => None,
    })
    .await;
    let dir = carrier_dir();

    // 1. The carrier streams 1 kHz; the agent hears it, holds, resumes, hangs up.
    let first = sipp(&gw, &dir, "call_in_hold.xml", &[]);
    // A malformed offer from the browser gets a clear error, and the call
    // rings again rather than being lost.
    let ringing = wait_for(&mut ws, "call.ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call.call_id),
        _ => None,
    })
    .await;
    send(&mut ws, &ClientMsg::CallAnswer { call_id: ringing, sdp: "v=0 not really".into() }).await;
    let refused = wait_for_any(&mut ws).await;
    assert!(matches!(&refused, ServerMsg::Error { code, .. } if code == "bad_sdp"), "{refused:?}");
    let (mut phone, call_id) = answer(&mut ws).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    assert!(phone.connected, "ICE and DTLS completed");
    let tail = &heard[heard.len().saturating_sub(8000)..];
    assert!(tail.len() >= 4000, "the softphone heard {} samples", heard.len());
    let r = tone_ratio(tail, 1000.0, 8000.0);
    assert!(r > 0.8, "the carrier's 1 kHz reached the agent (share {r:.2})");

    for hold in [true, false] {
        send(&mut ws, &ClientMsg::CallHold { call_id: call_id.clone(), hold }).await;
        let held = wait_for(&mut ws, "call.held", |m| match m {
            ServerMsg::CallHeld { call_id: c, held } if c == call_id => Some(held),
            _ => None,
        })
        .await;
        assert_eq!(held, hold, "the carrier took the re-INVITE");
        // What was in flight drains in a moment; then listen.
        phone.talk(Duration::from_millis(300), 440.0).await;
        let heard = phone.talk(Duration::from_millis(1500), 440.0).await;
        let loud = heard.iter().filter(|s| s.unsigned_abs() > 500).count();
        if hold {
            assert!(loud < 80, "nothing crosses while held ({loud} loud samples of {})", heard.len());
        } else {
            let r = tone_ratio(&heard[heard.len().saturating_sub(8000)..], 1000.0, 8000.0);
            assert!(r > 0.8, "the tone is back after resume (share {r:.2})");
        }
    }
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    let reason = ended(&mut ws, &call_id).await;
    assert_eq!(reason.kind, CallEndKind::LocalHangUp);
    sipp_passed(first).await;

    // 2. The carrier echoes; the agent's 440 Hz comes back. The caller hangs up.
    let second = sipp(&gw, &dir, "call_in_echo_bye.xml", &["-rtp_echo"]);
    let (mut phone, call_id) = answer(&mut ws).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let tail = &heard[heard.len().saturating_sub(8000)..];
    let r = tone_ratio(tail, 440.0, 8000.0);
    assert!(r > 0.8, "the agent's 440 Hz reached the carrier and came back (share {r:.2})");
    // Keys from the desk leave as RFC 4733 events; the echo brings them
    // back, and the gateway reads each press once.
    send(&mut ws, &ClientMsg::CallDtmf { call_id: call_id.clone(), digits: "5#".into() }).await;
    let mut digits = String::new();
    while digits.len() < 2 {
        let (d, _) = tokio::join!(
            wait_for(&mut ws, "call.digit", |m| match m {
                ServerMsg::CallDigit { digit, .. } => Some(digit),
                _ => None,
            }),
            phone.talk(Duration::from_millis(100), 440.0)
        );
        digits.push_str(&d);
    }
    assert_eq!(digits, "5#");
    let reason = ended(&mut ws, &call_id).await;
    assert_eq!((reason.kind, reason.q850), (CallEndKind::RemoteHangUp, Some(16)));
    sipp_passed(second).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_calls_out_through_a_trunk_that_challenges() {
    if !have_sipp() {
        return;
    }
    // The carrier's address: a port that was free on its IP a moment ago.
    let (carrier, outbound) = challenging_carrier();
    let gw = start(Some(outbound), 60).await;
    let dir = std::env::temp_dir().join(format!("cc-call-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let uas = answering_carrier(&dir, carrier);
    // sipp binds its socket a moment after it starts.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut ws = gw.desk("elif").await;
    let (mut phone, pending, offer) = Softphone::new().await;
    send(&mut ws, &ClientMsg::CallDial { number: "12ab".into(), sdp: offer.clone(), caller_id: None }).await;
    let refused = wait_for_any(&mut ws).await;
    assert!(matches!(&refused, ServerMsg::Error { code, .. } if code == "bad_number"), "{refused:?}");
    let not_ours = ClientMsg::CallDial {
        number: "+966501234567".into(),
        sdp: offer.clone(),
        caller_id: Some("+15555550100".into()),
    };
    send(&mut ws, &not_ours).await;
    let refused = wait_for_any(&mut ws).await;
    assert!(matches!(&refused, ServerMsg::Error { code, .. } if code == "bad_caller_id"), "{refused:?}");
    // The agent shows the trunk's other number.
    let dial =
        ClientMsg::CallDial { number: "+966501234567".into(), sdp: offer, caller_id: Some(OTHER_CALLER_ID.into()) };
    send(&mut ws, &dial).await;
    let (call, answer) = wait_for(&mut ws, "call.dialing", |m| match m {
        ServerMsg::CallDialing { call, sdp } => Some((call, sdp)),
        _ => None,
    })
    .await;
    assert_eq!(
        (call.to.as_str(), call.from.as_str(), call.trunk.as_str()),
        ("+966501234567", OTHER_CALLER_ID, "carrier")
    );
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    wait_for(&mut ws, "call.ringing (remote)", |m| matches!(m, ServerMsg::CallRemoteRinging { .. }).then_some(()))
        .await;
    wait_for(&mut ws, "call.answered (remote)", |m| matches!(m, ServerMsg::CallConnected { .. }).then_some(())).await;

    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let tail = &heard[heard.len().saturating_sub(8000)..];
    let r = tone_ratio(tail, 440.0, 8000.0);
    assert!(r > 0.8, "the agent's 440 Hz reached the called party and came back (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    let reason = wait_for(&mut ws, "call.ended", |m| match m {
        ServerMsg::CallEnded { call_id, reason } if call_id == call.call_id => Some(reason),
        _ => None,
    })
    .await;
    assert_eq!(reason.kind, CallEndKind::LocalHangUp);
    sipp_passed(uas).await;
    std::fs::remove_dir_all(&dir).ok();
}

/// The next call-related message or error, skipping presence.
async fn wait_for_any(ws: &mut Ws) -> ServerMsg {
    let until = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let frame = tokio::time::timeout_at(until, ws.next()).await.expect("a message").expect("open").expect("frame");
        if let tungstenite::Message::Text(t) = frame {
            let msg: ServerMsg = serde_json::from_str(t.as_str()).unwrap();
            if !matches!(msg, ServerMsg::Welcome { .. } | ServerMsg::AgentStatusUpdated { .. }) {
                return msg;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dead_calls_end_on_either_side() {
    if !have_sipp() {
        return;
    }
    let gw = start(None, 2).await;
    let mut ws = gw.desk("karim").await;
    let dir = carrier_dir();

    // The carrier goes quiet: after 2 s the gateway hangs up on it.
    let silent = sipp(&gw, &dir, "call_in_silent.xml", &[]);
    let (mut phone, call_id) = answer(&mut ws).await;
    let (reason, _) = tokio::join!(
        wait_for(&mut ws, "call.ended", |m| match m {
            ServerMsg::CallEnded { call_id: c, reason } if c == call_id => Some(reason),
            _ => None,
        }),
        phone.talk(Duration::from_secs(4), 440.0)
    );
    assert_eq!(reason.kind, CallEndKind::Failed);
    sipp_passed(silent).await;

    // The softphone vanishes (a closed laptop): within 30 s the call ends.
    let streaming = sipp(&gw, &dir, "call_in_tone.xml", &[]);
    let (mut phone, call_id) = answer(&mut ws).await;
    phone.talk(Duration::from_secs(1), 440.0).await;
    assert!(phone.connected);
    drop(phone);
    let gone = tokio::time::Instant::now();
    let reason = tokio::time::timeout(
        Duration::from_secs(30),
        wait_for_long(&mut ws, |m| match m {
            ServerMsg::CallEnded { call_id: c, reason } if c == call_id => Some(reason),
            _ => None,
        }),
    )
    .await
    .expect("the call ends within 30 s of the browser vanishing");
    assert_eq!(reason.kind, CallEndKind::Failed);
    eprintln!("a vanished softphone's call ended after {:?}", gone.elapsed());
    sipp_passed(streaming).await;
    std::fs::remove_dir_all(&dir).ok();
}

/// Like `wait_for`, without its 20 s limit (the caller bounds it).
async fn wait_for_long<T>(ws: &mut Ws, mut pick: impl FnMut(ServerMsg) -> Option<T>) -> T {
    loop {
        let frame = ws.next().await.expect("socket open").expect("frame");
        if let tungstenite::Message::Text(t) = frame
            && let Some(x) = pick(serde_json::from_str(t.as_str()).unwrap())
        {
            return x;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_watches_listens_whispers_and_records_a_call() {
    use shared::ws::{LiveCallState, RecordAction, RecordingState, SuperviseMode};
    if !have_sipp() {
        return;
    }
    let gw = start(None, 60).await;
    let mut desk = gw.desk("rania").await;
    let mut boss = gw.desk("sara").await;
    send(&mut boss, &ClientMsg::WatchCalls).await;
    let calls = wait_for(&mut boss, "calls", |m| match m {
        ServerMsg::Calls { calls } => Some(calls),
        _ => None,
    })
    .await;
    assert!(calls.is_empty());
    let dir = carrier_dir();

    let carrier = sipp(&gw, &dir, "call_in_tone.xml", &[]);
    let (mut phone, call_id) = answer(&mut desk).await;
    let (live, _) = tokio::join!(
        wait_for(&mut boss, "the call talking", |m| match m {
            ServerMsg::LiveCallUpdated { call } if call.state == LiveCallState::Talking => Some(call),
            _ => None,
        }),
        phone.talk(Duration::from_millis(500), 440.0)
    );
    assert_eq!((live.call.call_id.as_str(), live.call.from.as_str()), (call_id.as_str(), "+966501234567"));

    // Listen: the supervisor hears both; the agent does not hear them.
    let (mut ear, pending, offer) = Softphone::new().await;
    send(&mut boss, &ClientMsg::Supervise { call_id: call_id.clone(), mode: SuperviseMode::Listen, sdp: offer }).await;
    let answer = wait_for(&mut boss, "supervision", |m| match m {
        ServerMsg::SupervisionStarted { sdp, .. } => Some(sdp),
        _ => None,
    })
    .await;
    ear.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    let d = Duration::from_millis(2500);
    let (agent_heard, boss_heard) = tokio::join!(phone.talk(d, 440.0), ear.talk(d, 1500.0));
    let tail = |s: &[i16]| s[s.len().saturating_sub(8000)..].to_vec();
    let (a, b) = (tail(&agent_heard), tail(&boss_heard));
    assert!(tone_ratio(&b, 1000.0, 8000.0) > 0.1 && tone_ratio(&b, 440.0, 8000.0) > 0.1, "the supervisor hears both");
    assert!(tone_ratio(&a, 1500.0, 8000.0) < 0.02, "the agent does not hear a listening supervisor");
    assert!(tone_ratio(&a, 1000.0, 8000.0) > 0.5, "the agent still hears the caller");

    // Whisper: now the agent hears the supervisor.
    send(&mut boss, &ClientMsg::SuperviseMode { call_id: call_id.clone(), mode: SuperviseMode::Whisper }).await;
    wait_for(&mut boss, "whisper", |m| matches!(m, ServerMsg::SupervisionChanged { .. }).then_some(())).await;
    let d = Duration::from_millis(2000);
    let (agent_heard, _) = tokio::join!(phone.talk(d, 440.0), ear.talk(d, 1500.0));
    assert!(tone_ratio(&tail(&agent_heard), 1500.0, 8000.0) > 0.1, "the agent hears the whisper");

    // The agent records; the supervisor stops it: one stereo file.
    send(&mut desk, &ClientMsg::CallRecord { call_id: call_id.clone(), action: RecordAction::Start }).await;
    let state = wait_for(&mut desk, "recording", |m| match m {
        ServerMsg::CallRecording { state, .. } => Some(state),
        _ => None,
    })
    .await;
    assert_eq!(state, RecordingState::Recording);
    tokio::join!(phone.talk(Duration::from_millis(1500), 440.0), ear.talk(Duration::from_millis(1500), 1500.0));
    send(&mut boss, &ClientMsg::CallRecord { call_id: call_id.clone(), action: RecordAction::Stop }).await;
    let (state, _) = tokio::join!(
        wait_for(&mut desk, "recording off", |m| match m {
            ServerMsg::CallRecording { state, .. } => Some(state),
            _ => None,
        }),
        phone.talk(Duration::from_millis(300), 440.0)
    );
    assert_eq!(state, RecordingState::Off);
    let path = gw.recordings.join(format!("{call_id}.wav"));
    let mut wav = None;
    for _ in 0..30 {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.len() > 44 && u32::from_le_bytes(bytes[40..44].try_into().unwrap()) != 0 {
            wav = gateway::media::wav::read(&bytes).ok();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wav = wav.expect("a complete recording");
    let left: Vec<i16> = wav.samples.iter().step_by(2).copied().collect();
    let right: Vec<i16> = wav.samples.iter().skip(1).step_by(2).copied().collect();
    assert!(left.len() >= 8000, "about 1.5 s recorded, got {} samples", left.len());
    assert!(tone_ratio(&left, 1000.0, 8000.0) > 0.5, "the caller on the left");
    assert!(tone_ratio(&right, 440.0, 8000.0) > 0.5, "the agent on the right");
    assert!(tone_ratio(&right, 1500.0, 8000.0) < 0.05, "not the supervisor");

    // The agent hangs up: the supervisor is off the call and it leaves the list.
    send(&mut desk, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    wait_for(&mut boss, "supervision ended", |m| matches!(m, ServerMsg::SupervisionEnded { .. }).then_some(())).await;
    wait_for(&mut boss, "call removed", |m| matches!(m, ServerMsg::LiveCallRemoved { .. }).then_some(())).await;
    sipp_passed(carrier).await;
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&gw.recordings).ok();
}

/// A page refresh in the middle of a call: the new page hears of the call
/// in progress, takes it back with a new softphone leg, and the caller is
/// heard there; the old leg is gone without ending the call.
#[tokio::test(flavor = "multi_thread")]
async fn a_refreshed_page_takes_its_call_back() {
    if !have_sipp() {
        return;
    }
    let gw = start(None, 60).await;
    let mut ws = gw.desk("omid").await;
    let dir = carrier_dir();
    let carrier = sipp(&gw, &dir, "call_in_tone.xml", &[]);
    let (mut old_phone, call_id) = answer(&mut ws).await;
    old_phone.talk(Duration::from_secs(1), 440.0).await;
    assert!(old_phone.connected);

    // The refresh: the old page's socket and softphone go away, a new page connects.
    drop(ws);
    drop(old_phone);
    let mut ws = gw.desk_without_status("omid").await;
    let active = wait_for(&mut ws, "call.active", |m| match m {
        ServerMsg::CallActive { call, .. } => Some(call.call_id),
        _ => None,
    })
    .await;
    assert_eq!(active, call_id);
    let (mut phone, pending, offer) = Softphone::new().await;
    send(&mut ws, &ClientMsg::CallRejoin { call_id: call_id.clone(), sdp: offer }).await;
    let answer = wait_for(&mut ws, "call.answered", |m| match m {
        ServerMsg::CallAnswered { sdp, .. } => Some(sdp),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = tone_ratio(&heard[heard.len().saturating_sub(8000)..], 1000.0, 8000.0);
    assert!(r > 0.8, "the caller is heard on the new page (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    let reason = wait_for(&mut ws, "call.ended", |m| match m {
        ServerMsg::CallEnded { reason, .. } => Some(reason),
        _ => None,
    })
    .await;
    assert_eq!(reason.kind, CallEndKind::LocalHangUp, "ended by the agent, not by the old leg going");
    sipp_passed(carrier).await;
    std::fs::remove_dir_all(&dir).ok();
}

/// A blind transfer to another agent: the call rings on her desk, she
/// answers, and the caller is heard by her on the same carrier leg.
#[tokio::test(flavor = "multi_thread")]
async fn an_agent_transfers_a_call_to_another() {
    if !have_sipp() {
        return;
    }
    let gw = start(None, 60).await;
    let mut first = gw.desk("omid").await;
    let dir = carrier_dir();
    let carrier = sipp(&gw, &dir, "call_in_tone.xml", &[]);
    let (mut phone, call_id) = answer(&mut first).await;
    phone.talk(Duration::from_secs(1), 440.0).await;

    // Elif comes on shift after the call was answered, so it never rang for her.
    let mut second = gw.desk("elif").await;
    let elif = gw.store.user_by_username("elif").await.unwrap().unwrap().id;
    wait_for(&mut second, "available", |m| match m {
        ServerMsg::AgentStatusUpdated { agent } if agent.agent_id == elif && agent.status == AgentStatus::Available => {
            Some(())
        }
        _ => None,
    })
    .await;
    // The presence change reaches call control a moment after her desk hears
    // it: until then she is not available to take the call.
    let mut reason = None;
    for _ in 0..50 {
        send(&mut first, &ClientMsg::CallTransfer { call_id: call_id.clone(), to_agent: elif }).await;
        match wait_for_any(&mut first).await {
            ServerMsg::CallEnded { reason: r, .. } => {
                reason = Some(r);
                break;
            }
            ServerMsg::Error { code, .. } if code == "target_unavailable" => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(reason.expect("transferred").kind, CallEndKind::Transferred);
    drop(phone);
    let (mut phone, transferred) = answer(&mut second).await;
    assert_eq!(transferred, call_id, "the same call");
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = tone_ratio(&heard[heard.len().saturating_sub(8000)..], 1000.0, 8000.0);
    assert!(r > 0.8, "the caller is heard by the second agent (share {r:.2})");
    send(&mut second, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    sipp_passed(carrier).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_transfers_a_call_to_a_queue() {
    if !have_sipp() {
        return;
    }
    let gw = start(None, 60).await;
    let mut first = gw.desk("omid").await;
    let dir = carrier_dir();
    let carrier = sipp(&gw, &dir, "call_in_tone.xml", &[]);
    let (mut phone, call_id) = answer(&mut first).await;
    phone.talk(Duration::from_secs(1), 440.0).await;
    let mut second = gw.desk("elif").await;

    send(&mut first, &ClientMsg::CallTransferQueue { call_id: call_id.clone(), queue: "nowhere".into() }).await;
    let refused = wait_for_any(&mut first).await;
    assert!(matches!(&refused, ServerMsg::Error { code, .. } if code == "target_unavailable"), "{refused:?}");
    // Elif's presence reaches call control a moment after her desk hears it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    send(&mut first, &ClientMsg::CallTransferQueue { call_id: call_id.clone(), queue: "support".into() }).await;
    let reason = wait_for(&mut first, "call.ended", |m| match m {
        ServerMsg::CallEnded { call_id: c, reason } if c == call_id => Some(reason),
        _ => None,
    })
    .await;
    assert_eq!(reason.kind, CallEndKind::Transferred);
    drop(phone);
    // The queue's routing offers it to its free agent: Elif.
    let ringing = wait_for(&mut second, "call.ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call.clone()),
        _ => None,
    })
    .await;
    assert_eq!((ringing.call_id.as_str(), ringing.queue.as_deref()), (call_id.as_str(), Some("support")));
    let (mut phone, _) = answer_ringing(&mut second, &call_id).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = tone_ratio(&heard[heard.len().saturating_sub(8000)..], 1000.0, 8000.0);
    assert!(r > 0.8, "the caller is heard by the queue's agent (share {r:.2})");
    send(&mut second, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    sipp_passed(carrier).await;
    let detail = gw.store.interaction(&call_id).await.unwrap().unwrap();
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"call.transferred") && kinds.contains(&"queue.entered"), "{kinds:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_walks_the_ivr_and_reaches_an_agent_of_the_queue() {
    if !have_sipp() {
        return;
    }
    let _ = tracing_subscriber::fmt().with_env_filter("gateway=debug").with_test_writer().try_init();
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    // Customer code, then who he is, then the menu; a stranger is sent away.
    let flow = gateway::ivr::Flow::parse(
        r#"{ "name": "main", "start": "code", "language": "en", "nodes": {
            "code": { "type": "collect", "prompt": "enter_customer_code", "var": "code",
                      "min_digits": 4, "max_digits": 4, "timeout_secs": 10, "next": "who", "on_fail": "bye" },
            "who": { "type": "identify", "by": { "var": "code" }, "found": "menu", "not_found": "bye" },
            "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support", "2": "sales" },
                      "timeout_secs": 10, "on_fail": "bye" },
            "support": { "type": "queue", "queue": "support" },
            "sales": { "type": "queue", "queue": "sales" },
            "bye": { "type": "hang_up", "prompt": "goodbye" } } }"#,
    )
    .unwrap();
    store.create_flow(&flow, None, now).await.unwrap();
    let support = shared::routing::QueueConfig {
        name: "support".into(),
        whisper: "Technical support".into(),
        whisper_prompt: Some("whisper_support".into()),
        ..Default::default()
    };
    store.update_queue_config(&support, None, now).await.unwrap();
    // RFC 4733 tells presses apart by timestamp, and sipp's recordings of
    // one key all carry the same: a code with no key twice in a row.
    let customer = gateway::store::CustomerFields {
        code: Some("4725".into()),
        name: Some("Karim Haddad".into()),
        phones: vec![],
        email: None,
        language: "ar".into(),
        vip: false,
        notes: String::new(),
    };
    let customer = store.customers().create(&customer, now).await.unwrap();
    let entry = gateway::ivr::EntryPoint::parse(DID).unwrap();
    store.set_entry_point(&entry, "main", None, now).await.unwrap();
    let gw = serve(store, None, 60).await;
    let mut boss = gw.desk("sara").await;
    send(&mut boss, &ClientMsg::WatchCalls).await;
    // Omid serves support (the demo's queue); Elif and Karim serve sales too.
    let mut ws = gw.desk("omid").await;
    wait_for(&mut ws, "available", |m| match m {
        ServerMsg::AgentStatusUpdated { agent } if agent.status == AgentStatus::Available => Some(()),
        _ => None,
    })
    .await;
    let dir = carrier_dir();
    let caller = sipp(&gw, &dir, "call_in_ivr.xml", &["-rtp_echo"]);
    let call = wait_for(&mut ws, "call.ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call),
        _ => None,
    })
    .await;
    assert_eq!(call.queue.as_deref(), Some("support"), "menu choice 1 after code 4725");
    assert_eq!(call.whisper.as_deref(), Some("Technical support"), "the queue's word to its agents");
    let (mut phone, pending, offer) = Softphone::new().await;
    send(&mut ws, &ClientMsg::CallAnswer { call_id: call.call_id.clone(), sdp: offer }).await;
    let answer = wait_for(&mut ws, "call.answered", |m| match m {
        ServerMsg::CallAnswered { call_id, sdp } if call_id == call.call_id => Some(sdp),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    // First the agent alone hears the queue's whisper ("Technical support
    // call.", about a second of speech in Omid's Persian): her 440 Hz does
    // not reach the caller yet, so no echo comes back in it.
    let heard = phone.talk(Duration::from_secs(4), 440.0).await;
    let start = heard.iter().position(|s| s.unsigned_abs() > 1000).expect("the agent heard something");
    let whisper = &heard[start..(start + 4800).min(heard.len())];
    let loud = whisper.iter().filter(|s| s.unsigned_abs() > 1000).count();
    assert!(loud > 800, "speech in the whisper's first 0.6 s ({loud} loud samples)");
    let r = tone_ratio(whisper, 440.0, 8000.0);
    assert!(r < 0.3, "the caller was not connected during the whisper (440 Hz share {r:.2})");
    // Then the caller's leg, up since the IVR: the agent's 440 Hz reaches
    // the carrier and its echo comes back (the hold music stopped).
    let tail = &heard[heard.len().saturating_sub(8000)..];
    assert!(tail.len() >= 4000, "the softphone heard {} samples", heard.len());
    let r = tone_ratio(tail, 440.0, 8000.0);
    assert!(r > 0.8, "the agent's 440 Hz went to the carrier and came back (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call.call_id).await.kind, CallEndKind::LocalHangUp);
    sipp_passed(caller).await;

    // The call's record: who, which queue, the customer the IVR found, who
    // took it, how it ended, and its timeline in order.
    let omid = gw.store.user_by_username("omid").await.unwrap().unwrap();
    let detail = finished_record(&gw, &call.call_id).await;
    let r = &detail.interaction;
    assert_eq!(r.caller.as_deref(), Some("+966501234567"));
    assert_eq!(r.callee.as_deref(), Some(DID));
    assert_eq!(r.queue.as_deref(), Some("support"));
    assert_eq!(r.customer_id, Some(customer.id), "identified by the code entered");
    assert_eq!(r.agent_id, Some(omid.id));
    assert_eq!(r.disposition, Some(shared::records::Disposition::Answered));
    assert_eq!(r.ended_by, Some(shared::records::EndedBy::Agent));
    assert!(r.ivr_ended_at.is_some() && r.enqueued_at.is_some() && r.answered_at.is_some());
    assert!(r.billsec_ms.unwrap() >= 3000, "talked at least 3 s (whisper included): {:?}", r.billsec_ms);
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "call.started",
            "ivr.left",
            "queue.entered",
            "offer.created",
            "queue.announced",
            "call.answered",
            "call.ended"
        ]
    );
    // Supervisors watching calls saw the same steps as they happened.
    let mut seen = Vec::new();
    while seen.len() < kinds.len() {
        let kind = wait_for(&mut boss, "call events", |m| match m {
            ServerMsg::CallEvent { call_id, kind, .. } if call_id == call.call_id => Some(kind),
            _ => None,
        })
        .await;
        seen.push(kind);
    }
    assert_eq!(seen, kinds);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_leaves_a_voicemail_that_is_kept_with_its_record() {
    if !have_sipp() {
        return;
    }
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    let flow = gateway::ivr::Flow::parse(
        r#"{ "name": "after_hours", "start": "vm", "language": "en", "nodes": {
            "vm": { "type": "voicemail", "mailbox": "support" } } }"#,
    )
    .unwrap();
    store.create_flow(&flow, None, now).await.unwrap();
    let entry = gateway::ivr::EntryPoint::parse(DID).unwrap();
    store.set_entry_point(&entry, "after_hours", None, now).await.unwrap();
    let gw = serve(store, None, 60).await;
    let dir = carrier_dir();
    sipp_passed(sipp(&gw, &dir, "call_in_voicemail.xml", &[])).await;

    let until = tokio::time::Instant::now() + Duration::from_secs(5);
    let filter = gateway::store::VoicemailFilter::default();
    let vm = loop {
        let page = gw.store.voicemails(&filter, None, 10).await.unwrap();
        if let Some(v) = page.items.into_iter().next() {
            break v;
        }
        assert!(tokio::time::Instant::now() < until, "no voicemail stored");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!((vm.mailbox_kind, vm.mailbox.as_str()), (shared::records::MailboxKind::Queue, "support"));
    assert_eq!(vm.caller.as_deref(), Some("+966501234567"));
    // 9 s on the line, less the greeting and the beep.
    assert!((2_000..9_000).contains(&vm.duration_ms), "duration {} ms", vm.duration_ms);
    let call_id = vm.call_id.clone().unwrap();
    let wav = gateway::media::wav::read(&std::fs::read(gw.voicemails.join(format!("{call_id}.wav"))).unwrap()).unwrap();
    assert_eq!(wav.channels, 1);
    assert_eq!(wav.samples.len() as i64 / 8, vm.duration_ms);
    let middle = &wav.samples[wav.samples.len() / 4..wav.samples.len() * 3 / 4];
    let r = tone_ratio(middle, 1000.0, 8000.0);
    assert!(r > 0.8, "the caller's 1 kHz is in the message (share {r:.2})");
    let record = gw.store.interaction(&call_id).await.unwrap().unwrap();
    assert_eq!(record.interaction.disposition, Some(shared::records::Disposition::Voicemail));
    assert!(record.events.iter().any(|e| e.kind == "voicemail.created"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_caller_is_called_back_when_an_agent_is_free() {
    if !have_sipp() {
        return;
    }
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    let support = shared::routing::QueueConfig { name: "support".into(), offer_callback: true, ..Default::default() };
    store.update_queue_config(&support, None, now).await.unwrap();
    let flow = gateway::ivr::Flow::parse(
        r#"{ "name": "main", "start": "menu", "language": "en", "nodes": {
            "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support" }, "on_fail": "support" },
            "support": { "type": "queue", "queue": "support" } } }"#,
    )
    .unwrap();
    store.create_flow(&flow, None, now).await.unwrap();
    store.set_entry_point(&gateway::ivr::EntryPoint::parse(DID).unwrap(), "main", None, now).await.unwrap();
    // The customer's side of the callback: the carrier answers (after a
    // digest challenge) and echoes.
    let (carrier, outbound) = challenging_carrier();
    let gw = serve(store, Some(outbound), 60).await;
    let dir = carrier_dir();
    let customer = answering_carrier(&dir, carrier);

    // Omid is logged in but not ready: the caller waits, and takes a callback.
    let mut ws = gw.desk_without_status("omid").await;
    sipp_passed(sipp(&gw, &dir, "call_in_callback.xml", &[])).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(5);
    let pending = loop {
        let rows = gw.store.callbacks_pending().await.unwrap();
        if let Some(cb) = rows.into_iter().next() {
            break cb;
        }
        assert!(tokio::time::Instant::now() < until, "no callback stored");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!((pending.queue.as_str(), pending.number.as_str()), ("support", "+966501234567"));

    // Omid becomes available: the callback rings on his desk, he takes it,
    // and the gateway dials the customer with him on the line.
    send(&mut ws, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
    let call = wait_for(&mut ws, "callback ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call),
        _ => None,
    })
    .await;
    take_callback(&mut ws, &call, customer).await;
    completed_once(&gw, pending.id).await;
}

/// The agent takes the callback ringing as `call`: the gateway dials the
/// customer (an echoing sipp), the agent hears their own 440 Hz come back
/// and hangs up; sipp must pass.
async fn take_callback(ws: &mut Ws, call: &shared::ws::CallInfo, customer: tokio::process::Child) {
    assert_eq!((call.direction, call.to.as_str()), (shared::ws::CallDirection::Outbound, "+966501234567"));
    let (mut phone, _) = answer_ringing(ws, &call.call_id).await;
    wait_for(ws, "connected", |m| matches!(m, ServerMsg::CallConnected { .. }).then_some(())).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = tone_ratio(&heard[heard.len().saturating_sub(8000)..], 440.0, 8000.0);
    assert!(r > 0.8, "the agent's 440 Hz reached the customer and came back (share {r:.2})");
    send(ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    ended(ws, &call.call_id).await;
    sipp_passed(customer).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn callbacks_stored_before_a_restart_ring_after_it() {
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    // Left by the gateway that ran before this one.
    let request = gateway::store::CallbackRequest {
        queue: "support".into(),
        number: "+905321234567".into(),
        customer_id: None,
        call_id: Some("before-the-restart".into()),
        requested_at: now - 60_000,
        due_at: None,
        position_at: now - 90_000,
        max_attempts: 3,
        created_by: None,
    };
    let id = store.callback_create(&request, now - 60_000).await.unwrap();
    let carrier = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
    let outbound = toml::from_str::<TrunkOutbound>(&format!("proxy = \"{carrier}\"\ncaller_id = \"{DID}\"\n")).unwrap();
    let gw = serve(store, Some(outbound), 60).await;
    let mut ws = gw.desk("omid").await;
    let call = wait_for(&mut ws, "the stored callback ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call),
        _ => None,
    })
    .await;
    assert_eq!((call.to.as_str(), call.queue.as_deref()), ("+905321234567", Some("support")));
    assert!(call.call_id.starts_with(&format!("callback-{id}-")), "{}", call.call_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_agent_hangs_up_the_caller_rates_the_call() {
    if !have_sipp() {
        return;
    }
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    let support =
        shared::routing::QueueConfig { name: "support".into(), survey_flow: Some("rate".into()), ..Default::default() };
    store.update_queue_config(&support, None, now).await.unwrap();
    for json in [
        r#"{ "name": "main", "start": "menu", "language": "en", "nodes": {
            "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support" }, "on_fail": "support" },
            "support": { "type": "queue", "queue": "support" } } }"#,
        r#"{ "name": "rate", "start": "ask", "language": "en", "nodes": {
            "ask": { "type": "survey", "prompt": "survey_question", "var": "rating", "next": "thanks" },
            "thanks": { "type": "hang_up", "prompt": "survey_thanks" } } }"#,
    ] {
        store.create_flow(&gateway::ivr::Flow::parse(json).unwrap(), None, now).await.unwrap();
    }
    store.set_entry_point(&gateway::ivr::EntryPoint::parse(DID).unwrap(), "main", None, now).await.unwrap();
    let gw = serve(store, None, 60).await;
    let mut ws = gw.desk("omid").await;
    let dir = carrier_dir();
    let caller = sipp(&gw, &dir, "call_in_survey.xml", &["-rtp_echo"]);
    let (mut phone, call_id) = answer(&mut ws).await;
    let heard = phone.talk(Duration::from_secs(2), 440.0).await;
    let r = tone_ratio(&heard[heard.len().saturating_sub(4000)..], 440.0, 8000.0);
    assert!(r > 0.8, "the agent's 440 Hz came back (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call_id).await.kind, CallEndKind::LocalHangUp);
    // The caller stays for the survey, rates 5, and is hung up on.
    sipp_passed(caller).await;
    let detail = finished_record(&gw, &call_id).await;
    assert_eq!(detail.interaction.survey_score, Some(5));
    assert_eq!(detail.interaction.disposition, Some(shared::records::Disposition::Answered));
    assert!(detail.events.iter().any(|e| e.kind == "survey.completed"));
}

/// The outside number of a transfer, played by the test itself: a SIP
/// endpoint on the carrier's address that answers one INVITE with its own
/// RTP socket, and can hang up.
struct OutsideNumber {
    sip: tokio::net::UdpSocket,
    rtp: tokio::net::UdpSocket,
}

/// The value of header `name` in a SIP message.
fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.split_once(':').filter(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
        .unwrap_or_else(|| panic!("no {name} in {msg}"))
}

impl OutsideNumber {
    async fn bind() -> OutsideNumber {
        let sip = tokio::net::UdpSocket::bind((CARRIER_IP, 0)).await.unwrap();
        let rtp = tokio::net::UdpSocket::bind((CARRIER_IP, 0)).await.unwrap();
        OutsideNumber { sip, rtp }
    }

    /// Answers the INVITE 200 with our SDP; returns the INVITE, the
    /// gateway's address and where the gateway wants our RTP.
    async fn answer(&self) -> (String, SocketAddr, SocketAddr) {
        let mut buf = vec![0u8; 4096];
        let (invite, from) = loop {
            let (n, from) = tokio::time::timeout(Duration::from_secs(20), self.sip.recv_from(&mut buf))
                .await
                .expect("the transfer's INVITE arrives")
                .unwrap();
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            if text.starts_with("INVITE ") {
                break (text, from);
            }
        };
        let body = invite.split("\r\n\r\n").nth(1).unwrap_or_default();
        let port: u16 =
            body.lines().find_map(|l| l.strip_prefix("m=audio ")).unwrap().split(' ').next().unwrap().parse().unwrap();
        let ip = body.lines().find_map(|l| l.strip_prefix("c=IN IP4 ")).unwrap().trim();
        let media: SocketAddr = format!("{ip}:{port}").parse().unwrap();
        let me = self.sip.local_addr().unwrap();
        let sdp = format!(
            "v=0\r\no=- 1 1 IN IP4 {CARRIER_IP}\r\ns=-\r\nc=IN IP4 {CARRIER_IP}\r\nt=0 0\r\n\
             m=audio {} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
            self.rtp.local_addr().unwrap().port()
        );
        let ok = format!(
            "SIP/2.0 200 OK\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=outside1\r\nCall-ID: {}\r\nCSeq: {}\r\n\
             Contact: <sip:outside@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            header(&invite, "Via"),
            header(&invite, "From"),
            header(&invite, "To"),
            header(&invite, "Call-ID"),
            header(&invite, "CSeq"),
            sdp.len()
        );
        self.sip.send_to(ok.as_bytes(), from).await.unwrap();
        (invite, from, media)
    }

    /// Sends `hz` to `media` for `secs` and returns what came back, decoded.
    async fn talk(&self, media: SocketAddr, hz: f64, secs: u64) -> Vec<i16> {
        let mut heard = Vec::new();
        let mut buf = [0u8; 1500];
        let (mut seq, ssrc) = (1u16, 0x5151_u32);
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for i in 0..(secs * 50) as usize {
            tick.tick().await;
            let pcm: Vec<i16> = (0..160)
                .map(|k| (8000.0 * (2.0 * std::f64::consts::PI * hz * (i * 160 + k) as f64 / 8000.0).sin()) as i16)
                .collect();
            let mut packet = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            packet[2..4].copy_from_slice(&seq.to_be_bytes());
            packet[4..8].copy_from_slice(&((i * 160) as u32).to_be_bytes());
            packet[8..12].copy_from_slice(&ssrc.to_be_bytes());
            let mut body = vec![0u8; 160];
            g711::encode_ulaw(&pcm, &mut body);
            packet.extend_from_slice(&body);
            seq = seq.wrapping_add(1);
            self.rtp.send_to(&packet, media).await.unwrap();
            while let Ok((n, _)) = self.rtp.try_recv_from(&mut buf) {
                if n > 12 && buf[1] & 0x7f == 0 {
                    let mut pcm = vec![0i16; n - 12];
                    g711::decode_ulaw(&buf[12..n], &mut pcm);
                    heard.extend(pcm);
                }
            }
        }
        heard
    }

    /// Hangs up: a BYE in the dialog the INVITE made.
    async fn hang_up(&self, invite: &str, gateway: SocketAddr) {
        let contact = header(invite, "Contact").trim_start_matches('<').split('>').next().unwrap();
        let me = self.sip.local_addr().unwrap();
        let bye = format!(
            "BYE {contact} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK-outside-bye\r\nFrom: {};tag=outside1\r\n\
             To: {}\r\nCall-ID: {}\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            header(invite, "To"),
            header(invite, "From"),
            header(invite, "Call-ID"),
        );
        self.sip.send_to(bye.as_bytes(), gateway).await.unwrap();
    }
}

/// A gateway whose outbound trunk leads to an outside number the test plays.
async fn with_outside_number() -> (OutsideNumber, Gateway) {
    let outside = OutsideNumber::bind().await;
    let outbound = toml::from_str::<TrunkOutbound>(&format!(
        "proxy = \"{}\"\ndomain = \"carrier.test\"\ncaller_id = \"{DID}\"\n",
        outside.sip.local_addr().unwrap()
    ))
    .unwrap();
    let gw = start(Some(outbound), 60).await;
    (outside, gw)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_sends_a_call_on_to_an_outside_number() {
    if !have_sipp() {
        return;
    }
    let (outside, gw) = with_outside_number().await;
    let mut ws = gw.desk("omid").await;
    let dir = carrier_dir();
    // The caller echoes what they hear: what the outside number says comes back to it.
    let caller = sipp(&gw, &dir, "call_in_queue.xml", &["-rtp_echo"]);
    let (mut phone, call_id) = answer(&mut ws).await;
    phone.talk(Duration::from_millis(500), 440.0).await;

    send(&mut ws, &ClientMsg::CallTransferNumber { call_id: call_id.clone(), number: "+1 (555) 0100".into() }).await;
    let refused = wait_for_any(&mut ws).await;
    assert!(matches!(&refused, ServerMsg::Error { code, .. } if code == "bad_number"), "{refused:?}");
    send(&mut ws, &ClientMsg::CallTransferNumber { call_id: call_id.clone(), number: "+15550100".into() }).await;
    assert_eq!(ended(&mut ws, &call_id).await.kind, CallEndKind::Transferred);
    drop(phone);

    let (invite, gateway, media) = outside.answer().await;
    assert!(invite.starts_with("INVITE sip:+15550100@"), "the number dialed: {}", invite.lines().next().unwrap());
    let heard = outside.talk(media, 700.0, 3).await;
    let tail = &heard[heard.len().saturating_sub(8000)..];
    assert!(tail.len() >= 4000, "the outside number heard {} samples", heard.len());
    let r = tone_ratio(tail, 700.0, 8000.0);
    assert!(r > 0.8, "its 700 Hz reached the caller and the caller's echo came back (share {r:.2})");
    // Keys from the caller's side would pass too; the outside number hangs up:
    // the caller gets the BYE.
    outside.hang_up(&invite, gateway).await;
    sipp_passed(caller).await;

    let detail = finished_record(&gw, &call_id).await;
    let moved = detail.events.iter().find(|e| e.kind == "call.transferred").expect("the transfer is in the timeline");
    assert!(format!("{:?}", moved.data).contains("+15550100"), "{:?}", moved.data);
    std::fs::remove_dir_all(&dir).ok();
}

/// The next `call_consult` state for `call_id`.
async fn consult_state(ws: &mut Ws, call_id: &str) -> shared::ws::ConsultState {
    wait_for(ws, "call.consult", |m| match m {
        ServerMsg::CallConsult { call_id: c, state } if c == call_id => Some(state),
        _ => None,
    })
    .await
}

/// Both talk at once for `secs`: what the softphone and the outside number heard.
async fn talk_both(
    phone: &mut Softphone,
    outside: &OutsideNumber,
    media: SocketAddr,
    secs: u64,
) -> (Vec<i16>, Vec<i16>) {
    tokio::join!(phone.talk(Duration::from_secs(secs), 440.0), outside.talk(media, 700.0, secs))
}

fn share(heard: &[i16], hz: f64) -> f64 {
    tone_ratio(&heard[heard.len().saturating_sub(8000)..], hz, 8000.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_consults_a_number_talks_with_all_three_and_leaves_them_talking() {
    use shared::ws::ConsultState;
    if !have_sipp() {
        return;
    }
    let (outside, gw) = with_outside_number().await;
    let mut ws = gw.desk("omid").await;
    let dir = carrier_dir();
    // The caller echoes: what reaches them comes back.
    let caller = sipp(&gw, &dir, "call_in_queue.xml", &["-rtp_echo"]);
    let (mut phone, call_id) = answer(&mut ws).await;
    phone.talk(Duration::from_millis(500), 440.0).await;

    // 1. She consults the number; the caller waits.
    send(&mut ws, &ClientMsg::CallConsult { call_id: call_id.clone(), number: "+15550100".into() }).await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Dialing);
    let (invite, gateway, media) = outside.answer().await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Connected);
    let (agent_heard, outside_heard) = talk_both(&mut phone, &outside, media, 3).await;
    assert!(share(&agent_heard, 700.0) > 0.8, "she hears the number ({:.2})", share(&agent_heard, 700.0));
    assert!(share(&outside_heard, 440.0) > 0.8, "the number hears her alone ({:.2})", share(&outside_heard, 440.0));

    // 2. All three together: each hears the others.
    send(&mut ws, &ClientMsg::CallConsultJoin { call_id: call_id.clone() }).await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Joined);
    let (agent_heard, outside_heard) = talk_both(&mut phone, &outside, media, 3).await;
    let tail = &agent_heard[agent_heard.len().saturating_sub(8000)..];
    let r = tone_ratio(tail, 700.0, 8000.0);
    assert!(r > 0.3, "she hears the number in the three-way call ({r:.2} of {} samples)", tail.len());
    let tail = &outside_heard[outside_heard.len().saturating_sub(8000)..];
    let (r, callers) = (tone_ratio(tail, 440.0, 8000.0), tone_ratio(tail, 1000.0, 8000.0));
    assert!(
        r > 0.3,
        "the number hears her in the three-way call (440 Hz {r:.2}, the caller's 1 kHz {callers:.2}, of {} samples)",
        tail.len()
    );

    // 3. She leaves: the caller and the number go on talking.
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call_id).await.kind, CallEndKind::Transferred);
    drop(phone);
    let heard = outside.talk(media, 700.0, 3).await;
    assert!(
        share(&heard, 700.0) > 0.8,
        "the number's 700 Hz went to the caller and came back ({:.2})",
        share(&heard, 700.0)
    );
    outside.hang_up(&invite, gateway).await;
    sipp_passed(caller).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consultation_cancelled_gives_the_agent_back_the_caller() {
    use shared::ws::ConsultState;
    if !have_sipp() {
        return;
    }
    let (outside, gw) = with_outside_number().await;
    let mut ws = gw.desk("omid").await;
    let dir = carrier_dir();
    let caller = sipp(&gw, &dir, "call_in_queue.xml", &["-rtp_echo"]);
    let (mut phone, call_id) = answer(&mut ws).await;
    send(&mut ws, &ClientMsg::CallConsult { call_id: call_id.clone(), number: "+15550100".into() }).await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Dialing);
    let (_invite, _gateway, media) = outside.answer().await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Connected);
    talk_both(&mut phone, &outside, media, 1).await;

    send(&mut ws, &ClientMsg::CallConsultCancel { call_id: call_id.clone() }).await;
    assert_eq!(consult_state(&mut ws, &call_id).await, ConsultState::Ended);
    // Back with the caller: her 440 Hz goes to them and comes back.
    phone.talk(Duration::from_millis(500), 440.0).await;
    let heard = phone.talk(Duration::from_secs(2), 440.0).await;
    assert!(share(&heard, 440.0) > 0.8, "back with the caller ({:.2})", share(&heard, 440.0));
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call_id).await.kind, CallEndKind::LocalHangUp);
    sipp_passed(caller).await;
    std::fs::remove_dir_all(&dir).ok();
}

impl Gateway {
    /// A session for `username`, made in the store: its cookie value.
    async fn session(&self, username: &str) -> String {
        let user = self.store.user_by_username(username).await.unwrap().unwrap();
        let t = token::generate();
        let now = Clock::system().now_ms();
        self.store.create_session(&token::hash(&t).unwrap(), user.id, now, now + 3_600_000).await.unwrap();
        t
    }

    /// A JSON POST over plain HTTP/1.1 with the session `cookie`: the status
    /// and the body.
    async fn post(&self, path: &str, cookie: &str, body: &serde_json::Value) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.to_string();
        let mut tcp = tokio::net::TcpStream::connect(self.http).await.unwrap();
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: cc_session={cookie}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.http,
            body.len()
        );
        tcp.write_all(req.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.unwrap();
        let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, answer.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_scheduled_over_rest_rings_its_queue_when_due_and_dials_the_customer() {
    if !have_sipp() {
        return;
    }
    let (carrier, outbound) = challenging_carrier();
    let gw = start(Some(outbound), 60).await;
    let dir = carrier_dir();
    let customer = answering_carrier(&dir, carrier);
    let mut ws = gw.desk("omid").await;

    // Sara schedules it for two seconds from now, as her desk would.
    let cookie = gw.session("sara").await;
    let due = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let due = due.format(&time::format_description::well_known::Rfc3339).unwrap();
    let (status, body) = gw
        .post(
            "/api/v1/callbacks",
            &cookie,
            &serde_json::json!({ "queue": "support", "number": "+966 50 123 4567", "due_at": due }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap();

    // Within the engine's look at the store (every 15 s), it rings Omid.
    let call = {
        let until = tokio::time::Instant::now() + Duration::from_secs(40);
        loop {
            let frame = tokio::time::timeout_at(until, ws.next()).await.expect("the callback rings").unwrap().unwrap();
            if let tungstenite::Message::Text(t) = frame
                && let Ok(ServerMsg::CallRinging { call }) = serde_json::from_str(t.as_str())
            {
                break call;
            }
        }
    };
    take_callback(&mut ws, &call, customer).await;
    completed_once(&gw, id).await;
}

/// The number baresip answers to and calls from (baresip answers only
/// calls for its own user: 404 otherwise).
const CUSTOMER: &str = "+966501234567";

/// baresip (Debian `baresip-core`), a real SIP softphone, for interop: it
/// plays 1 kHz from a WAV file (`aufile`) and keeps what it hears
/// (`sndfile`, decoded). `cargo xtask test` installs it and sets
/// CC_REQUIRE_PEERS so that a missing baresip fails instead of skipping.
struct Baresip {
    child: tokio::process::Child,
    dir: std::path::PathBuf,
    addr: SocketAddr,
}

impl Baresip {
    fn available() -> bool {
        let found = std::process::Command::new("baresip").arg("-h").output().is_ok()
            && std::path::Path::new("/usr/lib/baresip/modules/aufile.so").exists();
        if !found {
            assert!(std::env::var("CC_REQUIRE_PEERS").is_err(), "baresip is required (Debian baresip-core)");
            eprintln!("note: baresip not installed; skipped");
        }
        found
    }

    /// A demo gateway for baresip: its RTP socket listens on every address,
    /// so its packets leave from 127.0.0.1 while its SDP names the
    /// carrier's address; the gateway must learn the source.
    async fn gateway(outbound: Option<TrunkOutbound>) -> Gateway {
        let store = common::sqlite().await;
        gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
        serve_with(store, outbound, 60, |c| c.media.learn_rtp_source = true).await
    }

    /// Starts baresip on the carrier's address, answering calls by itself;
    /// `dial` makes it call that URI once it is up.
    fn start(dial: Option<&str>) -> Baresip {
        let addr = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
        let dir = std::env::temp_dir().join(format!("cc-baresip-{}-{}", std::process::id(), rand::random::<u32>()));
        std::fs::create_dir_all(dir.join("snd")).unwrap();
        let tone = tone_1k(30);
        let mut wav = gateway::media::wav::WavWriter::new(std::io::Cursor::new(Vec::new()), 1).unwrap();
        wav.write(&tone).unwrap();
        std::fs::write(dir.join("tone.wav"), wav.finish().unwrap().into_inner()).unwrap();
        let d = dir.display();
        std::fs::write(
            dir.join("config"),
            format!(
                "poll_method epoll\nsip_listen {addr}\nnet_interface {CARRIER_IP}\n\
                 audio_source aufile,{d}/tone.wav\naudio_player aubridge,nowhere\n\
                 module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule aufile.so\n\
                 module aubridge.so\nmodule sndfile.so\nmodule_app account.so\nmodule_app menu.so\n\
                 snd_path {d}/snd\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("accounts"),
            format!("<sip:{CUSTOMER}@{addr}>;regint=0;answermode=auto;audio_codecs=PCMU\n"),
        )
        .unwrap();
        let mut cmd = tokio::process::Command::new("baresip");
        cmd.arg("-f").arg(&dir).args(["-t", "90"]);
        if let Some(uri) = dial {
            cmd.args(["-e", &format!("/dial {uri}")]);
        }
        let child = cmd
            .current_dir(&dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        Baresip { child, dir, addr }
    }

    /// Stops baresip (SIGTERM, so it closes its files) and returns what it
    /// heard, decoded, and what it printed.
    async fn stop(self) -> (Vec<i16>, String) {
        let pid = self.child.id().expect("baresip still running").to_string();
        std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let out = tokio::time::timeout(Duration::from_secs(10), self.child.wait_with_output())
            .await
            .expect("baresip stops")
            .unwrap();
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let heard = std::fs::read_dir(self.dir.join("snd"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.to_string_lossy().ends_with("-dec.wav"))
            .map(|p| gateway::media::wav::read(&std::fs::read(p).unwrap()).expect("baresip's WAV").samples)
            .unwrap_or_default();
        std::fs::remove_dir_all(&self.dir).ok();
        (heard, printed)
    }
}

/// The share of `hz` in the last second of what was heard (at least half a
/// second of it).
fn last_second_share(heard: &[i16], hz: f64, who: &str) -> f64 {
    let tail = &heard[heard.len().saturating_sub(8000)..];
    assert!(tail.len() >= 4000, "{who} heard {} samples", heard.len());
    tone_ratio(tail, hz, 8000.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn baresip_calls_an_agent_and_they_hear_each_other() {
    if !Baresip::available() {
        return;
    }
    let gw = Baresip::gateway(None).await;
    let mut ws = gw.desk("karim").await;
    wait_for(&mut ws, "available", |m| match m {
        ServerMsg::AgentStatusUpdated { agent } if agent.status == AgentStatus::Available => Some(()),
        _ => None,
    })
    .await;
    let softphone = Baresip::start(Some(&format!("sip:{DID}@{}", gw.sip)));
    let call = wait_for(&mut ws, "call.ringing", |m| match m {
        ServerMsg::CallRinging { call } => Some(call),
        _ => None,
    })
    .await;
    assert_eq!((call.from.as_str(), call.to.as_str(), call.trunk.as_str()), (CUSTOMER, DID, "carrier"));
    let (mut phone, call_id) = answer_ringing(&mut ws, &call.call_id).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = last_second_share(&heard, 1000.0, "the agent");
    assert!(r > 0.8, "baresip's 1 kHz reached the agent (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call_id).await.kind, CallEndKind::LocalHangUp);
    // baresip got the BYE: it says the call is over.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (heard, printed) = softphone.stop().await;
    assert!(printed.contains("terminated"), "baresip saw the call end:\n{printed}");
    let r = last_second_share(&heard, 440.0, "baresip");
    assert!(r > 0.8, "the agent's 440 Hz reached baresip (share {r:.2})");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_calls_baresip_through_the_trunk_and_they_hear_each_other() {
    if !Baresip::available() {
        return;
    }
    let softphone = Baresip::start(None);
    let outbound = toml::from_str::<TrunkOutbound>(&format!(
        "proxy = \"{}\"\ndomain = \"carrier.test\"\ncaller_id = \"{DID}\"\n",
        softphone.addr
    ))
    .unwrap();
    let gw = Baresip::gateway(Some(outbound)).await;
    // baresip is listening by now or soon; its answer is automatic.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut ws = gw.desk("elif").await;
    let (mut phone, pending, offer) = Softphone::new().await;
    send(&mut ws, &ClientMsg::CallDial { number: CUSTOMER.into(), sdp: offer, caller_id: None }).await;
    let (call, answer) = wait_for(&mut ws, "call.dialing", |m| match m {
        ServerMsg::CallDialing { call, sdp } => Some((call, sdp)),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    wait_for(&mut ws, "call.answered (remote)", |m| matches!(m, ServerMsg::CallConnected { .. }).then_some(())).await;
    let heard = phone.talk(Duration::from_secs(3), 440.0).await;
    let r = last_second_share(&heard, 1000.0, "the agent");
    assert!(r > 0.8, "baresip's 1 kHz reached the agent (share {r:.2})");
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    assert_eq!(ended(&mut ws, &call.call_id).await.kind, CallEndKind::LocalHangUp);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (heard, printed) = softphone.stop().await;
    assert!(printed.contains("terminated"), "baresip saw the call end:\n{printed}");
    let r = last_second_share(&heard, 440.0, "baresip");
    assert!(r > 0.8, "the agent's 440 Hz reached baresip (share {r:.2})");
}

/// The next widget message within `secs`, or `None` when none came.
async fn widget_next(ws: &mut Ws, secs: u64) -> Option<shared::widget::WidgetServerMsg> {
    let until = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let frame = tokio::time::timeout_at(until, ws.next()).await.ok()?.expect("socket open").expect("frame");
        if let tungstenite::Message::Text(t) = frame {
            return Some(serde_json::from_str(t.as_str()).unwrap());
        }
    }
}

#[tokio::test]
async fn a_web_caller_reaches_the_ivr_only_once_its_media_is_up() {
    use shared::widget::{WidgetClientMsg, WidgetPhase, WidgetServerMsg};
    let store = common::sqlite().await;
    let now = Clock::system().now_ms();
    gateway::demo::seed_demo(&store, now).await.unwrap();
    gateway::demo::seed_demo_flows(&store, now).await.unwrap();
    let gw = serve_with(store, None, 0, |c| c.widgets.push(gateway::demo::demo_widget())).await;
    let mut req = format!("ws://{}/api/v1/widgets/demo/call", gw.http).into_client_request().unwrap();
    req.headers_mut().insert("origin", format!("http://{}", gw.http).parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert!(matches!(widget_next(&mut ws, 10).await, Some(WidgetServerMsg::Ready { .. })));
    let (mut phone, pending, offer) = Softphone::new().await;
    let call = WidgetClientMsg::Call { sdp: offer, page: None, language: None, token: None };
    futures_util::SinkExt::send(&mut ws, tungstenite::Message::Text(serde_json::to_string(&call).unwrap().into()))
        .await
        .unwrap();
    let answer = match widget_next(&mut ws, 10).await {
        Some(WidgetServerMsg::Answer { sdp }) => sdp,
        other => panic!("expected the answer, got {other:?}"),
    };
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();

    // The browser has the answer but its media is not up (nothing sent):
    // the IVR has not started, and no call is on record.
    let early = widget_next(&mut ws, 2).await;
    assert!(early.is_none(), "before the media is up: {early:?}");
    let calls = gw.store.interactions(&Default::default(), None, 10).await.unwrap();
    assert!(calls.items.is_empty(), "no call yet: {:?}", calls.items);

    // Once it connects, the caller is in the menu.
    let talking = tokio::spawn(async move { phone.talk(Duration::from_secs(4), 440.0).await });
    let phase = match widget_next(&mut ws, 10).await {
        Some(WidgetServerMsg::Phase { phase }) => phase,
        other => panic!("expected the menu, got {other:?}"),
    };
    assert_eq!(phase, WidgetPhase::Menu);
    let heard = talking.await.unwrap();
    assert!(heard.iter().any(|&s| s.abs() > 500), "the greeting is heard");
}

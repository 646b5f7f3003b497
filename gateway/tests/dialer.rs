//! The dialer placing real calls: the whole gateway on loopback, sipp as
//! the carrier answering a known mix by the number's last digit (a person
//! saying "hello", an answering machine's long greeting, busy, never
//! answering; `data/sipp/campaign_contacts.xml`), a supervisor over HTTP.
//!
//! An agentless campaign (its IVR flow plays a message and hangs up) with
//! machines hung up on and not retried, busy retried after 10 minutes and
//! no answer after 60: every contact must end as the carrier's behaviour
//! and the campaign's rules say, computed here from the mix; numbers on
//! the global and the campaign's do-not-call lists (listed after the
//! import) are never dialed; the dial log says why each thing happened
//! (answering machine detection's reason included); and once nothing is
//! due the supervisor sees the list-dry alert with the next due time.
//!
//! A progressive campaign with one agent desk (a WebSocket and a str0m
//! softphone): the agent is held for each call; an answered contact rings
//! on her desk with the contact card, script and dispositions; she talks,
//! hangs up, saves a disposition over the API (another agent may not, nor
//! may she twice), and only then the next contact is dialed for her.

mod common;

use common::desk::{Ws, have_sipp, send, wait_for};
use common::softphone::Softphone;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use gateway::auth::token;
use gateway::config::{Config, TrunkConfig, TrunkOutbound};
use gateway::http::Clock;
use gateway::media::g711;
use serde_json::{Value, json};
use shared::ws::{AgentStatus, ClientMsg, ServerMsg};
use str0m::change::SdpAnswer;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const CARRIER_IP: &str = "127.0.0.3";
const CALLER_ID: &str = "+441234567890";

struct Gateway {
    http: SocketAddr,
    store: gateway::store::Store,
}

async fn serve(outbound: TrunkOutbound) -> Gateway {
    let store = common::sqlite().await;
    gateway::demo::seed_demo(&store, Clock::system().now_ms()).await.unwrap();
    let mut config = Config::default();
    config.media.prompts_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/prompts").into();
    config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
    config.media.rtp_ports = [44000, 44998];
    let dir = std::env::temp_dir().join(format!("cc-dialer-{}-{}", std::process::id(), rand::random::<u32>()));
    config.media.recordings_dir = dir.clone();
    config.media.voicemail_dir = dir.join("voicemail");
    config.sip.listen_udp = "127.0.0.1:0".parse().unwrap();
    config.sip.listen_tcp = "127.0.0.1:0".parse().unwrap();
    config.sip.trunks = vec![TrunkConfig {
        name: "carrier".into(),
        addresses: vec![CARRIER_IP.parse().unwrap()],
        register: None,
        outbound: Some(outbound),
    }];
    let sockets = gateway::drive::sip::bind(&config.sip).await.unwrap();
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
    Gateway { http, store }
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

    /// One HTTP/1.1 request: the status and the body.
    async fn request(&self, method: &str, path: &str, cookie: &str, body: Option<(&str, String)>) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (kind, body) = body.unwrap_or(("application/json", String::new()));
        let mut tcp = tokio::net::TcpStream::connect(self.http).await.unwrap();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: cc_session={cookie}\r\nContent-Type: {kind}\r\n\
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

    /// The agent's desk: the WebSocket, with the status available.
    async fn desk(&self, username: &str) -> Ws {
        let t = self.session(username).await;
        let mut req = format!("ws://{}/api/v1/ws", self.http).into_client_request().unwrap();
        req.headers_mut().insert("cookie", format!("cc_session={t}").parse().unwrap());
        req.headers_mut().insert("origin", format!("http://{}", self.http).parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        send(&mut ws, &ClientMsg::SetStatus { status: AgentStatus::Available, reason: None }).await;
        ws
    }

    async fn json(&self, method: &str, path: &str, cookie: &str, body: Option<Value>) -> (u16, Value) {
        let body = body.map(|b| ("application/json", b.to_string()));
        let (status, text) = self.request(method, path, cookie, body).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Speech-like sound: a 140 Hz voice with harmonics and a 5 Hz syllable
/// swell, as μ-law.
fn speech(ms: usize, out: &mut Vec<u8>) {
    let pcm: Vec<i16> = (0..ms * 8)
        .map(|i| {
            let t = i as f64 / 8000.0;
            let voice: f64 = [(140.0, 1.0), (280.0, 0.5), (420.0, 0.3), (700.0, 0.2)]
                .iter()
                .map(|(f, a)| a * (2.0 * std::f64::consts::PI * f * t).sin())
                .sum();
            (voice * (0.65 + 0.35 * (2.0 * std::f64::consts::PI * 5.0 * t).sin()) * 5000.0) as i16
        })
        .collect();
    let mut law = vec![0u8; pcm.len()];
    g711::encode_ulaw(&pcm, &mut law);
    out.extend(law);
}

fn silence(ms: usize, out: &mut Vec<u8>) {
    out.extend(std::iter::repeat_n(0xFFu8, ms * 8));
}

/// sipp's folder: `hello.ul` (a person: 0.3 s quiet, "hello" for 0.5 s,
/// then quiet while they wait for us) and `greeting.ul` (a machine: 4 s
/// of talk, then quiet).
fn carrier_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cc-campaign-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut hello = Vec::new();
    silence(300, &mut hello);
    speech(500, &mut hello);
    silence(4000, &mut hello);
    std::fs::write(dir.join("hello.ul"), hello).unwrap();
    let mut greeting = Vec::new();
    speech(4000, &mut greeting);
    silence(2000, &mut greeting);
    std::fs::write(dir.join("greeting.ul"), greeting).unwrap();
    dir
}

/// The carrier, taking every call the gateway sends it until killed.
fn carrier(dir: &std::path::Path, at: SocketAddr) -> tokio::process::Child {
    tokio::process::Command::new("sipp")
        .current_dir(dir)
        .args(["-sf", &format!("{}/tests/data/sipp/campaign_contacts.xml", env!("CARGO_MANIFEST_DIR"))])
        .args(["-i", CARRIER_IP, "-p", &at.port().to_string(), "-mi", CARRIER_IP, "-mp", "0"])
        .args(["-trace_err", "-nostdin", "-timeout", "300"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// How the carrier treats a number: by its last digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Person,
    Machine,
    Busy,
    NoAnswer,
}

fn behaviour(number: &str) -> Behaviour {
    match number.as_bytes().last() {
        Some(b'1') => Behaviour::Person,
        Some(b'2') => Behaviour::Machine,
        Some(b'3') => Behaviour::Busy,
        Some(b'4') => Behaviour::NoAnswer,
        _ => panic!("the carrier has no behaviour for {number}"),
    }
}

fn ms(rfc3339: &str) -> i64 {
    rfc3339.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agentless_campaign_calls_a_known_mix_and_logs_why() {
    if !have_sipp() {
        return;
    }
    let at = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
    let outbound: TrunkOutbound = toml::from_str(&format!("proxy = \"{at}\"\ncaller_id = \"{CALLER_ID}\"\n")).unwrap();
    let gw = serve(outbound).await;
    let dir = carrier_dir();
    let mut sipp = carrier(&dir, at);
    let sara = gw.session("sara").await;

    // The message the answered contacts hear: a short prompt, then goodbye.
    let flow = json!({
        "name": "campaign_notice", "start": "say", "language": "en",
        "nodes": { "say": { "type": "hang_up", "prompt": "goodbye" } }
    });
    let flow = gateway::ivr::Flow::parse(&flow.to_string()).unwrap();
    gw.store.save_flow(&flow, None, Clock::system().now_ms()).await.unwrap();

    let settings = json!({
        "caller_id": CALLER_ID, "max_attempts": 3, "ring_timeout_secs": 10, "max_lines": 10,
        "retry_minutes": { "busy": 10, "no_answer": 60, "failed": 240, "machine": null, "abandoned": 30 },
        "machine_action": "hang_up", "flow": "campaign_notice"
    });
    let input = json!({ "name": "Spring survey", "mode": "agentless", "settings": settings });
    let (status, campaign) = gw.json("POST", "/api/v1/campaigns", &sara, Some(input)).await;
    assert_eq!(status, 201, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();

    // The mix: two people, a machine, a busy line, one that never answers,
    // and two people on do-not-call lists.
    let numbers = [
        ("Ali", "+15550000011"),
        ("Sara", "+15550000021"),
        ("Machine", "+15550000012"),
        ("Busy", "+15550000013"),
        ("Nobody", "+15550000014"),
        ("Campaign DNC", "+15550000031"),
        ("Global DNC", "+15550000041"),
    ];
    let csv: String =
        std::iter::once("name,number\n".to_owned()).chain(numbers.iter().map(|(n, p)| format!("{n},{p}\n"))).collect();
    let path = format!("/api/v1/campaigns/{id}/contacts");
    let (status, report) = gw.request("POST", &path, &sara, Some(("text/csv", csv))).await;
    assert_eq!(status, 200, "{report}");
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["loaded"], numbers.len() as u64);
    // Listed after the import, before the start: checked at dial time.
    let dnc = |n: &str| Some(json!({ "number": n }));
    let (s, _) = gw.json("POST", &format!("/api/v1/campaigns/{id}/dnc"), &sara, dnc("+15550000031")).await;
    assert_eq!(s, 201);
    let (s, _) = gw.json("POST", "/api/v1/dnc", &sara, dnc("+15550000041")).await;
    assert_eq!(s, 201);

    let started = Clock::system().now_ms();
    let (s, body) = gw.json("POST", &format!("/api/v1/campaigns/{id}/start"), &sara, None).await;
    assert_eq!(s, 200, "{body}");

    // Until every contact dialed is settled (done, or pending a retry) and
    // the supervisor sees the list-dry alert: 60 s at most.
    let until = tokio::time::Instant::now() + Duration::from_secs(60);
    let (results, live) = loop {
        let (_, results) = gw.json("GET", &format!("/api/v1/campaigns/{id}/results"), &sara, None).await;
        let (_, live) = gw.json("GET", &format!("/api/v1/campaigns/{id}/live"), &sara, None).await;
        let settled = results["items"].as_array().is_some_and(|items| {
            items.iter().all(|c| c["status"] == "done" || (c["status"] == "pending" && c["attempts"] == 1))
        });
        if settled && live["alert"]["kind"] == "list_dry" && live["ringing"] == 0 && live["in_progress"] == 0 {
            break (results, live);
        }
        if tokio::time::Instant::now() > until {
            let (_, log) = gw.json("GET", &format!("/api/v1/campaigns/{id}/dial_log"), &sara, None).await;
            panic!("not settled in 60 s:\n{results:#}\n{live:#}\n{log:#}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let (_, log) = gw.json("GET", &format!("/api/v1/campaigns/{id}/dial_log?limit=1000"), &sara, None).await;
    let log = log["items"].as_array().unwrap().clone();

    // Each contact against what its behaviour and the rules make of it.
    let by_number: HashMap<&str, &Value> =
        results["items"].as_array().unwrap().iter().map(|c| (c["number"].as_str().unwrap(), c)).collect();
    let lines = |contact: i64, action: &str| -> Vec<Value> {
        log.iter().filter(|l| l["contact_id"] == contact && l["action"] == action).cloned().collect()
    };
    let mut next_due = None::<i64>;
    for (_, number) in numbers {
        let c = by_number[number];
        let contact = c["id"].as_i64().unwrap();
        let listed = match number {
            "+15550000031" => Some("on the campaign's do-not-call list"),
            "+15550000041" => Some("on the global do-not-call list"),
            _ => None,
        };
        if let Some(why) = listed {
            assert_eq!((c["status"].as_str(), c["outcome"].as_str()), (Some("done"), Some("do_not_call")), "{c}");
            assert_eq!(c["attempts"], 0, "never dialed: {c}");
            assert!(lines(contact, "dial").is_empty(), "a listed number was dialed");
            assert_eq!(lines(contact, "finish")[0]["reason"], why);
            continue;
        }
        let dials = lines(contact, "dial");
        assert_eq!(dials.len(), 1, "{number} dialed once: {dials:?}");
        assert!(dials[0]["reason"].as_str().unwrap().contains("lines in use"), "{}", dials[0]);
        assert_eq!(c["attempts"], 1, "{c}");
        match behaviour(number) {
            Behaviour::Person => {
                assert_eq!((c["status"].as_str(), c["outcome"].as_str()), (Some("done"), Some("completed")), "{c}");
                let flow = lines(contact, "run_flow");
                let reason = flow[0]["reason"].as_str().unwrap();
                assert!(reason.starts_with("answered (human)") && reason.contains("detection: human"), "{reason}");
            }
            Behaviour::Machine => {
                // Hung up on, and machines are not retried here.
                assert_eq!((c["status"].as_str(), c["outcome"].as_str()), (Some("done"), Some("no_retry")), "{c}");
                assert_eq!(c["last_result"], "machine");
                let hang_up = lines(contact, "hang_up");
                let reason = hang_up[0]["reason"].as_str().unwrap();
                assert!(reason.starts_with("answering machine: hang up"), "{reason}");
                assert!(reason.contains("detection: machine"), "{reason}");
            }
            Behaviour::Busy | Behaviour::NoAnswer => {
                let (result, minutes) =
                    if behaviour(number) == Behaviour::Busy { ("busy", 10) } else { ("no_answer", 60) };
                assert_eq!((c["status"].as_str(), c["last_result"].as_str()), (Some("pending"), Some(result)), "{c}");
                let retry = &lines(contact, "retry")[0];
                assert_eq!(retry["reason"], format!("attempt ended: {result}"));
                let due = ms(c["next_attempt_at"].as_str().unwrap());
                assert_eq!(due - ms(retry["at"].as_str().unwrap()), minutes * 60_000, "{c} {retry}");
                if result == "no_answer" {
                    // Given up after the ring time, not before.
                    let rang = ms(retry["at"].as_str().unwrap()) - ms(dials[0]["at"].as_str().unwrap());
                    assert!((10_000..20_000).contains(&rang), "rang {rang} ms");
                }
                next_due = Some(next_due.map_or(due, |d: i64| d.min(due)));
            }
        }
    }
    // The alert names the next due time: the busy line's retry.
    let dry: Vec<&Value> = log.iter().filter(|l| l["action"] == "list_dry").collect();
    assert!(!dry.is_empty(), "the list-dry alert is in the dial log");
    assert_eq!(ms(live["alert"]["next_due"].as_str().unwrap()), next_due.unwrap(), "{live}");
    assert!(ms(live["alert"]["at"].as_str().unwrap()) >= started);
    let counts = &results["counts"];
    assert_eq!(
        (counts["total"].as_i64(), counts["done"].as_i64(), counts["pending"].as_i64()),
        (Some(7), Some(5), Some(2))
    );
    // Nothing from sipp's side went wrong.
    sipp.start_kill().unwrap();
    let out = sipp.wait_with_output().await.unwrap();
    let errors = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with("_errors.log"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(!errors.contains("Aborting call"), "sipp: {errors}\n{}", String::from_utf8_lossy(&out.stderr));
}

/// Waits for a campaign call to ring on the desk, answers it with a
/// softphone and returns the call with its card.
async fn take_campaign_call(ws: &mut Ws) -> (shared::ws::CallInfo, Softphone) {
    let call = wait_for(ws, "a campaign call ringing", |m| match m {
        ServerMsg::CallRinging { call } if call.campaign.is_some() => Some(call),
        _ => None,
    })
    .await;
    let (mut phone, pending, offer) = Softphone::new().await;
    send(ws, &ClientMsg::CallAnswer { call_id: call.call_id.clone(), sdp: offer }).await;
    let answer = wait_for(ws, "call.answered", |m| match m {
        ServerMsg::CallAnswered { call_id, sdp } if call_id == call.call_id => Some(sdp),
        _ => None,
    })
    .await;
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    (call, phone)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_progressive_campaign_rings_its_agent_with_the_card_and_waits_for_her_disposition() {
    if !have_sipp() {
        return;
    }
    let at = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
    let outbound: TrunkOutbound = toml::from_str(&format!("proxy = \"{at}\"\ncaller_id = \"{CALLER_ID}\"\n")).unwrap();
    let gw = serve(outbound).await;
    let dir = carrier_dir();
    let _sipp = carrier(&dir, at);
    let sara = gw.session("sara").await;
    let rania = gw.store.user_by_username("rania").await.unwrap().unwrap().id;
    let mut ws = gw.desk("rania").await;

    let settings = json!({
        "caller_id": CALLER_ID, "ring_timeout_secs": 20, "machine_action": "hang_up",
        "script": "Greet {name} and offer the spring plan.", "dispositions": ["sale", "no_interest"]
    });
    let input = json!({ "name": "Spring plan", "mode": "progressive", "settings": settings });
    let (status, campaign) = gw.json("POST", "/api/v1/campaigns", &sara, Some(input)).await;
    assert_eq!(status, 201, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    let csv = "name,number,plan\nAli,+15550000111,gold\nLeila,+15550000121,silver\n".to_owned();
    let (status, report) =
        gw.request("POST", &format!("/api/v1/campaigns/{id}/contacts"), &sara, Some(("text/csv", csv))).await;
    assert_eq!(status, 200, "{report}");
    let (s, body) = gw.json("POST", &format!("/api/v1/campaigns/{id}/start"), &sara, None).await;
    assert_eq!(s, 200, "{body}");

    // The first contact answers ("hello"): it rings on her desk with its card.
    let (call, mut phone) = take_campaign_call(&mut ws).await;
    let card = call.campaign.clone().unwrap();
    assert_eq!((card.campaign_id, card.campaign_name.as_str()), (id, "Spring plan"));
    assert_eq!(card.contact_name.as_deref(), Some("Ali"));
    assert_eq!(card.fields, vec![("plan".to_owned(), "gold".to_owned())]);
    assert_eq!(card.script, "Greet {name} and offer the spring plan.");
    assert_eq!(card.dispositions, ["sale", "no_interest"]);
    assert_eq!((call.to.as_str(), call.from.as_str()), ("+15550000111", CALLER_ID));
    phone.talk(Duration::from_millis(500), 440.0).await;
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    wait_for(&mut ws, "call.ended", |m| match m {
        ServerMsg::CallEnded { call_id, .. } if call_id == call.call_id => Some(()),
        _ => None,
    })
    .await;

    // Nothing more is dialed for her until she saves a disposition.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, results) = gw.json("GET", &format!("/api/v1/campaigns/{id}/results"), &sara, None).await;
    let leila = results["items"].as_array().unwrap().iter().find(|c| c["name"] == "Leila").unwrap().clone();
    assert_eq!((leila["status"].as_str(), leila["attempts"].as_i64()), (Some("pending"), Some(0)), "{results}");
    let path = format!("/api/v1/campaigns/{id}/contacts/{}/disposition", card.contact_id);
    let omid = gw.session("omid").await;
    let (s, _) = gw.json("POST", &path, &omid, Some(json!({ "disposition": "sale" }))).await;
    assert_eq!(s, 403, "not Omid's contact");
    let mine = gw.session("rania").await;
    let (s, body) = gw.json("POST", &path, &mine, Some(json!({ "disposition": "maybe" }))).await;
    assert_eq!((s, body["key"].as_str()), (422, Some("disposition")), "{body}");
    let (s, body) = gw.json("POST", &path, &mine, Some(json!({ "disposition": "sale" }))).await;
    assert_eq!(s, 204, "{body}");
    let (s, _) = gw.json("POST", &path, &mine, Some(json!({ "disposition": "sale" }))).await;
    assert_eq!(s, 409, "saved once");

    // Then the next contact comes to her.
    let (call, _phone) = take_campaign_call(&mut ws).await;
    let card = call.campaign.clone().unwrap();
    assert_eq!(card.contact_name.as_deref(), Some("Leila"));
    send(&mut ws, &ClientMsg::CallHangUp { call_id: call.call_id.clone() }).await;
    // A callback she promises: the contact is pending again, flagged, then.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    let path = format!("/api/v1/campaigns/{id}/contacts/{}/disposition", card.contact_id);
    let body = json!({ "disposition": "no_interest", "callback_at": later.to_string() });
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (s, _) = gw.json("POST", &path, &mine, Some(body.clone())).await;
        if s == 204 {
            break;
        }
        assert!(tokio::time::Instant::now() < until, "disposition refused: {s}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let (_, results) = gw.json("GET", &format!("/api/v1/campaigns/{id}/results"), &sara, None).await;
    let items = results["items"].as_array().unwrap();
    let ali = items.iter().find(|c| c["name"] == "Ali").unwrap();
    assert_eq!(
        (ali["status"].as_str(), ali["outcome"].as_str(), ali["disposition"].as_str(), ali["agent_id"].as_i64()),
        (Some("done"), Some("completed"), Some("sale"), Some(rania)),
        "{ali}"
    );
    let leila = items.iter().find(|c| c["name"] == "Leila").unwrap();
    assert_eq!((leila["status"].as_str(), leila["last_result"].as_str()), (Some("pending"), Some("connected")));
    assert_eq!(ms(leila["next_attempt_at"].as_str().unwrap()), later.as_millisecond());
    let (_, log) = gw.json("GET", &format!("/api/v1/campaigns/{id}/dial_log?limit=1000"), &sara, None).await;
    let actions: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|l| (l["action"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    let dial_reason = format!("agent {rania} free and the contact due");
    let connect = actions.iter().find(|(a, _)| *a == "connect").unwrap();
    assert!(connect.1.starts_with("answered (human)"), "{connect:?}");
    assert_eq!(actions.iter().filter(|(a, r)| *a == "dial" && *r == dial_reason).count(), 2, "{actions:?}");
    assert!(actions.contains(&("finish", "the agent saved a disposition")), "{actions:?}");
    assert!(actions.contains(&("retry", "the agent scheduled a callback")), "{actions:?}");
}

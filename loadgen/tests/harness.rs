//! The load generator against a real gateway on loopback, a few legs, so
//! that the benchmark harness cannot rot: every leg sets up, talks and
//! hangs up, and every frame sent in the window comes back. No times are
//! asserted (they belong in BENCHMARKS.md).
//!
//! 1. The audio check's echo leg: WebRTC only.
//! 2. Outbound calls through the trunk to `sipp -sn uas -rtp_echo`: the
//!    WebRTC leg bridged to a SIP leg, sipp echoing the RTP.

use std::net::SocketAddr;
use std::time::Duration;

use gateway::config::Config;
use gateway::http::Clock;

const CARRIER_IP: &str = "127.0.0.3";

/// A gateway in this process on loopback, its carrier trunk sending
/// outbound calls to `carrier` when given (the config as an operator
/// writes it).
async fn gateway(carrier: Option<SocketAddr>) -> (SocketAddr, gateway::store::Store) {
    let dir = std::env::temp_dir().join(format!("cc-loadgen-{}-{}", std::process::id(), rand_u32()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = gateway::store::Store::connect(&format!("sqlite://{}/cc.db", dir.display()), 4).await.unwrap();
    store.migrate().await.unwrap();
    let outbound = carrier
        .map(|c| format!("[sip.trunks.outbound]\nproxy = \"{c}\"\ncaller_id = \"+441234567890\"\n"))
        .unwrap_or_default();
    let d = dir.display();
    let config: Config = toml::from_str(&format!(
        "[sip]\nlisten_udp = \"127.0.0.1:0\"\nlisten_tcp = \"127.0.0.1:0\"\n\
         [[sip.trunks]]\nname = \"carrier\"\naddresses = [\"{CARRIER_IP}\"]\n{outbound}\
         [webrtc]\nlisten = \"127.0.0.1:0\"\n\
         [media]\nrecordings_dir = \"{d}/recordings\"\nvoicemail_dir = \"{d}/voicemail\"\nprompts_dir = \"{}\"\n",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/prompts"),
    ))
    .unwrap();
    let (sockets, listener) = (
        gateway::drive::sip::bind(&config.sip).await.unwrap(),
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
    );
    let http = listener.local_addr().unwrap();
    let serve = gateway::serve(config, store.clone(), listener, Some(sockets), Clock::system(), std::future::pending());
    tokio::spawn(serve);
    (http, store)
}

fn rand_u32() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
}

fn options(http: SocketAddr, tokens: Vec<String>, mode: loadgen::Mode) -> loadgen::Options {
    loadgen::Options {
        http,
        tokens,
        mode,
        rate: 10.0,
        settle: Duration::from_secs(1),
        window: Duration::from_secs(2),
        ip: "127.0.0.2".parse().unwrap(),
        setup_timeout: Duration::from_secs(10),
        silent: false,
        gateway_pid: None,
        watch: vec![],
    }
}

fn all_frames_back(r: &loadgen::Report, legs: usize) {
    eprintln!("{}", serde_json::to_string(r).unwrap());
    assert_eq!((r.ok, r.failed), (legs, 0), "every leg talked: {:?}", r.failures);
    // 2 s of 20 ms frames per leg, give or take the edges.
    assert!(r.frames_sent >= legs as u64 * 90, "frames sent: {}", r.frames_sent);
    assert_eq!(r.frames_lost, 0, "every frame came back");
    // Each frame's round trip is measured once; the last frame of each leg
    // may still be on its way back when the window closes.
    let rtts = r.rtt.n as u64;
    assert!(
        rtts <= r.frames_sent && rtts + legs as u64 >= r.frames_sent,
        "round trips measured: {rtts} of {} frames sent",
        r.frames_sent
    );
    assert_eq!(r.connected.n, legs, "each leg's offer → connected measured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_legs_get_every_frame_back() {
    let (http, store) = gateway(None).await;
    let tokens = loadgen::prepare(&store, 3).await.unwrap();
    let r = loadgen::run(options(http, tokens, loadgen::Mode::Echo)).await.unwrap();
    all_frames_back(&r, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_through_the_trunk_to_an_echoing_carrier_get_every_frame_back() {
    if std::process::Command::new("sipp").arg("-v").output().is_err() {
        assert!(std::env::var("CC_REQUIRE_PEERS").is_err(), "sipp is required (Debian sip-tester)");
        eprintln!("note: sipp not installed; skipped");
        return;
    }
    let carrier = std::net::UdpSocket::bind((CARRIER_IP, 0)).unwrap().local_addr().unwrap();
    let (http, store) = gateway(Some(carrier)).await;
    let _uas = tokio::process::Command::new("sipp")
        .current_dir(std::env::temp_dir())
        .args(["-sn", "uas", "-i", CARRIER_IP, "-p", &carrier.port().to_string(), "-mi", CARRIER_IP, "-mp", "0"])
        .args(["-rtp_echo", "-nostdin", "-timeout", "60"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tokens = loadgen::prepare(&store, 3).await.unwrap();
    let r = loadgen::run(options(http, tokens, loadgen::Mode::Dial("+15550100".into()))).await.unwrap();
    all_frames_back(&r, 3);
    assert_eq!(r.remote.n, 3, "each far end answered");
}

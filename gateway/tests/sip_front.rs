//! The SIP front door on real sockets: strangers get 403 and nothing else,
//! trunks get through, scanners get silence, malformed messages get their
//! status, and the gateway keeps serving after the whole torture corpus.
//! Also against sipp, the carrier stand-in.

use std::net::SocketAddr;
use std::time::Duration;

use gateway::config::{SipConfig, TrunkConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

const TRUNK_IP: &str = "127.0.0.2";

struct Sip {
    udp: SocketAddr,
    tcp: SocketAddr,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn start() -> Sip {
    let config = SipConfig {
        listen_udp: "127.0.0.1:0".parse().unwrap(),
        listen_tcp: "127.0.0.1:0".parse().unwrap(),
        trunks: vec![TrunkConfig {
            name: "carrier".into(),
            addresses: vec![TRUNK_IP.parse().unwrap()],
            register: None,
            outbound: None,
        }],
        ..SipConfig::default()
    };
    let sockets = gateway::drive::sip::bind(&config).await.unwrap();
    let (udp, tcp) = (sockets.udp.local_addr().unwrap(), sockets.tcp.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move { gateway::drive::sip::run(&config, sockets, stopped).await });
    Sip { udp, tcp, _stop: stop }
}

fn request(method: &str, branch: &str, user_agent: Option<&str>) -> Vec<u8> {
    let ua = user_agent.map(|u| format!("User-Agent: {u}\r\n")).unwrap_or_default();
    format!(
        "{method} sip:+15550100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.9>;tag=1\r\nTo: <sip:+15550100@127.0.0.1>\r\n\
         Call-ID: {branch}@test\r\nCSeq: 1 {method}\r\n{ua}Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Sends from `from_ip` and returns the reply's status line, if one comes
/// within 400 ms.
async fn udp_ask(sip: &Sip, from_ip: &str, msg: &[u8]) -> Option<String> {
    let sock = UdpSocket::bind((from_ip, 0)).await.unwrap();
    sock.send_to(msg, sip.udp).await.unwrap();
    let mut buf = vec![0u8; 65535];
    match tokio::time::timeout(Duration::from_millis(400), sock.recv_from(&mut buf)).await {
        Ok(Ok((n, _))) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        _ => None,
    }
}

fn status_line(reply: &Option<String>) -> Option<&str> {
    reply.as_deref().and_then(|r| r.lines().next())
}

#[tokio::test]
async fn strangers_get_403_and_trunks_get_through_over_udp() {
    let sip = start().await;
    let r = udp_ask(&sip, "127.0.0.3", &request("OPTIONS", "a1", None)).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 403 Forbidden"));
    let r = udp_ask(&sip, "127.0.0.3", &request("INVITE", "a2", None)).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 403 Forbidden"));
    assert_eq!(udp_ask(&sip, "127.0.0.3", &request("ACK", "a2", None)).await, None, "ACKs are never answered");

    let r = udp_ask(&sip, TRUNK_IP, &request("OPTIONS", "b1", None)).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 200 OK"));
    assert!(r.as_deref().unwrap().contains("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS"));
    let r = udp_ask(&sip, TRUNK_IP, &request("INVITE", "b2", None)).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 480 Temporarily Unavailable"));
}

#[tokio::test]
async fn scanners_get_silence() {
    let sip = start().await;
    assert_eq!(udp_ask(&sip, "127.0.0.4", &request("OPTIONS", "s1", Some("friendly-scanner"))).await, None);
    assert_eq!(udp_ask(&sip, "127.0.0.4", &request("OPTIONS", "s2", None)).await, None, "the source stays blocked");
    // A scanner's name from a trunk is not an attack on us; still no answer.
    assert_eq!(udp_ask(&sip, TRUNK_IP, &request("OPTIONS", "s3", Some("sipvicious"))).await, None);
    assert!(udp_ask(&sip, TRUNK_IP, &request("OPTIONS", "s4", None)).await.is_some(), "but the trunk is not blocked");
}

#[tokio::test]
async fn the_torture_corpus_gets_answers_and_the_gateway_keeps_serving() {
    let sip = start().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sip");
    let mut sent = 0;
    for sub in ["rfc4475", "rfc5118"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let sock = UdpSocket::bind(("127.0.0.5", 0)).await.unwrap();
            sock.send_to(&bytes, sip.udp).await.unwrap();
            sent += 1;
        }
    }
    assert!(sent >= 60);
    // badvers asks for a 505 and gets it over the wire.
    let badvers = std::fs::read(dir.join("rfc4475/badvers.dat")).unwrap();
    let r = udp_ask(&sip, "127.0.0.6", &badvers).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 505 Version Not Supported"));
    let r = udp_ask(&sip, TRUNK_IP, &request("OPTIONS", "after", None)).await;
    assert_eq!(status_line(&r), Some("SIP/2.0 200 OK"), "still serving");
}

#[tokio::test]
async fn tcp_frames_messages_answers_pings_and_closes_on_garbage() {
    let sip = start().await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{TRUNK_IP}:0").parse().unwrap()).unwrap();
    let mut s = socket.connect(sip.tcp).await.unwrap();
    // Two messages in one write, then a keep-alive ping.
    let mut both = request("OPTIONS", "t1", None);
    both.extend(request("OPTIONS", "t2", None));
    s.write_all(&both).await.unwrap();
    s.write_all(b"\r\n\r\n").await.unwrap();
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    // The pong and the responses travel separately, so their order varies:
    // done when both responses are whole and one CRLF is left over.
    let leftover = |got: &str| {
        let mut rest = got.to_owned();
        while let Some(start) = rest.find("SIP/2.0 200 OK") {
            let end = rest[start..].find("\r\n\r\n")?;
            rest.replace_range(start..start + end + 4, "");
        }
        Some(rest)
    };
    while got.matches("SIP/2.0 200 OK").count() < 2 || leftover(&got).as_deref() != Some("\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await.expect("answers").unwrap();
        assert!(n > 0, "closed early: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.contains("t1@test") && got.contains("t2@test"));

    let mut stranger = TcpStream::connect(sip.tcp).await.unwrap();
    stranger.write_all(b"OPTIONS sip:x SIP/2.0\r\nContent-Length: nine\r\n\r\n").await.unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), stranger.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection is closed after a framing error");
}

/// sipp is the carrier in these tests; `cargo xtask test` installs it and
/// sets CC_REQUIRE_PEERS so that a missing sipp fails instead of skipping.
fn sipp() -> Option<std::process::Command> {
    let found = std::process::Command::new("sipp").arg("-v").output().is_ok();
    if !found {
        assert!(std::env::var("CC_REQUIRE_PEERS").is_err(), "sipp is required (Debian sip-tester)");
        eprintln!("note: sipp not installed; skipped");
        return None;
    }
    Some(std::process::Command::new("sipp"))
}

fn run_sipp(sip: &Sip, scenario: &str, local_ip: &str, transport: &str) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("cc-sipp-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = if transport == "t1" { sip.tcp } else { sip.udp };
    sipp()
        .unwrap()
        .current_dir(&dir)
        .arg(target.to_string())
        .args(["-sf", &format!("{}/tests/data/sipp/{scenario}", env!("CARGO_MANIFEST_DIR"))])
        .args(["-i", local_ip, "-p", "0", "-t", transport, "-m", "1", "-timeout", "10", "-timeout_error", "-nostdin"])
        .args(["-mi", local_ip, "-mp", "0"])
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sipp_as_carrier_and_as_stranger() {
    if sipp().is_none() {
        return;
    }
    let sip = start().await;
    for (scenario, ip, transport) in [
        ("options_200.xml", TRUNK_IP, "u1"),
        ("options_200.xml", TRUNK_IP, "t1"),
        ("invite_403.xml", "127.0.0.7", "u1"),
    ] {
        let out = tokio::task::block_in_place(|| run_sipp(&sip, scenario, ip, transport));
        assert!(
            out.status.success(),
            "sipp {scenario} from {ip} over {transport}: {}\n{}",
            String::from_utf8_lossy(&out.stdout).lines().rev().take(15).collect::<Vec<_>>().join("\n"),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn trunk_requests_go_through_transactions() {
    let sip = start().await;
    let sock = UdpSocket::bind((TRUNK_IP, 0)).await.unwrap();
    let invite = request("INVITE", "tx1", None);
    let mut buf = vec![0u8; 65535];
    let mut recv = async |sock: &UdpSocket, ms: u64| -> Option<String> {
        match tokio::time::timeout(Duration::from_millis(ms), sock.recv_from(&mut buf)).await {
            Ok(Ok((n, _))) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
            _ => None,
        }
    };
    sock.send_to(&invite, sip.udp).await.unwrap();
    let first = recv(&sock, 1000).await.expect("a final response");
    assert!(first.starts_with("SIP/2.0 480"), "{first}");
    // A retransmitted INVITE gets the same response again (same To tag):
    // the transaction answered, not a second run of the call logic.
    sock.send_to(&invite, sip.udp).await.unwrap();
    let again = recv(&sock, 1000).await.expect("the response again");
    assert_eq!(again, first);
    // Without an ACK the 480 is retransmitted by itself (Timer G, 500 ms).
    let resent = recv(&sock, 1500).await.expect("a retransmission");
    assert_eq!(resent, first);
    // The ACK (same branch, To with the response's tag) stops them.
    let to = first.lines().find(|l| l.starts_with("To:")).unwrap().to_owned();
    let ack = String::from_utf8(request("ACK", "tx1", None)).unwrap().replace("To: <sip:+15550100@127.0.0.1>", &to);
    sock.send_to(ack.as_bytes(), sip.udp).await.unwrap();
    // Drain anything already in flight, then expect silence.
    while recv(&sock, 700).await.is_some() {}
    assert_eq!(recv(&sock, 1200).await, None, "no retransmissions after the ACK");
}

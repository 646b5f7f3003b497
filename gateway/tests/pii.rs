//! Personal data never reaches the logs: with every gateway log line on
//! (trace level), a session of real traffic (logins, a customer card with a
//! phone number, SIP requests from and to numbers) leaves no phone number,
//! customer name or password in the captured output.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gateway::config::{Config, SipConfig};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_hold_no_phone_numbers_names_or_passwords() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt().with_env_filter("trace").with_writer(move || writer.clone()).with_ansi(false).init();

    // HTTP: logins (one wrong), a customer card with a phone number.
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    app.login("rania", "wrong-password-123", "agent").await;
    let token = app.token("rania", "demo-agent", "agent").await;
    let card = app.get("/api/v1/customers/2", Some(&token)).await;
    assert_eq!(card.status, 200);
    assert!(String::from_utf8_lossy(&card.body).contains("+989121234567"), "the card really carried the number");

    // SIP: a stranger's INVITE from and to phone numbers.
    let config = SipConfig {
        listen_udp: "127.0.0.1:0".parse().unwrap(),
        listen_tcp: "127.0.0.1:0".parse().unwrap(),
        ..SipConfig::default()
    };
    let sockets = gateway::drive::sip::bind(&config).await.unwrap();
    let udp = sockets.udp.local_addr().unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move { gateway::drive::sip::run(&config, sockets, stopped).await });
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let invite = "INVITE sip:+14155550123@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKpii\r\n\
                  Max-Forwards: 70\r\nFrom: \"Youssef Al-Amin\" <sip:+966501234567@127.0.0.1>;tag=1\r\n\
                  To: <sip:+14155550123@127.0.0.1>\r\nCall-ID: pii@test\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    sock.send_to(invite.as_bytes(), udp).await.unwrap();
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(2), sock.recv_from(&mut buf)).await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("signed in"), "the capture works: {logs}");
    for secret in [
        "+989121234567",
        "989121234567",
        "966501234567",
        "14155550123",
        "Mehdi Moradi",
        "Youssef",
        "demo-agent",
        "wrong-password-123",
    ] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the logs");
    }
}

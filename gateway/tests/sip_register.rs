//! Trunk registration against a real registrar: kamailio demanding digest
//! authentication, as a carrier would. The right password registers; a
//! wrong one is refused and reported as such.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use gateway::config::{SipConfig, TrunkConfig, TrunkRegister};
use gateway::drive::sip::TrunkStatus;

struct Kamailio(Child, std::path::PathBuf);

impl Drop for Kamailio {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

/// Starts kamailio on a free loopback port, or `None` (with a note) when it
/// is not installed and the run does not require peers.
fn kamailio() -> Option<(Kamailio, std::net::SocketAddr)> {
    if Command::new("kamailio").arg("-v").output().is_err() {
        assert!(std::env::var("CC_REQUIRE_PEERS").is_err(), "kamailio is required (Debian package kamailio)");
        eprintln!("note: kamailio not installed; skipped");
        return None;
    }
    let addr = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let dir = std::env::temp_dir().join(format!("cc-kamailio-{}-{}", std::process::id(), addr.port()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/kamailio/registrar.cfg");
    let child = Command::new("kamailio")
        .args(["-f", cfg, "-DD", "-E", "-n", "1", "-m", "32", "-M", "8"])
        .arg("-l")
        .arg(format!("udp:{addr}"))
        .arg("-Y")
        .arg(&dir)
        .arg("-P")
        .arg(dir.join("kamailio.pid"))
        .arg("-w")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("kamailio.log")).unwrap())
        .spawn()
        .expect("kamailio starts");
    let log = dir.join("kamailio.log");
    let kamailio = Kamailio(child, dir);
    // Wait until it holds its port.
    for _ in 0..50 {
        if std::net::UdpSocket::bind(addr).is_err() {
            return Some((kamailio, addr));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("kamailio did not start; see {}", log.display());
}

fn trunk(name: &str, registrar: std::net::SocketAddr, user: &str, password: &str) -> TrunkConfig {
    let register = format!(
        "registrar = \"{registrar}\"\ndomain = \"carrier.test\"\nusername = \"{user}\"\npassword = \"{password}\"\nexpires = 60\n"
    );
    TrunkConfig {
        name: name.into(),
        addresses: vec![],
        register: Some(toml::from_str::<TrunkRegister>(&register).unwrap()),
        outbound: None,
    }
}

#[tokio::test]
async fn registers_with_digest_and_reports_a_wrong_password() {
    let Some((_kam, registrar)) = kamailio() else { return };
    let config = SipConfig {
        listen_udp: "127.0.0.1:0".parse().unwrap(),
        listen_tcp: "127.0.0.1:0".parse().unwrap(),
        trunks: vec![
            trunk("carrier", registrar, "cc-trunk", "s3cret-trunk"),
            trunk("misconfigured", registrar, "cc-other", "wrong-password"),
        ],
        ..SipConfig::default()
    };
    let sockets = gateway::drive::sip::bind(&config).await.unwrap();
    let (status_tx, mut status) = tokio::sync::watch::channel(Vec::<TrunkStatus>::new());
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move { gateway::drive::sip::run_reporting(&config, sockets, stopped, status_tx).await });

    let settled = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            {
                let s = status.borrow_and_update();
                let good = s.iter().find(|t| t.name == "carrier").is_some_and(|t| t.registered);
                let bad = s.iter().find(|t| t.name == "misconfigured").and_then(|t| t.failure.clone());
                if let (true, Some(bad)) = (good, bad) {
                    return (s.clone(), bad);
                }
            }
            status.changed().await.unwrap();
        }
    })
    .await;
    let (states, failure) = settled.unwrap_or_else(|_| panic!("no verdict in time: {:?}", status.borrow()));
    assert!(failure.contains("CredentialsRejected"), "{failure}");
    assert!(!states.iter().find(|t| t.name == "misconfigured").unwrap().registered);
}

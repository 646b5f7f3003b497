//! Call setup latency: INVITE → 180 Ringing through the whole gateway (SIP
//! driver, transactions, dialogs, call control), on loopback.
//!
//! A plain UDP client plays the carrier: it sends INVITEs with SDP, one at
//! a time, and times each until its 180 arrives; then CANCELs it. Printed as
//! `name<TAB>value<TAB>what` lines for `cargo xtask bench`. The time includes
//! two loopback hops and the kernel; it is the latency a carrier on the same
//! host would see, an upper bound of what the gateway adds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gateway::config::{Config, TrunkConfig};
use gateway::http::Clock;

const CALLS: usize = 2000;

fn invite(n: usize, gw: SocketAddr, me: SocketAddr) -> String {
    let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.6\r\ns=-\r\nc=IN IP4 127.0.0.6\r\nt=0 0\r\n\
               m=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    format!(
        "INVITE sip:+441234567890@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK-bench-{n}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:+966501234567@127.0.0.6>;tag=b{n}\r\nTo: <sip:+441234567890@{gw}>\r\n\
         Call-ID: bench-{n}@127.0.0.6\r\nCSeq: 1 INVITE\r\nContact: <sip:bench@{me}>\r\n\
         Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
}

fn cancel(n: usize, gw: SocketAddr, me: SocketAddr) -> String {
    format!(
        "CANCEL sip:+441234567890@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK-bench-{n}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:+966501234567@127.0.0.6>;tag=b{n}\r\nTo: <sip:+441234567890@{gw}>\r\n\
         Call-ID: bench-{n}@127.0.0.6\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
    )
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("cc-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = gateway::store::Store::connect(&format!("sqlite://{}/cc.db", dir.display()), 2).await.unwrap();
        store.migrate().await.unwrap();
        let mut config = Config::default();
        config.webrtc.listen = "127.0.0.1:0".parse().unwrap();
        config.sip.listen_udp = "127.0.0.1:0".parse().unwrap();
        config.sip.listen_tcp = "127.0.0.1:0".parse().unwrap();
        // The bench client sends far more than a stranger may.
        config.sip.rate_per_source = 1_000_000;
        config.sip.trunks = vec![TrunkConfig {
            name: "bench".into(),
            addresses: vec!["127.0.0.6".parse().unwrap()],
            register: None,
            outbound: None,
        }];
        let sockets = gateway::drive::sip::bind(&config.sip).await.unwrap();
        let gw = sockets.udp.local_addr().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        tokio::spawn(gateway::serve(config, store, listener, Some(sockets), Clock::system(), std::future::pending()));

        let client = tokio::net::UdpSocket::bind("127.0.0.6:0").await.unwrap();
        let me = client.local_addr().unwrap();
        let mut buf = vec![0u8; 65536];
        let mut times = Vec::with_capacity(CALLS);
        for n in 0..CALLS + 100 {
            let started = Instant::now();
            client.send_to(invite(n, gw, me).as_bytes(), gw).await.unwrap();
            loop {
                let (len, _) = tokio::time::timeout(Duration::from_secs(5), client.recv_from(&mut buf))
                    .await
                    .expect("the gateway answers within 5 s")
                    .unwrap();
                let text = String::from_utf8_lossy(&buf[..len]);
                if text.starts_with("SIP/2.0 180") && text.contains(&format!("bench-{n}@")) {
                    break;
                }
            }
            // The first 100 warm the caches up.
            if n >= 100 {
                times.push(started.elapsed());
            }
            client.send_to(cancel(n, gw, me).as_bytes(), gw).await.unwrap();
        }
        times.sort();
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
        println!("invite_to_180_p50_us\t{:.1}\tINVITE → 180 through the gateway on loopback, median", at(0.50));
        println!("invite_to_180_p99_us\t{:.1}\tthe same, 99th percentile ({CALLS} calls, one at a time)", at(0.99));
        std::fs::remove_dir_all(&dir).ok();
    });
}

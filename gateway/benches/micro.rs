//! Micro-benchmarks of the per-message and per-packet paths, run by
//! `cargo xtask bench` (which writes BENCHMARKS.md). Plain timing loops over
//! many iterations, best of several runs; no framework, no dependencies.
//!
//! Each line printed is `name<TAB>nanoseconds per operation<TAB>what`.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gateway::media::g711;
use gateway::media::mixer::{FRAME, MixLeg, Mixer, bridge, whisper};
use gateway::media::rtp::{RtpPacket, write_header};
use gateway::sip::front::{FrontConfig, FrontDoor};

const INVITE: &str = "INVITE sip:+15550100@127.0.0.1 SIP/2.0\r\n\
Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK776asdhds;rport\r\n\
Max-Forwards: 70\r\n\
To: <sip:+15550100@127.0.0.1>\r\n\
From: \"Youssef\" <sip:+966501234567@127.0.0.2>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.carrier.example\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:+966501234567@127.0.0.2:5060>\r\n\
User-Agent: carrier-sbc/1.0\r\n\
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 142\r\n\
\r\n\
v=0\r\n\
o=- 53655765 2353687637 IN IP4 127.0.0.2\r\n\
s=-\r\n\
c=IN IP4 127.0.0.2\r\n\
t=0 0\r\n\
m=audio 6000 RTP/AVP 0 8 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n";

/// Best time per operation over `runs` runs of `iters` iterations.
fn measure(iters: u32, runs: u32, mut f: impl FnMut(u32)) -> f64 {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        for i in 0..iters {
            f(i);
        }
        best = best.min(t.elapsed());
    }
    best.as_nanos() as f64 / iters as f64
}

fn report(name: &str, ns: f64, what: &str) {
    println!("{name}\t{ns:.1}\t{what}");
}

fn main() {
    // SIP: parse and print a carrier INVITE with SDP.
    let bytes = INVITE.as_bytes();
    assert!(gateway::sip::parse_datagram(bytes).is_ok(), "the benchmark INVITE parses");
    let ns = measure(20_000, 5, |_| {
        black_box(gateway::sip::parse_datagram(black_box(bytes)).ok());
    });
    report("sip_parse_invite", ns, "parse a 700-byte INVITE with SDP");
    let msg = gateway::sip::parse_datagram(bytes).unwrap();
    let ns = measure(20_000, 5, |_| {
        black_box(msg.to_bytes());
    });
    report("sip_print_invite", ns, "print it back to bytes");

    // The front door's decision for a stranger's INVITE (parse, checks, 403).
    let mut door = FrontDoor::new(FrontConfig {
        trunks: vec![("carrier".into(), vec!["127.0.0.2".parse().unwrap()])],
        rate_per_source: u32::MAX / 4,
        scanner_block: Duration::from_secs(60),
    });
    let stranger: SocketAddr = "127.0.0.9:5060".parse().unwrap();
    let now = Instant::now();
    let ns = measure(20_000, 5, |_| {
        black_box(door.handle_message(now, stranger, black_box(bytes), "tag"));
    });
    report("sip_front_door_refusal", ns, "judge a stranger's INVITE and build the 403");

    // RTP: parse a 172-byte PCMU packet, and write a header.
    let mut pkt = [0u8; 172];
    write_header(&mut pkt, false, 0, 1, 160, 42);
    let ns = measure(1_000_000, 5, |i| {
        pkt[3] = i as u8;
        black_box(RtpPacket::parse(black_box(&pkt)).ok());
    });
    report("rtp_parse", ns, "parse one RTP packet (no copy)");

    // G.711 for one 20 ms frame each way.
    let pcm: [i16; FRAME] = std::array::from_fn(|i| ((i as f64 * 0.3).sin() * 8000.0) as i16);
    let mut coded = [0u8; FRAME];
    let mut back = [0i16; FRAME];
    let ns = measure(200_000, 5, |_| {
        g711::encode_ulaw(black_box(&pcm), &mut coded);
        g711::decode_ulaw(black_box(&coded), &mut back);
    });
    report("g711_frame_roundtrip", ns, "μ-law encode + decode of 160 samples");

    // The mixer: a bridged call with a whispering supervisor, one 20 ms tick.
    let (caller, agent, supervisor) = (MixLeg(1), MixLeg(2), MixLeg(3));
    let mut m = Mixer::default();
    for l in [caller, agent, supervisor] {
        m.add_leg(l).unwrap();
    }
    bridge(&mut m, caller, agent).unwrap();
    whisper(&mut m, supervisor, caller, agent).unwrap();
    let ns = measure(200_000, 5, |_| {
        for l in [caller, agent, supervisor] {
            m.handle_frame(l, &pcm).unwrap();
        }
        m.mix(|_, f| {
            black_box(f);
        });
    });
    report("mixer_whisper_tick", ns, "3-leg whisper call, one 20 ms tick");
}

//! A browser leg bridged to a SIP leg through the media driver, on real
//! loopback sockets: a str0m peer stands in for the browser, a plain UDP
//! socket for the carrier's RTP. Each side sends its own payload pattern and
//! must receive the other's: sound crosses in both directions.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gateway::config::{MediaConfig, WebRtcConfig};
use gateway::media::rtp::{RtpPacket, write_header};
use gateway::media::webrtc::{G711, LegMode};
use str0m::change::SdpAnswer;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

#[tokio::test]
async fn audio_crosses_a_browser_to_rtp_bridge_both_ways() {
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let webrtc = WebRtcConfig { listen: "127.0.0.1:0".parse().unwrap(), ..WebRtcConfig::default() };
    let media = MediaConfig { rtp_ports: [41000, 41998], ..MediaConfig::default() };
    let handle = gateway::drive::webrtc::start(&webrtc, &media, stopped).await.unwrap();

    // The "browser": a full str0m peer on its own socket.
    let browser_sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let browser_addr = browser_sock.local_addr().unwrap();
    let mut rtc = Rtc::builder().clear_codecs().enable_pcmu(true, false).build(Instant::now());
    rtc.add_local_candidate(Candidate::host(browser_addr, "udp").unwrap());
    let mut change = rtc.sdp_api();
    let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
    let (offer, pending) = change.apply().unwrap();
    let (leg, answer) = handle.add_leg(offer.to_sdp_string(), LegMode::Forward).await.unwrap();
    rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();

    // The "carrier": an RTP socket; the gateway's RTP leg points at it.
    let carrier = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (rtp_leg, gateway_rtp) = handle.add_rtp_leg(carrier.local_addr().unwrap(), G711::Pcmu, 0, None).await.unwrap();
    assert!((41000..=41998).contains(&gateway_rtp.port()));
    handle.bridge(leg, rtp_leg).await.unwrap();

    let (mut browser_heard, mut carrier_heard, mut connected) = (0, 0, false);
    let mut buf = vec![0u8; 2048];
    let mut cbuf = vec![0u8; 2048];
    let start = Instant::now();
    let mut next_frame = Instant::now();
    let mut frame_no = 0u64;
    let rate = Frequency::new(8000).unwrap();
    while start.elapsed() < Duration::from_secs(10) && (browser_heard < 25 || carrier_heard < 25) {
        // Drain the browser peer's output.
        let timeout = loop {
            match rtc.poll_output().unwrap() {
                Output::Timeout(t) => break t,
                Output::Transmit(t) => {
                    browser_sock.send_to(&t.contents, t.destination).await.unwrap();
                }
                Output::Event(Event::Connected) => connected = true,
                Output::Event(Event::MediaData(d)) => {
                    if d.data.iter().all(|&b| b == 0x22) {
                        browser_heard += 1;
                    }
                }
                Output::Event(_) => {}
            }
        };
        // Every 20 ms once connected, each side speaks.
        if connected && Instant::now() >= next_frame {
            next_frame += Duration::from_millis(20);
            let w = rtc.writer(mid).unwrap();
            let pt = w.payload_params().find(|p| p.spec().codec == str0m::format::Codec::PCMU).unwrap().pt();
            w.write(pt, Instant::now(), MediaTime::new(frame_no * 160, rate), vec![0x11u8; 160]).unwrap();
            let mut pkt = [0x22u8; 172];
            write_header(&mut pkt, frame_no == 0, 0, frame_no as u16, (frame_no * 160) as u32, 0xC0FFEE);
            carrier.send_to(&pkt, gateway_rtp).await.unwrap();
            frame_no += 1;
            continue;
        }
        let wait = timeout.saturating_duration_since(Instant::now()).min(Duration::from_millis(5));
        tokio::select! {
            r = browser_sock.recv_from(&mut buf) => {
                let (n, source) = r.unwrap();
                let input = Input::Receive(Instant::now(), Receive {
                    proto: Protocol::Udp,
                    source,
                    destination: browser_addr,
                    contents: buf[..n].try_into().unwrap(),
                });
                rtc.handle_input(input).unwrap();
            }
            r = carrier.recv_from(&mut cbuf) => {
                let (n, from): (usize, SocketAddr) = r.unwrap();
                assert_eq!(from, gateway_rtp, "symmetric RTP: packets come from the port we send to");
                let p = RtpPacket::parse(&cbuf[..n]).expect("the gateway sends valid RTP");
                assert_eq!(p.payload_type, 0);
                if p.payload.iter().all(|&b| b == 0x11) {
                    carrier_heard += 1;
                }
            }
            _ = tokio::time::sleep(wait) => {
                rtc.handle_input(Input::Timeout(Instant::now())).unwrap();
            }
        }
    }
    assert!(connected, "ICE and DTLS completed");
    assert!(carrier_heard >= 25, "the carrier heard the browser {carrier_heard} times");
    assert!(browser_heard >= 25, "the browser heard the carrier {browser_heard} times");
}

/// A carrier without telephone-events sends its keys as tones: the gateway
/// hears them in the audio (Goertzel), once per press.
#[tokio::test]
async fn in_band_keys_from_a_carrier_are_heard() {
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let webrtc = WebRtcConfig { listen: "127.0.0.1:0".parse().unwrap(), ..WebRtcConfig::default() };
    let media = MediaConfig { rtp_ports: [46000, 46998], ..MediaConfig::default() };
    let handle = gateway::drive::webrtc::start(&webrtc, &media, stopped).await.unwrap();
    let mut events = handle.subscribe();
    let carrier = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (rtp, gateway_rtp) = handle.add_rtp_leg(carrier.local_addr().unwrap(), G711::Pcmu, 0, None).await.unwrap();
    // '7' (852 Hz + 1209 Hz) for 100 ms, 100 ms of silence, then '#' (941 + 1477).
    let mut seq = 0u16;
    for (low, high) in [(852.0, 1209.0), (0.0, 0.0), (941.0, 1477.0), (0.0, 0.0)] {
        for _ in 0..5 {
            let pcm: Vec<i16> = (0..160)
                .map(|i| {
                    let t = (seq as f64 * 160.0 + i as f64) / 8000.0;
                    let tone = |f: f64| if f == 0.0 { 0.0 } else { (2.0 * std::f64::consts::PI * f * t).sin() };
                    (6000.0 * (tone(low) + tone(high))) as i16
                })
                .collect();
            let mut pkt = [0u8; 172];
            let n = write_header(&mut pkt, seq == 0, 0, seq, seq as u32 * 160, 0xD7AF);
            gateway::media::g711::encode_ulaw(&pcm, &mut pkt[n..]);
            carrier.send_to(&pkt, gateway_rtp).await.unwrap();
            seq += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let mut heard = String::new();
    while heard.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), events.recv()).await.expect("the keys are heard") {
            Ok(gateway::drive::webrtc::MediaEvent::Digit(leg, d)) if leg == rtp => heard.push(d),
            _ => {}
        }
    }
    assert_eq!(heard, "7#");
}

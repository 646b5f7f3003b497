//! A supervisor joins a call through the media driver, on real loopback
//! sockets: str0m peers stand in for the agent's and the supervisor's
//! browsers, a plain UDP socket for the caller's RTP. Each party speaks its
//! own tone (caller 500 Hz, agent 1000 Hz, supervisor 1500 Hz) and Goertzel
//! on what each decoded proves the listen/speak matrix of each mode:
//! silent monitoring hears both and is heard by neither, a whisper is heard
//! by the agent and not by the caller, barge-in by both.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::softphone::Softphone;
use gateway::config::{MediaConfig, WebRtcConfig};
use gateway::drive::webrtc::WebRtcHandle;
use gateway::media::conference::Supervision;
use gateway::media::g711;
use gateway::media::goertzel::tone_ratio;
use gateway::media::rtp::{RtpPacket, write_header};
use gateway::media::rtp_leg::RtpLegId;
use gateway::media::webrtc::{G711, LegId, LegMode};
use str0m::change::SdpAnswer;
use tokio::net::UdpSocket;

/// The media driver on loopback with its own RTP ports; it runs until the
/// returned sender is dropped.
async fn media(first: u16, last: u16) -> (WebRtcHandle, tokio::sync::watch::Sender<bool>) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let webrtc = WebRtcConfig { listen: "127.0.0.1:0".parse().unwrap(), ..WebRtcConfig::default() };
    let media = MediaConfig { rtp_ports: [first, last], ..MediaConfig::default() };
    (gateway::drive::webrtc::start(&webrtc, &media, stopped).await.unwrap(), stop)
}

async fn join(handle: &WebRtcHandle) -> (Softphone, LegId) {
    let (mut phone, pending, offer) = Softphone::new().await;
    let (leg, answer) = handle.add_leg(offer, LegMode::Forward).await.unwrap();
    phone.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    (phone, leg)
}

/// A bridged call: the agent's softphone and the caller's RTP socket, with
/// the SIP leg and the gateway's RTP address the caller sends to.
async fn call(handle: &WebRtcHandle) -> (Softphone, UdpSocket, RtpLegId, SocketAddr) {
    let (agent, agent_leg) = join(handle).await;
    let carrier = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (rtp, gateway_rtp) = handle.add_rtp_leg(carrier.local_addr().unwrap(), G711::Pcmu, 0, None).await.unwrap();
    handle.bridge(agent_leg, rtp).await.unwrap();
    (agent, carrier, rtp, gateway_rtp)
}

/// The caller: sends `hz` as PCMU every 20 ms for `dur`, returns what came back.
async fn caller(sock: &UdpSocket, gateway: SocketAddr, dur: Duration, hz: f64, frame_no: &mut u64) -> Vec<i16> {
    let mut heard = Vec::new();
    let mut buf = [0u8; 2048];
    let until = Instant::now() + dur;
    let mut next = Instant::now();
    while Instant::now() < until {
        if Instant::now() >= next {
            next += Duration::from_millis(20);
            let pcm: Vec<i16> = (0..160)
                .map(|i| {
                    let n = (*frame_no * 160 + i) as f64;
                    (8000.0 * (2.0 * std::f64::consts::PI * hz * n / 8000.0).sin()) as i16
                })
                .collect();
            let mut pkt = [0u8; 172];
            let n = write_header(&mut pkt, *frame_no == 0, 0, *frame_no as u16, (*frame_no * 160) as u32, 0xCA11E5);
            g711::encode_ulaw(&pcm, &mut pkt[n..]);
            sock.send_to(&pkt, gateway).await.unwrap();
            *frame_no += 1;
        }
        let wait = next.saturating_duration_since(Instant::now());
        if let Ok(Ok((n, _))) = tokio::time::timeout(wait, sock.recv_from(&mut buf)).await
            && let Ok(p) = RtpPacket::parse(&buf[..n])
        {
            let mut pcm = vec![0i16; p.payload.len()];
            g711::decode_ulaw(p.payload, &mut pcm);
            heard.extend_from_slice(&pcm);
        }
    }
    heard
}

/// Which of the three tones the last second of `heard` holds.
fn tones(heard: &[i16]) -> Vec<u32> {
    let tail = &heard[heard.len().saturating_sub(8000)..];
    [500, 1000, 1500].into_iter().filter(|hz| tone_ratio(tail, *hz as f64, 8000.0) > 0.1).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_whisper_and_barge_each_reach_exactly_whom_they_should() {
    let (handle, _stop) = media(44000, 44998).await;

    let (mut agent, carrier, rtp, gateway_rtp) = call(&handle).await;
    let (mut supervisor, supervisor_leg) = join(&handle).await;

    let mut frame_no = 0;
    let mut first = true;
    for (how, caller_hears, agent_hears) in [
        (Supervision::Listen, vec![1000], vec![500]),
        (Supervision::Whisper, vec![1000], vec![500, 1500]),
        (Supervision::Barge, vec![1000, 1500], vec![500, 1500]),
    ] {
        handle.supervise(rtp, supervisor_leg, how).await.unwrap();
        // The first round also connects both browsers.
        let dur = Duration::from_millis(if first { 3000 } else { 2000 });
        first = false;
        let (a, s, c) = tokio::join!(
            agent.talk(dur, 1000.0),
            supervisor.talk(dur, 1500.0),
            caller(&carrier, gateway_rtp, dur, 500.0, &mut frame_no)
        );
        assert!(agent.connected && supervisor.connected);
        assert_eq!(tones(&s), vec![500, 1000], "{how:?}: the supervisor hears the caller and the agent");
        assert_eq!(tones(&c), caller_hears, "{how:?}: what the caller hears");
        assert_eq!(tones(&a), agent_hears, "{how:?}: what the agent hears");
    }
}

/// The recording of a call: the caller on the left channel, the agent on
/// the right, and silence while paused.
#[tokio::test(flavor = "multi_thread")]
async fn a_recording_holds_each_side_on_its_channel_and_silence_while_paused() {
    let (handle, _stop) = media(45000, 45998).await;
    let (mut agent, carrier, rtp, gateway_rtp) = call(&handle).await;
    let mut frame_no = 0;
    // Connect first, so that the recording starts with both sides talking.
    let d = Duration::from_millis(1500);
    tokio::join!(agent.talk(d, 1000.0), caller(&carrier, gateway_rtp, d, 500.0, &mut frame_no));
    assert!(agent.connected);

    let path = std::env::temp_dir().join(format!("cc-rec-{}-{}/call.wav", std::process::id(), rand::random::<u32>()));
    handle.record(rtp, path.clone()).await.unwrap();
    let talk = |ms| Duration::from_millis(ms);
    tokio::join!(agent.talk(talk(1500), 1000.0), caller(&carrier, gateway_rtp, talk(1500), 500.0, &mut frame_no));
    handle.pause_recording(rtp, true);
    tokio::join!(agent.talk(talk(1500), 1000.0), caller(&carrier, gateway_rtp, talk(1500), 500.0, &mut frame_no));
    handle.pause_recording(rtp, false);
    tokio::join!(agent.talk(talk(1500), 1000.0), caller(&carrier, gateway_rtp, talk(1500), 500.0, &mut frame_no));
    handle.stop_recording(rtp);
    // The driver completes the file on its next turn.
    let mut bytes = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.len() > 44 && u32::from_le_bytes(bytes[40..44].try_into().unwrap()) != 0 {
            break;
        }
    }
    let wav = gateway::media::wav::read(&bytes).expect("a complete WAV file");
    assert_eq!(wav.channels, 2);
    let left: Vec<i16> = wav.samples.iter().step_by(2).copied().collect();
    let right: Vec<i16> = wav.samples.iter().skip(1).step_by(2).copied().collect();
    let secs = left.len() as f64 / 8000.0;
    assert!((4.0..5.5).contains(&secs), "about 4.5 s recorded, got {secs:.2} s");
    // First and last seconds: each side on its own channel.
    for part in [0..8000, left.len() - 8000..left.len()] {
        let (l, r) = (&left[part.clone()], &right[part]);
        assert!(tone_ratio(l, 500.0, 8000.0) > 0.7, "the caller on the left");
        assert!(tone_ratio(l, 1000.0, 8000.0) < 0.05, "not the agent on the left");
        assert!(tone_ratio(r, 1000.0, 8000.0) > 0.7, "the agent on the right");
        assert!(tone_ratio(r, 500.0, 8000.0) < 0.05, "not the caller on the right");
    }
    // The paused middle: a long run of pure silence on both channels.
    let mut longest = 0;
    let mut run = 0;
    for (l, r) in left.iter().zip(&right) {
        run = if *l == 0 && *r == 0 { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    assert!(longest >= 8000, "at least a second of silence while paused, got {longest} samples");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

/// On hold the caller hears the hold music instead of the agent, and the
/// agent hears nothing; resuming joins them again.
#[tokio::test(flavor = "multi_thread")]
async fn on_hold_the_caller_hears_music_and_the_agent_nothing() {
    let (handle, _stop) = media(47000, 47998).await;
    let (mut agent, carrier, rtp, gateway_rtp) = call(&handle).await;
    let mut frame_no = 0;
    let d = Duration::from_millis(1500);
    tokio::join!(agent.talk(d, 1000.0), caller(&carrier, gateway_rtp, d, 500.0, &mut frame_no));
    assert!(agent.connected);

    handle.hold(rtp, true);
    let d = Duration::from_millis(2000);
    let (a, c) = tokio::join!(agent.talk(d, 1000.0), caller(&carrier, gateway_rtp, d, 500.0, &mut frame_no));
    let tail = |s: &[i16]| s[s.len().saturating_sub(8000)..].to_vec();
    let (a, c) = (tail(&a), tail(&c));
    let loud = |s: &[i16]| s.iter().filter(|x| x.unsigned_abs() > 300).count();
    assert!(loud(&a) < 80, "the agent hears nothing while holding ({} loud samples)", loud(&a));
    assert!(loud(&c) > 1000, "the caller hears music ({} loud samples)", loud(&c));
    assert!(tone_ratio(&c, 1000.0, 8000.0) < 0.05, "and not the agent");

    handle.hold(rtp, false);
    let (a, c) = tokio::join!(agent.talk(d, 1000.0), caller(&carrier, gateway_rtp, d, 500.0, &mut frame_no));
    assert_eq!((tones(&c), tones(&a)), (vec![1000], vec![500]), "joined again");
}

//! Fuzzes what arrives on media sockets and files: RTP and RTCP packets,
//! telephone-events, and WAV files. No input may panic, and RTP that parses
//! must round-trip its header.

#![no_main]

use gateway::media::rtp::{RtpPacket, is_rtcp, rtcp_packets, write_header};
use gateway::media::telephone_event::{EventReceiver, TelephoneEvent};
use gateway::media::wav;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if is_rtcp(data) {
        let _ = rtcp_packets(data);
    }
    if let Ok(p) = RtpPacket::parse(data) {
        let mut out = vec![0u8; 12 + p.payload.len()];
        let n = write_header(&mut out, p.marker, p.payload_type, p.sequence, p.timestamp, p.ssrc);
        out[n..].copy_from_slice(p.payload);
        let again = RtpPacket::parse(&out).expect("a written header parses");
        assert_eq!((again.payload_type, again.sequence, again.timestamp, again.ssrc), (p.payload_type, p.sequence, p.timestamp, p.ssrc));
        assert_eq!(again.payload, p.payload);
        let _ = TelephoneEvent::parse(p.payload);
        let _ = EventReceiver::default().handle_packet(p.timestamp, p.payload);
    }
    let _ = wav::read(data);
});

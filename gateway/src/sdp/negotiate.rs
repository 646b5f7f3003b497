//! Offer/answer (RFC 3264) for the audio stream of a SIP leg.
//!
//! We speak G.711 only for now, so that a browser (PCMU) to carrier call
//! needs no transcoding; the caller's preference order wins among the codecs
//! we support. Telephone-events are kept at the payload type the offerer
//! chose. Streams other than the first audio one are refused (port 0), as
//! RFC 3264 §6 asks, rather than dropped.

use std::net::SocketAddr;

use super::parse::{Direction, Media, Session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Pcmu,
    Pcma,
}

impl Codec {
    /// The static payload type (RFC 3551).
    pub fn static_pt(self) -> u8 {
        match self {
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }

    fn from_name(name: &str) -> Option<Codec> {
        [Codec::Pcmu, Codec::Pcma].into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiateError {
    #[error("the offer has no active audio stream")]
    NoAudio,
    #[error("the offer's audio is not plain RTP/AVP")]
    Transport,
    #[error("no codec in common")]
    NoCommonCodec,
    #[error("the offer gives no address for its audio")]
    NoAddress,
}

/// What was agreed, and the answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub sdp: Session,
    pub codec: Codec,
    /// The payload type the codec travels with (the offerer's).
    pub codec_pt: u8,
    pub telephone_event_pt: Option<u8>,
    /// Where to send our RTP.
    pub remote: SocketAddr,
    /// The direction we answered: our side of the stream.
    pub direction: Direction,
}

/// The codec a payload type of this stream stands for, if we speak it.
fn codec_of(m: &Media, pt: u8) -> Option<Codec> {
    match m.rtpmaps.iter().find(|(p, _, _)| *p == pt) {
        Some((_, name, 8000)) => Codec::from_name(name),
        Some(_) => None,
        None => [Codec::Pcmu, Codec::Pcma].into_iter().find(|c| c.static_pt() == pt),
    }
}

fn telephone_event_pt(m: &Media) -> Option<u8> {
    m.rtpmaps
        .iter()
        .find(|(pt, name, rate)| {
            name.eq_ignore_ascii_case("telephone-event") && *rate == 8000 && m.formats.contains(pt)
        })
        .map(|(pt, _, _)| *pt)
}

/// Answers `offer` from `local` (our RTP address), picking the first
/// offered codec that is in `supported`.
pub fn answer_offer(
    offer: &Session,
    local: SocketAddr,
    supported: &[Codec],
    session_id: u64,
    version: u64,
) -> Result<Answer, NegotiateError> {
    let (index, agreed) = agree(offer, supported)?;
    let Agreed { codec, codec_pt, telephone_event_pt: te, remote, .. } = agreed;
    let direction = agreed.direction.answer();

    let media = offer
        .media
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if i == index {
                let mut formats = vec![codec_pt];
                let mut rtpmaps = vec![(codec_pt, codec.name().to_owned(), 8000)];
                let mut fmtps = Vec::new();
                if let Some(pt) = te {
                    formats.push(pt);
                    rtpmaps.push((pt, "telephone-event".to_owned(), 8000));
                    fmtps.push((pt, "0-15".to_owned()));
                }
                Media {
                    rtpmaps,
                    fmtps,
                    direction: Some(direction),
                    ptime: Some(20),
                    ..Media::new("audio", local.port(), "RTP/AVP", formats)
                }
            } else {
                refused(m)
            }
        })
        .collect();
    Ok(Answer {
        sdp: Session {
            origin: ("-".into(), session_id, version, local.ip()),
            name: "-".into(),
            connection: Some(local.ip()),
            direction: None,
            media,
        },
        codec,
        codec_pt,
        telephone_event_pt: te,
        remote,
        direction,
    })
}

/// A refused stream keeps its type, protocol and formats, with port 0.
fn refused(m: &Media) -> Media {
    Media::new(&m.kind, 0, &m.proto, m.formats.clone())
}

/// Our offer for an outbound call: the codecs in our order, then
/// telephone-events at payload type 101.
pub fn make_offer(local: SocketAddr, codecs: &[Codec], session_id: u64, version: u64, direction: Direction) -> Session {
    let mut formats: Vec<u8> = codecs.iter().map(|c| c.static_pt()).collect();
    let mut rtpmaps: Vec<(u8, String, u32)> =
        codecs.iter().map(|c| (c.static_pt(), c.name().to_owned(), 8000)).collect();
    formats.push(101);
    rtpmaps.push((101, "telephone-event".into(), 8000));
    Session {
        origin: ("-".into(), session_id, version, local.ip()),
        name: "-".into(),
        connection: Some(local.ip()),
        direction: None,
        media: vec![Media {
            rtpmaps,
            fmtps: vec![(101, "0-15".into())],
            direction: Some(direction),
            ptime: Some(20),
            ..Media::new("audio", local.port(), "RTP/AVP", formats)
        }],
    }
}

/// What an answer to our offer ([`make_offer`]) agreed: the first codec
/// it lists that we offered, where to send, and telephone-events if kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreed {
    pub codec: Codec,
    pub codec_pt: u8,
    pub telephone_event_pt: Option<u8>,
    pub remote: SocketAddr,
    pub direction: Direction,
}

/// Reads the answer to our offer of `offered` codecs (RFC 3264 §6.1: the
/// answerer's first listed format is the one it prefers to receive).
pub fn read_answer(answer: &Session, offered: &[Codec]) -> Result<Agreed, NegotiateError> {
    agree(answer, offered).map(|(_, a)| a)
}

/// The first active audio stream of `s` and what it agrees to: its first
/// format that is one of `codecs`, its address, telephone-events and
/// direction (as `s` states it).
fn agree(s: &Session, codecs: &[Codec]) -> Result<(usize, Agreed), NegotiateError> {
    let (index, audio) =
        s.media.iter().enumerate().find(|(_, m)| m.kind == "audio" && m.port != 0).ok_or(NegotiateError::NoAudio)?;
    if audio.proto != "RTP/AVP" {
        return Err(NegotiateError::Transport);
    }
    let (codec_pt, codec) = audio
        .formats
        .iter()
        .find_map(|&pt| codec_of(audio, pt).filter(|c| codecs.contains(c)).map(|c| (pt, c)))
        .ok_or(NegotiateError::NoCommonCodec)?;
    let addr = s.address_of(audio).ok_or(NegotiateError::NoAddress)?;
    let agreed = Agreed {
        codec,
        codec_pt,
        telephone_event_pt: telephone_event_pt(audio),
        remote: SocketAddr::new(addr, audio.port),
        direction: s.direction_of(audio),
    };
    Ok((index, agreed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdp::parse;

    #[test]
    fn an_answer_to_our_offer_is_read() {
        let a = offer("m=audio 7000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000\r\n");
        let agreed = read_answer(&a, &[Codec::Pcmu, Codec::Pcma]).unwrap();
        assert_eq!((agreed.codec, agreed.codec_pt, agreed.telephone_event_pt), (Codec::Pcma, 8, Some(101)));
        assert_eq!(agreed.remote, "127.0.0.5:7000".parse().unwrap());
        let refused = offer("m=audio 0 RTP/AVP 0", "");
        assert_eq!(read_answer(&refused, &[Codec::Pcmu]), Err(NegotiateError::NoAudio));
        let other = offer("m=audio 7000 RTP/AVP 18", "");
        assert_eq!(read_answer(&other, &[Codec::Pcmu]), Err(NegotiateError::NoCommonCodec));
    }

    const LOCAL: &str = "127.0.0.1:30000";

    fn offer(m_line: &str, extra: &str) -> Session {
        let text =
            format!("v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\n{m_line}\r\n{extra}");
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_offerers_order_wins_among_ours() {
        let o = offer("m=audio 6000 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000\r\n");
        let a = answer_offer(&o, LOCAL.parse().unwrap(), &[Codec::Pcmu, Codec::Pcma], 7, 1).unwrap();
        assert_eq!((a.codec, a.codec_pt, a.telephone_event_pt), (Codec::Pcma, 8, Some(101)));
        assert_eq!(a.remote, "127.0.0.5:6000".parse().unwrap());
        let m = a.sdp.audio().unwrap();
        assert_eq!((m.port, m.formats.as_slice()), (30000, &[8, 101][..]));
        // The answer is itself valid SDP.
        assert_eq!(parse(a.sdp.to_string().as_bytes()).unwrap(), a.sdp);
        let only_pcmu = answer_offer(&o, LOCAL.parse().unwrap(), &[Codec::Pcmu], 7, 1).unwrap();
        assert_eq!(only_pcmu.codec, Codec::Pcmu);
    }

    #[test]
    fn dynamic_payload_types_are_matched_by_name() {
        let o = offer("m=audio 6000 RTP/AVP 96 97", "a=rtpmap:96 opus/48000/2\r\na=rtpmap:97 pcmu/8000\r\n");
        let a = answer_offer(&o, LOCAL.parse().unwrap(), &[Codec::Pcmu], 1, 1).unwrap();
        assert_eq!((a.codec, a.codec_pt, a.telephone_event_pt), (Codec::Pcmu, 97, None));
    }

    #[test]
    fn hold_offers_get_the_mirrored_direction() {
        let o = offer("m=audio 6000 RTP/AVP 0", "a=sendonly\r\n");
        let a = answer_offer(&o, LOCAL.parse().unwrap(), &[Codec::Pcmu], 1, 2).unwrap();
        assert_eq!(a.direction, Direction::RecvOnly);
        assert!(a.sdp.to_string().contains("a=recvonly"));
    }

    #[test]
    fn other_streams_are_refused_with_port_zero() {
        let o = offer("m=audio 6000 RTP/AVP 0", "m=video 6002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n");
        let a = answer_offer(&o, LOCAL.parse().unwrap(), &[Codec::Pcmu], 1, 1).unwrap();
        assert_eq!(a.sdp.media.len(), 2);
        assert_eq!((a.sdp.media[1].kind.as_str(), a.sdp.media[1].port), ("video", 0));
    }

    #[test]
    fn refusals() {
        let l: SocketAddr = LOCAL.parse().unwrap();
        let no_common = offer("m=audio 6000 RTP/AVP 9 18", "");
        assert_eq!(answer_offer(&no_common, l, &[Codec::Pcmu, Codec::Pcma], 1, 1), Err(NegotiateError::NoCommonCodec));
        let srtp = offer("m=audio 6000 RTP/SAVP 0", "");
        assert_eq!(answer_offer(&srtp, l, &[Codec::Pcmu], 1, 1), Err(NegotiateError::Transport));
        let off = offer("m=audio 0 RTP/AVP 0", "");
        assert_eq!(answer_offer(&off, l, &[Codec::Pcmu], 1, 1), Err(NegotiateError::NoAudio));
        let wrong_rate = offer("m=audio 6000 RTP/AVP 0", "a=rtpmap:0 PCMU/16000\r\n");
        assert_eq!(answer_offer(&wrong_rate, l, &[Codec::Pcmu], 1, 1), Err(NegotiateError::NoCommonCodec));
        let no_addr = parse(b"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n").unwrap();
        assert_eq!(answer_offer(&no_addr, l, &[Codec::Pcmu], 1, 1), Err(NegotiateError::NoAddress));
    }

    #[test]
    fn our_offer_is_answerable_by_ourselves() {
        let o = make_offer("127.0.0.1:31000".parse().unwrap(), &[Codec::Pcmu, Codec::Pcma], 9, 1, Direction::SendRecv);
        let reparsed = parse(o.to_string().as_bytes()).unwrap();
        let a = answer_offer(&reparsed, LOCAL.parse().unwrap(), &[Codec::Pcma, Codec::Pcmu], 1, 1).unwrap();
        assert_eq!((a.codec, a.telephone_event_pt), (Codec::Pcmu, Some(101)));
    }
}

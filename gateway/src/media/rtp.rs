//! RTP (RFC 3550) and RTCP headers: parsing a datagram into borrowed parts
//! and writing a header into a caller's buffer, with no allocation. A
//! datagram that is not well-formed RTP or RTCP is an error the driver
//! counts and drops.

/// Why a datagram was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    #[error("shorter than an RTP header")]
    TooShort,
    #[error("not RTP version 2")]
    Version,
    #[error("CSRC list or header extension runs past the end")]
    Truncated,
    #[error("padding longer than the payload")]
    Padding,
    #[error("RTCP length field does not match the datagram")]
    RtcpLength,
}

/// One RTP packet, borrowed from the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub payload: &'a [u8],
}

/// Whether a datagram on a muxed port is RTCP rather than RTP (RFC 5761:
/// RTCP packet types 192–223 land in the second byte's 64–95 range once the
/// marker bit is taken off).
pub fn is_rtcp(datagram: &[u8]) -> bool {
    datagram.len() >= 2 && (192..=223).contains(&datagram[1])
}

/// Whether a datagram looks like RTP or RTCP at all (first byte 128–191,
/// RFC 7983), as opposed to STUN or DTLS on the same socket.
pub fn is_rtp_or_rtcp(datagram: &[u8]) -> bool {
    datagram.first().is_some_and(|b| (128..=191).contains(b))
}

impl<'a> RtpPacket<'a> {
    pub fn parse(d: &'a [u8]) -> Result<RtpPacket<'a>, RtpError> {
        if d.len() < 12 {
            return Err(RtpError::TooShort);
        }
        if d[0] >> 6 != 2 {
            return Err(RtpError::Version);
        }
        let padding = d[0] & 0x20 != 0;
        let extension = d[0] & 0x10 != 0;
        let csrc_count = (d[0] & 0x0F) as usize;
        let mut offset = 12 + 4 * csrc_count;
        if d.len() < offset {
            return Err(RtpError::Truncated);
        }
        if extension {
            if d.len() < offset + 4 {
                return Err(RtpError::Truncated);
            }
            let words = u16::from_be_bytes([d[offset + 2], d[offset + 3]]) as usize;
            offset += 4 + 4 * words;
            if d.len() < offset {
                return Err(RtpError::Truncated);
            }
        }
        let mut end = d.len();
        if padding {
            let pad = d[end - 1] as usize;
            if pad == 0 || pad > end - offset {
                return Err(RtpError::Padding);
            }
            end -= pad;
        }
        Ok(RtpPacket {
            marker: d[1] & 0x80 != 0,
            payload_type: d[1] & 0x7F,
            sequence: u16::from_be_bytes([d[2], d[3]]),
            timestamp: u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
            ssrc: u32::from_be_bytes([d[8], d[9], d[10], d[11]]),
            payload: &d[offset..end],
        })
    }
}

/// Writes a 12-byte header (no CSRCs, no extension, no padding) into the
/// front of `out` and returns its length.
pub fn write_header(out: &mut [u8], marker: bool, payload_type: u8, sequence: u16, timestamp: u32, ssrc: u32) -> usize {
    out[0] = 0x80;
    out[1] = (if marker { 0x80 } else { 0 }) | (payload_type & 0x7F);
    out[2..4].copy_from_slice(&sequence.to_be_bytes());
    out[4..8].copy_from_slice(&timestamp.to_be_bytes());
    out[8..12].copy_from_slice(&ssrc.to_be_bytes());
    12
}

/// One RTCP packet of a compound datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtcpPacket<'a> {
    /// 200 SR, 201 RR, 202 SDES, 203 BYE, 204 APP, …
    pub packet_type: u8,
    /// The five bits after version and padding (report count, subtype).
    pub count: u8,
    /// The whole packet, header included.
    pub bytes: &'a [u8],
}

/// Splits a compound RTCP datagram into its packets, checking every length.
pub fn rtcp_packets(d: &[u8]) -> Result<Vec<RtcpPacket<'_>>, RtpError> {
    let mut out = Vec::new();
    let mut rest = d;
    if rest.is_empty() {
        return Err(RtpError::TooShort);
    }
    while !rest.is_empty() {
        if rest.len() < 4 {
            return Err(RtpError::TooShort);
        }
        if rest[0] >> 6 != 2 {
            return Err(RtpError::Version);
        }
        let len = (u16::from_be_bytes([rest[2], rest[3]]) as usize + 1) * 4;
        if len > rest.len() {
            return Err(RtpError::RtcpLength);
        }
        out.push(RtcpPacket { packet_type: rest[1], count: rest[0] & 0x1F, bytes: &rest[..len] });
        rest = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let mut buf = [0u8; 172];
        let n = write_header(&mut buf, true, 0, 65535, 0xDEAD_BEEF, 42);
        buf[n..].fill(0xFF);
        let p = RtpPacket::parse(&buf).unwrap();
        assert_eq!(
            (p.marker, p.payload_type, p.sequence, p.timestamp, p.ssrc, p.payload.len()),
            (true, 0, 65535, 0xDEAD_BEEF, 42, 160)
        );
        assert!(is_rtp_or_rtcp(&buf) && !is_rtcp(&buf));
    }

    #[test]
    fn csrc_extension_and_padding() {
        let mut d = vec![0xB1, 8, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]; // padding, extension, 1 CSRC
        d.extend([0, 0, 0, 9]); // CSRC
        d.extend([0xBE, 0xDE, 0, 1, 1, 2, 3, 4]); // one-word extension
        d.extend([7, 7, 7]); // payload
        d.extend([0, 2]); // two bytes of padding
        let p = RtpPacket::parse(&d).unwrap();
        assert_eq!(p.payload, &[7, 7, 7]);
        assert_eq!(p.payload_type, 8);
    }

    #[test]
    fn bad_datagrams_are_errors_not_panics() {
        assert_eq!(RtpPacket::parse(&[0x80; 11]), Err(RtpError::TooShort));
        assert_eq!(RtpPacket::parse(&[0x40; 12]), Err(RtpError::Version));
        assert_eq!(RtpPacket::parse(&[0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Err(RtpError::Truncated));
        let mut ext = vec![0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF];
        assert_eq!(RtpPacket::parse(&ext), Err(RtpError::Truncated));
        ext.truncate(13);
        assert_eq!(RtpPacket::parse(&ext), Err(RtpError::Truncated));
        assert_eq!(RtpPacket::parse(&[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Err(RtpError::Padding));
        assert_eq!(RtpPacket::parse(&[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 9]), Err(RtpError::Padding));
        // Every truncation of a good packet is handled.
        let mut buf = [0u8; 40];
        write_header(&mut buf, false, 0, 1, 2, 3);
        for n in 0..buf.len() {
            let _ = RtpPacket::parse(&buf[..n]);
            let _ = rtcp_packets(&buf[..n]);
        }
    }

    #[test]
    fn compound_rtcp() {
        // RR with no blocks (8 bytes) + SDES header-only (4 bytes).
        let d = [0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 202, 0, 0];
        assert!(is_rtcp(&d));
        let p = rtcp_packets(&d).unwrap();
        assert_eq!(p.iter().map(|p| (p.packet_type, p.bytes.len())).collect::<Vec<_>>(), [(201, 8), (202, 4)]);
        assert_eq!(p[1].count, 1);
        assert_eq!(rtcp_packets(&[0x80, 201, 0, 9, 0, 0, 0, 1]), Err(RtpError::RtcpLength));
        assert_eq!(rtcp_packets(&[0x80, 201, 0]), Err(RtpError::TooShort));
    }
}

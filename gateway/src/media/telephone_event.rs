//! RFC 4733 telephone-events (DTMF digits sent as RTP packets): the payload
//! format, and a receiver that turns the repeated packets of one key press
//! into one digit.

/// One telephone-event payload (4 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// 0–9, 10 `*`, 11 `#`, 12–15 `A`–`D`.
    pub event: u8,
    pub end: bool,
    /// Power level in -dBm0 (0–63).
    pub volume: u8,
    /// In timestamp units (8 kHz: 1/8 ms).
    pub duration: u16,
}

impl TelephoneEvent {
    pub fn parse(payload: &[u8]) -> Option<TelephoneEvent> {
        let p: &[u8; 4] = payload.get(..4)?.try_into().ok()?;
        Some(TelephoneEvent {
            event: p[0],
            end: p[1] & 0x80 != 0,
            volume: p[1] & 0x3F,
            duration: u16::from_be_bytes([p[2], p[3]]),
        })
    }

    pub fn write(&self, out: &mut [u8; 4]) {
        out[0] = self.event;
        out[1] = (if self.end { 0x80 } else { 0 }) | (self.volume & 0x3F);
        out[2..4].copy_from_slice(&self.duration.to_be_bytes());
    }

    /// The DTMF key of this event, if it is one.
    pub fn digit(&self) -> Option<char> {
        event_digit(self.event)
    }
}

pub fn event_digit(event: u8) -> Option<char> {
    Some(match event {
        0..=9 => (b'0' + event) as char,
        10 => '*',
        11 => '#',
        12..=15 => (b'A' + event - 12) as char,
        _ => return None,
    })
}

pub fn digit_event(digit: char) -> Option<u8> {
    Some(match digit {
        '0'..='9' => digit as u8 - b'0',
        '*' => 10,
        '#' => 11,
        'A'..='D' => digit as u8 - b'A' + 12,
        'a'..='d' => digit as u8 - b'a' + 12,
        _ => return None,
    })
}

/// Reports each key press once. An event is identified by its RTP
/// timestamp (RFC 4733 §2.5.1.2: every packet of one event carries the
/// event's start timestamp), so retransmitted end packets and lost start
/// packets both give exactly one digit.
#[derive(Debug, Default)]
pub struct EventReceiver {
    last_timestamp: Option<u32>,
}

impl EventReceiver {
    /// Feeds one telephone-event packet; returns the digit the first time
    /// its event is seen.
    pub fn handle_packet(&mut self, timestamp: u32, payload: &[u8]) -> Option<char> {
        let ev = TelephoneEvent::parse(payload)?;
        let digit = ev.digit()?;
        if self.last_timestamp == Some(timestamp) {
            return None;
        }
        self.last_timestamp = Some(timestamp);
        Some(digit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        let e = TelephoneEvent { event: 11, end: true, volume: 10, duration: 1600 };
        let mut b = [0; 4];
        e.write(&mut b);
        assert_eq!(b, [11, 0x8A, 0x06, 0x40]);
        assert_eq!(TelephoneEvent::parse(&b), Some(e));
        assert_eq!(e.digit(), Some('#'));
        assert_eq!(TelephoneEvent::parse(&b[..3]), None);
    }

    #[test]
    fn digits_map_both_ways() {
        for d in "0123456789*#ABCD".chars() {
            assert_eq!(event_digit(digit_event(d).unwrap()), Some(d));
        }
        assert_eq!(digit_event('x'), None);
        assert_eq!(event_digit(16), None, "flash and other events are not digits");
    }

    #[test]
    fn one_digit_per_event_despite_repeats_and_losses() {
        let mut r = EventReceiver::default();
        let pkt = |event: u8, end: bool, duration: u16| {
            let mut b = [0; 4];
            TelephoneEvent { event, end, volume: 10, duration }.write(&mut b);
            b
        };
        let mut got = String::new();
        // '5' at ts 1000: three updates and three end packets.
        for (end, dur) in [(false, 160), (false, 320), (false, 480), (true, 640), (true, 640), (true, 640)] {
            got.extend(r.handle_packet(1000, &pkt(5, end, dur)));
        }
        // '5' again at ts 5000, whose first packets were lost: only ends arrive.
        got.extend(r.handle_packet(5000, &pkt(5, true, 800)));
        got.extend(r.handle_packet(5000, &pkt(5, true, 800)));
        got.extend(r.handle_packet(9000, &pkt(10, false, 160)));
        got.extend(r.handle_packet(9000, &[1, 2]));
        assert_eq!(got, "55*");
    }
}

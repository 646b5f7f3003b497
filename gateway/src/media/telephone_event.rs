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

/// 20 ms packets of one key press before its end (100 ms of tone).
const TONE_PACKETS: u16 = 5;
/// The end packet is sent three times (RFC 4733 §2.5.1.4).
const END_REPEATS: u16 = 3;
/// Quiet 20 ms ticks between two key presses (60 ms).
const GAP_TICKS: u16 = 3;
/// Digits waiting at most; more are refused.
const MAX_QUEUED: usize = 64;
/// The volume we send, in -dBm0.
const VOLUME: u8 = 10;

/// What [`EventSender::tick`] wants sent in this 20 ms tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// No digit is playing: audio flows.
    Idle,
    /// One packet of the current event. `start` is its first (marker bit
    /// set, and the event's timestamp is the stream's timestamp now).
    Packet { payload: [u8; 4], start: bool },
    /// Between two digits: nothing to send, audio may flow.
    Gap,
}

/// Sends digits as RFC 4733 events, one packet per 20 ms tick: each digit
/// is [`TONE_PACKETS`] updates of growing duration, then its end packet
/// three times, then a short gap. A sans-IO core: the driver calls
/// [`tick`](Self::tick) every 20 ms while it is not idle and writes the
/// RTP header.
#[derive(Debug, Default)]
pub struct EventSender {
    queue: std::collections::VecDeque<u8>,
    /// The event playing and the packets of it sent so far.
    current: Option<(u8, u16)>,
    gap: u16,
}

impl EventSender {
    /// Queues a key. False when it is not a DTMF key or too many wait.
    pub fn push(&mut self, digit: char) -> bool {
        match digit_event(digit) {
            Some(e) if self.queue.len() < MAX_QUEUED => {
                self.queue.push_back(e);
                true
            }
            _ => false,
        }
    }

    /// Nothing is playing, waiting or pausing.
    pub fn is_idle(&self) -> bool {
        self.current.is_none() && self.queue.is_empty() && self.gap == 0
    }

    /// An event is playing (audio should pause).
    pub fn is_playing(&self) -> bool {
        self.current.is_some()
    }

    pub fn tick(&mut self) -> Tick {
        if self.gap > 0 {
            self.gap -= 1;
            return Tick::Gap;
        }
        let (event, sent) = match self.current {
            Some(c) => c,
            None => match self.queue.pop_front() {
                Some(e) => (e, 0),
                None => return Tick::Idle,
            },
        };
        let end = sent >= TONE_PACKETS;
        let duration = 160 * (sent.min(TONE_PACKETS - 1) + 1);
        let mut payload = [0; 4];
        TelephoneEvent { event, end, volume: VOLUME, duration }.write(&mut payload);
        if sent + 1 >= TONE_PACKETS + END_REPEATS {
            self.current = None;
            self.gap = GAP_TICKS;
        } else {
            self.current = Some((event, sent + 1));
        }
        Tick::Packet { payload, start: sent == 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_key_press_is_received_once_and_timed_as_rfc_4733_says() {
        let mut s = EventSender::default();
        assert!(s.push('5') && s.push('#') && !s.push('x'));
        let mut r = EventReceiver::default();
        let (mut got, mut ticks, mut ts, mut event_ts) = (String::new(), 0, 0u32, 0u32);
        let mut ends = 0;
        while !s.is_idle() {
            ticks += 1;
            assert!(ticks < 100);
            if let Tick::Packet { payload, start } = s.tick() {
                if start {
                    event_ts = ts;
                }
                let e = TelephoneEvent::parse(&payload).unwrap();
                ends += e.end as u32;
                assert!(e.duration <= 800);
                got.extend(r.handle_packet(event_ts, &payload));
            }
            ts += 160;
        }
        assert_eq!(got, "5#");
        assert_eq!(ends, 6, "three end packets per digit");
        assert_eq!(ticks, 2 * (5 + 3 + 3), "tone, ends and gap for each digit");
        assert_eq!(s.tick(), Tick::Idle);
    }

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

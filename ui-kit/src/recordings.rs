//! The supervisors' Recordings screen as plain state (tested natively):
//! the search's request, the audio's address, and which channel of the
//! stereo file (caller left, agent right) the player lets through to each
//! ear.

/// What the player plays: both sides as recorded, or one side alone in
/// both ears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Both,
    /// The left channel.
    Caller,
    /// The right channel.
    Agent,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Both, Channel::Caller, Channel::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Both => "both",
            Channel::Caller => "caller",
            Channel::Agent => "agent",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Channel::Both => "rec-channel-both",
            Channel::Caller => "rec-channel-caller",
            Channel::Agent => "rec-channel-agent",
        }
    }

    /// The gains of the four paths from the file's channels to the ears:
    /// left→left, left→right, right→left, right→right.
    pub fn gains(self) -> [f32; 4] {
        match self {
            Channel::Both => [1.0, 0.0, 0.0, 1.0],
            Channel::Caller => [1.0, 1.0, 0.0, 0.0],
            Channel::Agent => [0.0, 0.0, 1.0, 1.0],
        }
    }
}

/// The search as sent: a period in Unix ms (end excluded) and the filters;
/// empty strings match all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub from_ms: Option<f64>,
    pub to_ms: Option<f64>,
    /// An agent's id.
    pub agent: String,
    /// A queue's code.
    pub queue: String,
    /// A customer's code, or part of their name or number.
    pub customer: String,
    /// A disposition code.
    pub disposition: String,
}

/// `GET /api/v1/recordings` for `s`, `limit` per page, after `cursor`.
/// Times go as RFC 3339 UTC.
pub fn list_path(s: &Search, limit: u32, cursor: Option<&str>) -> String {
    let mut path = format!("/api/v1/recordings?limit={limit}");
    let mut add = |k: &str, v: &str| {
        if !v.is_empty() {
            path.push_str(&format!("&{k}={}", encode(v)));
        }
    };
    add("from", &s.from_ms.map(rfc3339).unwrap_or_default());
    add("to", &s.to_ms.map(rfc3339).unwrap_or_default());
    add("agent", &s.agent);
    add("queue", &s.queue);
    add("customer", s.customer.trim());
    add("disposition", &s.disposition);
    add("cursor", cursor.unwrap_or_default());
    path
}

/// The recording's audio: inline for the player, or as a download.
pub fn audio_path(id: &str, download: bool) -> String {
    let id = encode(id);
    if download {
        format!("/api/v1/recordings/{id}/audio?download=1")
    } else {
        format!("/api/v1/recordings/{id}/audio")
    }
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Unix ms as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn rfc3339(ms: f64) -> String {
    let ms = ms as i64;
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, min, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_side_goes_to_both_ears() {
        assert_eq!(Channel::Both.gains(), [1.0, 0.0, 0.0, 1.0]);
        assert_eq!(Channel::Caller.gains(), [1.0, 1.0, 0.0, 0.0]);
        assert_eq!(Channel::Agent.gains(), [0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn the_search_asks_for_what_is_set() {
        let s = Search {
            from_ms: Some(1_700_000_000_000.0),
            to_ms: Some(1_700_086_400_000.0),
            customer: " Al Amin ".into(),
            queue: "support".into(),
            ..Default::default()
        };
        assert_eq!(
            list_path(&s, 50, Some("abc")),
            "/api/v1/recordings?limit=50&from=2023-11-14T22%3A13%3A20.000Z&to=2023-11-15T22%3A13%3A20.000Z\
             &queue=support&customer=Al%20Amin&cursor=abc"
        );
        assert_eq!(list_path(&Search::default(), 10, None), "/api/v1/recordings?limit=10");
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_123.0), "2000-02-29T00:00:00.123Z");
    }

    #[test]
    fn audio_addresses() {
        assert_eq!(audio_path("abc-2", false), "/api/v1/recordings/abc-2/audio");
        assert_eq!(audio_path("abc", true), "/api/v1/recordings/abc/audio?download=1");
    }
}

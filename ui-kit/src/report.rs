//! The calls report's arithmetic, as plain state tested natively: how long
//! each caller waited and how the wait ended, the totals of the rows
//! loaded, and the CSV text of an export.
//!
//! Durations are rounded to whole seconds the same way everywhere (the
//! table, the totals, the CSV), so that they add up for the reader.

use shared::records::{Disposition, Interaction};

/// How a caller's wait in the queue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    /// An agent answered.
    Answered,
    /// The caller hung up while waiting.
    Abandoned,
    /// The call left the queue another way (overflow, voicemail, callback).
    Left,
    /// Still waiting (the call has not left the queue).
    Waiting,
}

impl WaitEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitEnd::Answered => "answered",
            WaitEnd::Abandoned => "abandoned",
            WaitEnd::Left => "left",
            WaitEnd::Waiting => "waiting",
        }
    }

    /// The message key that says how the wait ended.
    pub fn message_key(self) -> &'static str {
        match self {
            WaitEnd::Answered => "report-wait-answered",
            WaitEnd::Abandoned => "report-wait-abandoned",
            WaitEnd::Left => "report-wait-left",
            WaitEnd::Waiting => "report-wait-waiting",
        }
    }
}

/// A caller's time in the queue: from entering it to the answer, to hanging
/// up, or to leaving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub ms: i64,
    pub end: WaitEnd,
}

/// The wait of a call that went through a queue; `None` for one that did
/// not (outbound, ended in the IVR). A still waiting call has no length yet.
pub fn wait(i: &Interaction) -> Option<Wait> {
    let entered = parse_utc_ms(i.enqueued_at.as_deref()?)?;
    let at = |t: &Option<String>| t.as_deref().and_then(parse_utc_ms);
    let (left, end) = if let Some(answered) = at(&i.answered_at) {
        (answered, WaitEnd::Answered)
    } else if i.disposition == Some(Disposition::Abandoned) {
        (at(&i.dequeued_at).or(at(&i.ended_at))?, WaitEnd::Abandoned)
    } else if let Some(left) = at(&i.dequeued_at).or(at(&i.ended_at)) {
        (left, WaitEnd::Left)
    } else {
        return Some(Wait { ms: 0, end: WaitEnd::Waiting });
    };
    Some(Wait { ms: (left - entered).max(0), end })
}

/// Milliseconds rounded to whole seconds (half up).
pub fn secs(ms: i64) -> u64 {
    (ms.max(0) as u64 + 500) / 1000
}

/// Talk time: answer to end; `None` for a call never answered.
pub fn talk_ms(i: &Interaction) -> Option<i64> {
    i.answered_at.as_ref()?;
    i.billsec_ms
}

/// The figures of the rows loaded.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// Every call loaded.
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// The mean wait of answered calls that waited in a queue, in ms.
    pub avg_answered_wait_ms: Option<f64>,
    /// The mean survey score of the calls that have one.
    pub avg_score: Option<f64>,
}

pub fn totals(rows: &[Interaction]) -> Totals {
    let mut t = Totals { offered: rows.len() as u64, ..Totals::default() };
    let (mut waits, mut waited) = (0i64, 0u64);
    let (mut scores, mut scored) = (0i64, 0u64);
    for r in rows {
        match r.disposition {
            Some(Disposition::Answered) => t.answered += 1,
            Some(Disposition::Abandoned) => t.abandoned += 1,
            _ => {}
        }
        if r.disposition == Some(Disposition::Answered)
            && let Some(w) = wait(r).filter(|w| w.end == WaitEnd::Answered)
        {
            waits += w.ms;
            waited += 1;
        }
        if let Some(s) = r.survey_score {
            scores += s;
            scored += 1;
        }
    }
    t.avg_answered_wait_ms = (waited > 0).then(|| waits as f64 / waited as f64);
    t.avg_score = (scored > 0).then(|| scores as f64 / scored as f64);
    t
}

/// CSV text (RFC 4180, CRLF) of a header and rows, with a byte-order mark
/// so that spreadsheets read it as UTF-8. Cells that a spreadsheet would
/// take for a formula are prefixed with `'`.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for line in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(c: &str) -> String {
    // `+44…` is a phone number, not a formula; `+SUM(…)`, `=…`, `@…` are.
    let number_like = |s: &str| s.chars().all(|ch| ch.is_ascii_digit() || ch == ' ' || ch == '.');
    let formula = match c.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !number_like(&c[1..]),
        _ => false,
    };
    let c = if formula { format!("'{c}") } else { c.to_owned() };
    if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c
    }
}

/// Milliseconds since the epoch of an RFC 3339 time as the gateway writes
/// them (`2023-11-14T22:13:20Z`, with optional fraction and offset).
pub fn parse_utc_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut scaled = 0;
        for (k, c) in frac[..digits].bytes().take(3).enumerate() {
            scaled += i64::from(c - b'0') * [100, 10, 1][k];
        }
        ms = scaled;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = (rest[1..3].parse::<i64>().ok()?, rest[4..6].parse::<i64>().ok()?);
            sign * (oh * 60 + om)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::records::Initiation;

    use super::*;

    fn call(id: &str) -> Interaction {
        Interaction {
            call_id: id.into(),
            initiation: Initiation::Inbound,
            caller: Some("+441234567001".into()),
            callee: None,
            trunk: None,
            customer_id: None,
            queue: Some("support".into()),
            campaign_id: None,
            started_at: "2023-11-14T22:13:20Z".into(),
            ivr_ended_at: None,
            enqueued_at: Some("2023-11-14T22:13:22Z".into()),
            dequeued_at: None,
            answered_at: None,
            ended_at: None,
            duration_ms: None,
            billsec_ms: None,
            agent_id: None,
            hold_count: 0,
            hold_ms: 0,
            wrap_up_ms: None,
            disposition: None,
            disposition_code: None,
            notes: None,
            wrapped_up_at: None,
            ended_by: None,
            sip_status: None,
            q850: None,
            codecs: None,
            recording: None,
            survey_score: None,
            ivr_path: Vec::new(),
            ivr_vars: BTreeMap::new(),
            customer_name: None,
            tickets: Vec::new(),
        }
    }

    fn answered(id: &str, answered_at: &str, score: Option<i64>) -> Interaction {
        Interaction {
            answered_at: Some(answered_at.into()),
            dequeued_at: Some(answered_at.into()),
            ended_at: Some("2023-11-14T22:20:00Z".into()),
            billsec_ms: Some(200_400),
            disposition: Some(Disposition::Answered),
            survey_score: score,
            ..call(id)
        }
    }

    #[test]
    fn parses_the_gateways_times() {
        assert_eq!(parse_utc_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc_ms("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(parse_utc_ms("2023-11-14T22:13:20.123Z"), Some(1_700_000_000_123));
        assert_eq!(parse_utc_ms("2023-11-14T22:13:20.5Z"), Some(1_700_000_000_500));
        assert_eq!(parse_utc_ms("2023-11-15T01:43:20+03:30"), Some(1_700_000_000_000));
        assert_eq!(parse_utc_ms("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        for junk in
            ["", "yesterday", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:2xZ"]
        {
            assert_eq!(parse_utc_ms(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_wait_ends_at_the_answer_or_the_hang_up() {
        let a = answered("a", "2023-11-14T22:13:40.400Z", None);
        assert_eq!(wait(&a), Some(Wait { ms: 18_400, end: WaitEnd::Answered }));
        let gone = Interaction {
            disposition: Some(Disposition::Abandoned),
            dequeued_at: Some("2023-11-14T22:14:07Z".into()),
            ended_at: Some("2023-11-14T22:14:07Z".into()),
            ..call("b")
        };
        assert_eq!(wait(&gone), Some(Wait { ms: 45_000, end: WaitEnd::Abandoned }));
        let no_dequeue = Interaction { dequeued_at: None, ..gone.clone() };
        assert_eq!(wait(&no_dequeue), Some(Wait { ms: 45_000, end: WaitEnd::Abandoned }), "the end will do");
        let overflow = Interaction { disposition: Some(Disposition::Overflow), ..gone };
        assert_eq!(wait(&overflow).map(|w| w.end), Some(WaitEnd::Left));
        assert_eq!(wait(&call("c")).map(|w| w.end), Some(WaitEnd::Waiting));
        assert_eq!(wait(&Interaction { enqueued_at: None, ..call("d") }), None, "never queued");
        assert_eq!((secs(18_400), secs(18_500), secs(0), secs(-5)), (18, 19, 0, 0));
        assert_eq!(talk_ms(&a), Some(200_400));
        assert_eq!(talk_ms(&call("c")), None);
    }

    #[test]
    fn totals_of_the_rows_loaded() {
        let rows = [
            answered("a", "2023-11-14T22:13:42Z", Some(5)),
            answered("b", "2023-11-14T22:13:52Z", Some(4)),
            Interaction {
                disposition: Some(Disposition::Abandoned),
                ended_at: Some("2023-11-14T22:15:02Z".into()),
                ..call("c")
            },
            Interaction {
                enqueued_at: None,
                disposition: Some(Disposition::Answered),
                survey_score: Some(2),
                ..call("d")
            },
        ];
        let t = totals(&rows);
        assert_eq!((t.offered, t.answered, t.abandoned), (4, 3, 1));
        assert_eq!(t.avg_answered_wait_ms, Some(25_000.0), "the abandoned wait and the unqueued call do not count");
        assert_eq!(t.avg_score, Some(11.0 / 3.0));
        assert_eq!(totals(&[]), Totals::default());
    }

    #[test]
    fn csv_quotes_and_defuses() {
        let header = vec!["Caller".to_owned(), "Tickets".to_owned()];
        let rows = vec![
            vec!["+441234567001".to_owned(), "service: Router, \"fast\"".to_owned()],
            vec!["=HYPERLINK(\"x\")".to_owned(), "-2+3".to_owned()],
            vec!["سارا".to_owned(), "line\nbreak".to_owned()],
        ];
        assert_eq!(
            csv(&header, &rows),
            "\u{feff}Caller,Tickets\r\n+441234567001,\"service: Router, \"\"fast\"\"\"\r\n\
             \"'=HYPERLINK(\"\"x\"\")\",'-2+3\r\nسارا,\"line\nbreak\"\r\n"
        );
    }
}

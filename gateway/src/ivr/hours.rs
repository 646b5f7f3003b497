//! Business hours and holidays in a time zone: is the contact center open
//! at a given instant?
//!
//! The time zone database is bundled into the binary (jiff's
//! `tzdb-bundle-always`), so the answer does not depend on the host's
//! `/usr/share/zoneinfo` and tests give the same answer everywhere. Local
//! time decides: a rule "sat 08:00–16:00" in `Asia/Tehran` is open at 08:00
//! Tehran time whatever the offset that day. Holidays are local dates and
//! close the whole day, before any weekly rule is looked at.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use super::flow::{Holiday, Hours};

/// An `hours` node made ready to answer: the zone found, the times read.
#[derive(Debug, Clone)]
pub struct Schedule {
    zone: TimeZone,
    /// Days as a bit set (bit 0 = Monday), open and close in minutes of
    /// the local day (close may be 1440).
    weekly: Vec<(u8, u16, u16)>,
    /// Inclusive ranges of local dates.
    holidays: Vec<(Date, Date)>,
}

impl Schedule {
    /// Reads an `hours` node; the error says which value is wrong.
    pub fn compile(h: &Hours) -> Result<Schedule, String> {
        if h.time_zone.len() > 64 {
            return Err("time_zone: longer than 64 characters".into());
        }
        let zone =
            TimeZone::get(&h.time_zone).map_err(|_| format!("time_zone {:?} is not a known time zone", h.time_zone))?;
        let mut weekly = Vec::with_capacity(h.weekly.len());
        for (i, rule) in h.weekly.iter().enumerate() {
            if rule.days.is_empty() || rule.days.len() > 7 {
                return Err(format!("weekly[{i}]: days must name 1 to 7 days"));
            }
            let mut days = 0u8;
            for d in &rule.days {
                let wd = weekday(d).ok_or_else(|| format!("weekly[{i}]: {:?} is not a day (mon … sun)", clip(d)))?;
                days |= 1 << wd.to_monday_zero_offset();
            }
            let open = minutes(&rule.open, false)
                .ok_or_else(|| format!("weekly[{i}]: open {:?} is not a time (HH:MM)", clip(&rule.open)))?;
            let close = minutes(&rule.close, true)
                .ok_or_else(|| format!("weekly[{i}]: close {:?} is not a time (HH:MM, 24:00)", clip(&rule.close)))?;
            if open >= close {
                return Err(format!(
                    "weekly[{i}]: open {} is not before close {} (split a range over midnight into two rules)",
                    rule.open, rule.close
                ));
            }
            weekly.push((days, open, close));
        }
        let mut holidays = Vec::with_capacity(h.holidays.len());
        for (i, holiday) in h.holidays.iter().enumerate() {
            let range = match holiday {
                Holiday::Day(d) => {
                    let d =
                        date(d).ok_or_else(|| format!("holidays[{i}]: {:?} is not a date (YYYY-MM-DD)", clip(d)))?;
                    (d, d)
                }
                Holiday::Range { from, to } => {
                    let f = date(from)
                        .ok_or_else(|| format!("holidays[{i}]: from {:?} is not a date (YYYY-MM-DD)", clip(from)))?;
                    let t = date(to)
                        .ok_or_else(|| format!("holidays[{i}]: to {:?} is not a date (YYYY-MM-DD)", clip(to)))?;
                    if t < f {
                        return Err(format!("holidays[{i}]: to {to} is before from {from}"));
                    }
                    (f, t)
                }
            };
            holidays.push(range);
        }
        Ok(Schedule { zone, weekly, holidays })
    }

    /// Whether it is open at `now_ms` (Unix milliseconds).
    pub fn is_open(&self, now_ms: i64) -> bool {
        let Ok(ts) = Timestamp::from_millisecond(now_ms) else { return false };
        let local = self.zone.to_datetime(ts);
        let day = local.date();
        if self.holidays.iter().any(|(from, to)| *from <= day && day <= *to) {
            return false;
        }
        let bit = 1u8 << day.weekday().to_monday_zero_offset();
        let minute = local.hour() as u16 * 60 + local.minute() as u16;
        self.weekly.iter().any(|&(days, open, close)| days & bit != 0 && open <= minute && minute < close)
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// `HH:MM` as minutes of the day; `24:00` only when `end_of_day` may be named.
fn minutes(s: &str, end_of_day: bool) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
    let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
    match (h, m) {
        (0..=23, 0..=59) => Some(h * 60 + m),
        (24, 0) if end_of_day => Some(1440),
        _ => None,
    }
}

/// `YYYY-MM-DD`, strictly.
fn date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = &s[r];
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ivr::flow::WeeklyHours;

    /// Unix milliseconds of a UTC date and time.
    fn utc(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn tehran() -> Schedule {
        Schedule::compile(&Hours {
            time_zone: "Asia/Tehran".into(),
            weekly: vec![
                WeeklyHours {
                    days: vec!["sat".into(), "sun".into(), "mon".into(), "tue".into(), "wed".into()],
                    open: "08:00".into(),
                    close: "16:00".into(),
                },
                WeeklyHours { days: vec!["Thursday".into()], open: "08:00".into(), close: "12:30".into() },
                WeeklyHours { days: vec!["fri".into()], open: "22:00".into(), close: "24:00".into() },
            ],
            holidays: vec![
                Holiday::Day("2026-03-21".into()),
                Holiday::Range { from: "2026-04-01".into(), to: "2026-04-02".into() },
            ],
            open: "o".into(),
            closed: "c".into(),
        })
        .unwrap()
    }

    #[test]
    fn local_time_decides() {
        let s = tehran();
        // Tehran is UTC+03:30 (no DST since 2022). Monday 2026-03-16.
        for (utc_time, open) in [
            ("2026-03-16T04:29:59Z", false), // 07:59:59 local
            ("2026-03-16T04:30:00Z", true),  // 08:00 local
            ("2026-03-16T12:29:00Z", true),  // 15:59
            ("2026-03-16T12:30:00Z", false), // 16:00: close is exclusive
            ("2026-03-19T08:59:00Z", true),  // Thursday 12:29
            ("2026-03-19T09:00:00Z", false), // Thursday 12:30
        ] {
            assert_eq!(s.is_open(utc(utc_time)), open, "{utc_time}");
        }
    }

    #[test]
    fn the_local_day_is_not_the_utc_day() {
        let s = tehran();
        // Friday 2026-03-20 22:00 in Tehran is 18:30 UTC the same day; Friday
        // 23:59 local is 20:29 UTC. Saturday 00:10 local is still Friday in UTC
        // (20:40Z): open by Saturday's rule? No, Saturday opens at 08:00.
        assert!(!s.is_open(utc("2026-03-20T18:29:00Z")));
        assert!(s.is_open(utc("2026-03-20T18:30:00Z")));
        assert!(s.is_open(utc("2026-03-20T20:29:59Z")));
        assert!(!s.is_open(utc("2026-03-20T20:30:00Z")), "24:00 local ends Friday's rule");
        // Sunday 2026-03-22 08:00 local = 04:30Z: open, the day after a holiday.
        assert!(s.is_open(utc("2026-03-22T04:30:00Z")));
        // Saturday 2026-03-21 (Nowruz) is a holiday although a weekly rule opens it.
        assert!(!s.is_open(utc("2026-03-21T06:00:00Z")));
        // 2026-03-20T21:00Z is already Saturday 00:30 in Tehran: the holiday.
        assert!(!s.is_open(utc("2026-03-20T21:00:00Z")));
        // A range: both ends closed, the day after open (Friday 2026-04-03 is
        // closed anyway, so look at Wednesday 2026-04-01 and Saturday 04-04).
        assert!(!s.is_open(utc("2026-04-01T06:00:00Z")));
        assert!(!s.is_open(utc("2026-04-02T06:00:00Z")));
        assert!(s.is_open(utc("2026-04-04T06:00:00Z")));
    }

    #[test]
    fn bad_values_are_refused() {
        let base = Hours {
            time_zone: "Europe/Istanbul".into(),
            weekly: vec![WeeklyHours { days: vec!["mon".into()], open: "09:00".into(), close: "17:00".into() }],
            holidays: vec![],
            open: "o".into(),
            closed: "c".into(),
        };
        assert!(Schedule::compile(&base).is_ok());
        let check = |f: &dyn Fn(&mut Hours), expect: &str| {
            let mut h = base.clone();
            f(&mut h);
            let e = Schedule::compile(&h).unwrap_err();
            assert!(e.contains(expect), "{e:?} should contain {expect:?}");
        };
        check(&|h| h.time_zone = "Mars/Olympus".into(), "not a known time zone");
        check(&|h| h.weekly[0].open = "25:00".into(), "open \"25:00\" is not a time");
        check(&|h| h.weekly[0].open = "24:00".into(), "open \"24:00\" is not a time");
        check(&|h| h.weekly[0].close = "9:00".into(), "close \"9:00\" is not a time");
        check(&|h| h.weekly[0].close = "08:00".into(), "is not before close");
        check(&|h| h.weekly[0].days = vec!["funday".into()], "\"funday\" is not a day");
        check(&|h| h.weekly[0].days = vec![], "1 to 7 days");
        check(&|h| h.holidays = vec![Holiday::Day("2026-02-30".into())], "not a date");
        check(&|h| h.holidays = vec![Holiday::Day("2026-3-1".into())], "not a date");
        check(
            &|h| h.holidays = vec![Holiday::Range { from: "2026-05-02".into(), to: "2026-05-01".into() }],
            "is before from",
        );
    }
}

//! A campaign's rules for when and how often a contact may be called: call
//! windows in the contact's own time zone, the most attempts, the delay
//! before the next attempt by the last result, and the do-not-call lists.
//!
//! Everything takes the time as Unix milliseconds and answers with one;
//! nothing here reads a clock.

use std::collections::HashSet;

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// What one attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptResult {
    Busy,
    NoAnswer,
    /// The network refused or the number does not work.
    Failed,
    /// An answering machine (whatever the campaign did with it).
    Machine,
    /// Answered, but no agent was free: the contact heard the short
    /// message and was let go.
    Abandoned,
    /// Talked with an agent (or went through the agentless flow).
    Connected,
}

/// One window: on these weekdays, from `start` to `end` local time (`end`
/// after `start`; a window does not cross midnight: use two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallWindow {
    pub days: Vec<Weekday>,
    pub start: Time,
    pub end: Time,
}

/// The delay before the next attempt after each result; `None`: no retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryDelays {
    pub busy: Option<u64>,
    pub no_answer: Option<u64>,
    pub failed: Option<u64>,
    pub machine: Option<u64>,
    pub abandoned: Option<u64>,
}

impl Default for RetryDelays {
    fn default() -> Self {
        RetryDelays {
            busy: Some(10 * 60_000),
            no_answer: Some(60 * 60_000),
            failed: Some(4 * 60 * 60_000),
            machine: Some(4 * 60 * 60_000),
            abandoned: Some(30 * 60_000),
        }
    }
}

impl RetryDelays {
    /// The delay in ms after `r`; `None` for no retry (always for a
    /// connected call, whose disposition decides what follows).
    pub fn after(&self, r: AttemptResult) -> Option<u64> {
        match r {
            AttemptResult::Busy => self.busy,
            AttemptResult::NoAnswer => self.no_answer,
            AttemptResult::Failed => self.failed,
            AttemptResult::Machine => self.machine,
            AttemptResult::Abandoned => self.abandoned,
            AttemptResult::Connected => None,
        }
    }
}

/// When a contact may be called, and how often.
#[derive(Debug, Clone)]
pub struct Rules {
    /// No windows: any time.
    pub windows: Vec<CallWindow>,
    /// For contacts without their own.
    pub time_zone: TimeZone,
    /// Attempts in all, at least 1.
    pub max_attempts: u32,
    pub retry: RetryDelays,
}

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Try again at this time (already moved into a call window).
    Retry { at: i64 },
    /// The contact is done: no retry for this result, or no attempts left.
    Done { exhausted: bool },
}

impl Rules {
    /// Whether `at` falls in a call window in `tz`.
    pub fn in_window(&self, at: i64, tz: &TimeZone) -> bool {
        if self.windows.is_empty() {
            return true;
        }
        let Ok(ts) = Timestamp::from_millisecond(at) else { return false };
        let local = ts.to_zoned_datetime(tz.clone());
        let (day, time) = (local.weekday(), local.time());
        self.windows.iter().any(|w| w.days.contains(&day) && w.start <= time && time < w.end)
    }

    /// The first time at or after `at` inside a call window in `tz`;
    /// `None` when there is none (no weekday named, or empty windows).
    pub fn next_window(&self, at: i64, tz: &TimeZone) -> Option<i64> {
        if self.in_window(at, tz) {
            return Some(at);
        }
        let local = Timestamp::from_millisecond(at).ok()?.to_zoned_datetime(tz.clone());
        let today = local.date();
        let mut best: Option<i64> = None;
        // Eight days cover every weekday once past today's remainder.
        for offset in 0..8i64 {
            let Ok(date) = today.checked_add(offset.days()) else { continue };
            for w in self.windows.iter().filter(|w| w.days.contains(&date.weekday()) && w.start < w.end) {
                // A start in a daylight-saving gap moves to the gap's end.
                let Ok(start) = date.to_datetime(w.start).to_zoned_datetime(tz.clone()) else { continue };
                let start = start.timestamp().as_millisecond();
                if start > at && best.is_none_or(|b| start < b) && self.in_window(start, tz) {
                    best = Some(start);
                }
            }
            if best.is_some() {
                break;
            }
        }
        best
    }

    /// What follows an attempt that came to `result` at `now`, when it was
    /// the contact's `attempts`-th.
    pub fn after_attempt(&self, result: AttemptResult, attempts: u32, now: i64, tz: &TimeZone) -> NextStep {
        let Some(delay) = self.retry.after(result) else { return NextStep::Done { exhausted: false } };
        if attempts >= self.max_attempts {
            return NextStep::Done { exhausted: true };
        }
        match self.next_window(now + delay as i64, tz) {
            Some(at) => NextStep::Retry { at },
            None => NextStep::Done { exhausted: true },
        }
    }
}

/// The do-not-call numbers (E.164) that apply to one campaign: the global
/// list and the campaign's own, as the driver last loaded them.
#[derive(Debug, Clone, Default)]
pub struct DoNotCall {
    global: HashSet<String>,
    campaign: HashSet<String>,
}

/// Which list a number is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DncList {
    Global,
    Campaign,
}

impl DoNotCall {
    pub fn new(global: impl IntoIterator<Item = String>, campaign: impl IntoIterator<Item = String>) -> DoNotCall {
        DoNotCall { global: global.into_iter().collect(), campaign: campaign.into_iter().collect() }
    }

    pub fn add(&mut self, list: DncList, number: String) {
        match list {
            DncList::Global => self.global.insert(number),
            DncList::Campaign => self.campaign.insert(number),
        };
    }

    pub fn remove(&mut self, list: DncList, number: &str) {
        match list {
            DncList::Global => self.global.remove(number),
            DncList::Campaign => self.campaign.remove(number),
        };
    }

    /// The list `number` is on, the global one first.
    pub fn check(&self, number: &str) -> Option<DncList> {
        if self.global.contains(number) {
            Some(DncList::Global)
        } else if self.campaign.contains(number) {
            Some(DncList::Campaign)
        } else {
            None
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Weekdays 09:00–12:00 and 13:00–20:00 (Saturday to Wednesday, an
    /// Iranian working week), Tehran by default.
    pub(crate) fn tehran_rules() -> Rules {
        let days = vec![Weekday::Saturday, Weekday::Sunday, Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday];
        Rules {
            windows: vec![
                CallWindow { days: days.clone(), start: Time::constant(9, 0, 0, 0), end: Time::constant(12, 0, 0, 0) },
                CallWindow { days, start: Time::constant(13, 0, 0, 0), end: Time::constant(20, 0, 0, 0) },
            ],
            time_zone: TimeZone::get("Asia/Tehran").unwrap(),
            max_attempts: 3,
            retry: RetryDelays::default(),
        }
    }

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn windows_are_in_the_contacts_own_time_zone() {
        let r = tehran_rules();
        let tehran = r.time_zone.clone();
        let london = TimeZone::get("Europe/London").unwrap();
        // Monday 2025-03-03 07:00 UTC is 10:30 in Tehran, 07:00 in London.
        let t = ms("2025-03-03T07:00:00Z");
        assert!(r.in_window(t, &tehran));
        assert!(!r.in_window(t, &london));
        assert_eq!(r.next_window(t, &tehran), Some(t));
        assert_eq!(r.next_window(t, &london), Some(ms("2025-03-03T09:00:00Z")));
        // 12:10 Tehran: the lunch gap; next at 13:00 Tehran.
        assert_eq!(r.next_window(ms("2025-03-03T08:40:00Z"), &tehran), Some(ms("2025-03-03T09:30:00Z")));
        // Wednesday 20:30 Tehran: Thursday and Friday are off; Saturday 09:00.
        assert_eq!(r.next_window(ms("2025-03-05T17:00:00Z"), &tehran), Some(ms("2025-03-08T05:30:00Z")));
        // The end is exclusive.
        assert!(!r.in_window(ms("2025-03-03T16:30:00Z"), &tehran));
        // London's clocks go forward on 2025-03-30: 09:00 is 08:00 UTC after it.
        assert_eq!(r.next_window(ms("2025-03-30T20:00:00Z"), &london), Some(ms("2025-03-31T08:00:00Z")));
        let never = Rules { windows: vec![CallWindow { days: vec![], ..r.windows[0].clone() }], ..r.clone() };
        assert_eq!(never.next_window(t, &tehran), None);
        let always = Rules { windows: vec![], ..r };
        assert!(always.in_window(t, &london));
    }

    #[test]
    fn retries_follow_the_result_and_the_attempts_left() {
        let r = tehran_rules();
        let tz = r.time_zone.clone();
        let t = ms("2025-03-03T07:00:00Z");
        assert_eq!(r.after_attempt(AttemptResult::Busy, 1, t, &tz), NextStep::Retry { at: t + 600_000 });
        assert_eq!(r.after_attempt(AttemptResult::NoAnswer, 2, t, &tz), NextStep::Retry { at: t + 3_600_000 });
        assert_eq!(r.after_attempt(AttemptResult::NoAnswer, 3, t, &tz), NextStep::Done { exhausted: true });
        assert_eq!(r.after_attempt(AttemptResult::Connected, 1, t, &tz), NextStep::Done { exhausted: false });
        // Four hours after 10:30 is 14:30 Tehran: in the afternoon window.
        assert_eq!(r.after_attempt(AttemptResult::Machine, 1, t, &tz), NextStep::Retry { at: t + 4 * 3_600_000 });
        // A retry that would land at 20:30 waits for the next morning.
        let late = ms("2025-03-03T16:00:00Z");
        assert_eq!(
            r.after_attempt(AttemptResult::NoAnswer, 1, late, &tz),
            NextStep::Retry { at: ms("2025-03-04T05:30:00Z") }
        );
        let no_retry = Rules { retry: RetryDelays { failed: None, ..RetryDelays::default() }, ..r };
        assert_eq!(no_retry.after_attempt(AttemptResult::Failed, 1, t, &tz), NextStep::Done { exhausted: false });
    }

    #[test]
    fn do_not_call_checks_both_lists() {
        let mut d = DoNotCall::new(["+441".to_owned()], ["+442".to_owned()]);
        assert_eq!(d.check("+441"), Some(DncList::Global));
        assert_eq!(d.check("+442"), Some(DncList::Campaign));
        assert_eq!(d.check("+443"), None);
        d.add(DncList::Campaign, "+443".into());
        d.remove(DncList::Global, "+441");
        assert_eq!((d.check("+441"), d.check("+443")), (None, Some(DncList::Campaign)));
    }
}

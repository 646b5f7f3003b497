//! A campaign's settings as the API takes them (`shared::campaign`),
//! checked, and turned into the cores' configuration. Errors name the
//! setting (`settings.windows[1].start`), never a number's value.

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use shared::campaign::{self as wire, CampaignInput, CampaignMode, CampaignSettings};
use shared::routing::ConfigError;

use super::dialer::{DialMode, DialerConfig, MachineAction};
use super::pacer::PacingConfig;
use super::rules::{AttemptResult, CallWindow, RetryDelays, Rules};

pub const NAME_MAX: usize = 100;
pub const SCRIPT_MAX: usize = 20_000;
pub const DISPOSITIONS_MAX: usize = 50;
const WINDOWS_MAX: usize = 28;

fn bad(key: impl Into<String>, reason: &str) -> ConfigError {
    ConfigError { key: key.into(), reason: reason.to_owned() }
}

/// A campaign as checked: what the store keeps and the dialer runs on.
#[derive(Debug, Clone)]
pub struct CheckedCampaign {
    pub name: String,
    pub mode: CampaignMode,
    /// The settings with the caller ID in E.164 and names trimmed.
    pub settings: CampaignSettings,
    pub dialer: DialerConfig,
}

/// Checks a `POST`/`PUT` body.
pub fn check(input: &CampaignInput) -> Result<CheckedCampaign, ConfigError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(bad("name", "must be 1 to 100 characters on one line"));
    }
    let mode = CampaignMode::parse(&input.mode)
        .ok_or_else(|| bad("mode", "must be one of preview, progressive, predictive, agentless"))?;
    let mut settings = input.settings.clone();
    let dialer = dialer_config(mode, &mut settings)?;
    Ok(CheckedCampaign { name: name.to_owned(), mode, settings, dialer })
}

/// The dialer's configuration from stored (already checked) settings.
pub fn dialer_config(mode: CampaignMode, s: &mut CampaignSettings) -> Result<DialerConfig, ConfigError> {
    let key = |k: &str| format!("settings.{k}");
    s.caller_id = shared::customers::normalize_phone(&s.caller_id)
        .map_err(|e| ConfigError { key: key("caller_id"), reason: e.reason().to_owned() })?;
    s.queue = s.queue.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let time_zone = TimeZone::get(s.time_zone.trim())
        .map_err(|_| bad(key("time_zone"), "must be an IANA time zone (e.g. Asia/Tehran)"))?;
    s.time_zone = s.time_zone.trim().to_owned();
    if let Some(cc) = &s.country_code
        && (cc.is_empty() || cc.len() > 3 || cc.starts_with('0') || !cc.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad(key("country_code"), "must be 1 to 3 digits, not starting with 0"));
    }
    if s.windows.len() > WINDOWS_MAX {
        return Err(bad(key("windows"), "at most 28 windows"));
    }
    let mut windows = Vec::with_capacity(s.windows.len());
    for (i, w) in s.windows.iter().enumerate() {
        windows.push(window(w).map_err(|(field, reason)| bad(key(&format!("windows[{i}].{field}")), reason))?);
    }
    if !(1..=20).contains(&s.max_attempts) {
        return Err(bad(key("max_attempts"), "must be 1 to 20"));
    }
    let r = &s.retry_minutes;
    let minutes = [
        ("busy", r.busy),
        ("no_answer", r.no_answer),
        ("failed", r.failed),
        ("machine", r.machine),
        ("abandoned", r.abandoned),
    ];
    for (k, m) in minutes {
        if m.is_some_and(|m| !(1..=43_200).contains(&m)) {
            return Err(bad(key(&format!("retry_minutes.{k}")), "must be 1 to 43200 minutes (30 days), or null"));
        }
    }
    let ms = |m: Option<u32>| m.map(|m| u64::from(m) * 60_000);
    let retry = RetryDelays {
        busy: ms(r.busy),
        no_answer: ms(r.no_answer),
        failed: ms(r.failed),
        machine: ms(r.machine),
        abandoned: ms(r.abandoned),
    };
    let machine = match wire::MachineAction::parse(&s.machine_action) {
        Some(wire::MachineAction::HangUp) => MachineAction::HangUp,
        Some(wire::MachineAction::LeaveMessage) => MachineAction::LeaveMessage,
        Some(wire::MachineAction::PassToAgent) => MachineAction::PassToAgent,
        None => return Err(bad(key("machine_action"), "must be one of hang_up, leave_message, pass_to_agent")),
    };
    if !(0.1..=10.0).contains(&s.target_abandon_percent) {
        return Err(bad(key("target_abandon_percent"), "must be 0.1 to 10"));
    }
    if !(1.0..=5.0).contains(&s.max_ratio) {
        return Err(bad(key("max_ratio"), "must be 1 to 5"));
    }
    if !(1..=500).contains(&s.max_lines) {
        return Err(bad(key("max_lines"), "must be 1 to 500"));
    }
    s.flow = s.flow.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned);
    if mode == CampaignMode::Agentless && s.flow.is_none() {
        return Err(bad(key("flow"), "an agentless campaign needs the IVR flow its calls run"));
    }
    if s.script.chars().count() > SCRIPT_MAX {
        return Err(bad(key("script"), "must be at most 20000 characters"));
    }
    if s.dispositions.len() > DISPOSITIONS_MAX {
        return Err(bad(key("dispositions"), "at most 50"));
    }
    for (i, d) in s.dispositions.iter_mut().enumerate() {
        *d = d.trim().to_owned();
        if d.is_empty() || d.chars().count() > 64 || d.chars().any(char::is_control) {
            return Err(bad(key(&format!("dispositions[{i}]")), "must be 1 to 64 characters on one line"));
        }
    }
    s.language = s.language.trim().to_ascii_lowercase();
    if shared::Lang::parse(&s.language).is_none() {
        return Err(bad(key("language"), "must be one of en, fa, ar, tr"));
    }
    if !(10..=120).contains(&s.ring_timeout_secs) {
        return Err(bad(key("ring_timeout_secs"), "must be 10 to 120 seconds"));
    }
    s.message_prompt = s.message_prompt.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
    if let Some(p) = &s.message_prompt
        && (p.len() > 64 || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    {
        return Err(bad(key("message_prompt"), "must be a prompt id: letters, digits, '_' and '-', at most 64"));
    }
    let mode = match mode {
        CampaignMode::Preview => DialMode::Preview,
        CampaignMode::Progressive => DialMode::Progressive,
        CampaignMode::Predictive => DialMode::Predictive,
        CampaignMode::Agentless => DialMode::Agentless,
    };
    let pacing = PacingConfig {
        target_abandon: s.target_abandon_percent / 100.0,
        max_ratio: s.max_ratio,
        ..PacingConfig::default()
    };
    Ok(DialerConfig {
        mode,
        rules: Rules { windows, time_zone, max_attempts: s.max_attempts, retry },
        machine,
        pacing,
        max_lines: s.max_lines,
    })
}

fn window(w: &wire::CallWindow) -> Result<CallWindow, (&'static str, &'static str)> {
    let mut days = Vec::new();
    for d in &w.days {
        let day = match d.trim().to_ascii_lowercase().as_str() {
            "mon" => Weekday::Monday,
            "tue" => Weekday::Tuesday,
            "wed" => Weekday::Wednesday,
            "thu" => Weekday::Thursday,
            "fri" => Weekday::Friday,
            "sat" => Weekday::Saturday,
            "sun" => Weekday::Sunday,
            _ => return Err(("days", "must be a list of mon, tue, wed, thu, fri, sat, sun")),
        };
        if !days.contains(&day) {
            days.push(day);
        }
    }
    if days.is_empty() {
        return Err(("days", "must name at least one day"));
    }
    let start = clock(&w.start).ok_or(("start", "must be HH:MM"))?;
    let end = clock(&w.end).ok_or(("end", "must be HH:MM, or 24:00"))?;
    if end <= start {
        return Err(("end", "must be after start"));
    }
    Ok(CallWindow { days, start, end })
}

/// `HH:MM` as a time of day; `24:00` is the last instant of the day.
fn clock(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    if (h, m) == (24, 0) {
        return Some(Time::MAX);
    }
    Time::new(h, m, 0, 0).ok()
}

/// The wire name of a core result.
pub fn result_to_wire(r: AttemptResult) -> wire::AttemptResult {
    match r {
        AttemptResult::Busy => wire::AttemptResult::Busy,
        AttemptResult::NoAnswer => wire::AttemptResult::NoAnswer,
        AttemptResult::Failed => wire::AttemptResult::Failed,
        AttemptResult::Machine => wire::AttemptResult::Machine,
        AttemptResult::Abandoned => wire::AttemptResult::Abandoned,
        AttemptResult::Connected => wire::AttemptResult::Connected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(settings: CampaignSettings) -> CampaignInput {
        CampaignInput { name: " Spring renewals ".into(), mode: "predictive".into(), settings }
    }

    fn ok() -> CampaignSettings {
        CampaignSettings {
            caller_id: "+44 20 7946 0000".into(),
            windows: vec![wire::CallWindow {
                days: vec!["mon".into(), "TUE".into()],
                start: "09:00".into(),
                end: "24:00".into(),
            }],
            dispositions: vec![" sale ".into(), "no_interest".into()],
            ..CampaignSettings::default()
        }
    }

    fn key(s: CampaignSettings) -> String {
        check(&input(s)).expect_err("refused").key
    }

    #[test]
    fn settings_are_checked_and_become_the_dialers() {
        let c = check(&input(ok())).unwrap();
        assert_eq!((c.name.as_str(), c.mode), ("Spring renewals", CampaignMode::Predictive));
        assert_eq!(c.settings.caller_id, "+442079460000");
        assert_eq!(c.settings.dispositions, ["sale", "no_interest"]);
        assert_eq!(c.dialer.mode, DialMode::Predictive);
        assert_eq!(c.dialer.rules.windows[0].days, [Weekday::Monday, Weekday::Tuesday]);
        assert_eq!(c.dialer.rules.windows[0].end, Time::MAX);
        assert_eq!(c.dialer.rules.retry.busy, Some(600_000));
        assert!((c.dialer.pacing.target_abandon - 0.03).abs() < 1e-12);

        assert_eq!(key(CampaignSettings { caller_id: "0912".into(), ..ok() }), "settings.caller_id");
        assert_eq!(key(CampaignSettings { time_zone: "Mars/Base".into(), ..ok() }), "settings.time_zone");
        assert_eq!(key(CampaignSettings { country_code: Some("098".into()), ..ok() }), "settings.country_code");
        let w = |start: &str, end: &str, day: &str| {
            vec![wire::CallWindow { days: vec![day.into()], start: start.into(), end: end.into() }]
        };
        assert_eq!(key(CampaignSettings { windows: w("9:00", "12:00", "mon"), ..ok() }), "settings.windows[0].start");
        assert_eq!(key(CampaignSettings { windows: w("12:00", "09:00", "mon"), ..ok() }), "settings.windows[0].end");
        assert_eq!(
            key(CampaignSettings { windows: w("09:00", "12:00", "monday"), ..ok() }),
            "settings.windows[0].days"
        );
        assert_eq!(key(CampaignSettings { max_attempts: 0, ..ok() }), "settings.max_attempts");
        let retry = wire::RetryMinutes { machine: Some(0), ..Default::default() };
        assert_eq!(key(CampaignSettings { retry_minutes: retry, ..ok() }), "settings.retry_minutes.machine");
        assert_eq!(key(CampaignSettings { machine_action: "shout".into(), ..ok() }), "settings.machine_action");
        assert_eq!(key(CampaignSettings { target_abandon_percent: 50.0, ..ok() }), "settings.target_abandon_percent");
        assert_eq!(key(CampaignSettings { dispositions: vec![" ".into()], ..ok() }), "settings.dispositions[0]");
        let agentless = CampaignInput { mode: "agentless".into(), ..input(ok()) };
        assert_eq!(check(&agentless).unwrap_err().key, "settings.flow");
        let bad_mode = CampaignInput { mode: "robocall".into(), ..input(ok()) };
        assert_eq!(check(&bad_mode).unwrap_err().key, "mode");
        assert_eq!(key(CampaignSettings { language: "de".into(), ..ok() }), "settings.language");
        assert_eq!(key(CampaignSettings { ring_timeout_secs: 5, ..ok() }), "settings.ring_timeout_secs");
        assert_eq!(key(CampaignSettings { message_prompt: Some("../etc".into()), ..ok() }), "settings.message_prompt");
        assert_eq!(
            check(&input(CampaignSettings { language: " FA ".into(), ..ok() })).unwrap().settings.language,
            "fa"
        );
        let bad_name = CampaignInput { name: "".into(), ..input(ok()) };
        assert_eq!(check(&bad_name).unwrap_err().key, "name");
    }
}

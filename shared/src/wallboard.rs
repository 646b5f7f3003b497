//! The supervisors' wallboard: per queue, what is happening now (calls
//! waiting, the longest wait, callbacks pending, the queue's agents by
//! state) and how the day and the last [`WINDOW_MINS`] minutes went
//! (service level, abandon rate, average speed of answer, average handle
//! time), each judged green, amber or red by the queue's [`Thresholds`].
//!
//! The gateway pushes it as [`crate::ws::ServerMsg::Wallboard`] to
//! supervisors who asked with [`crate::ws::ClientMsg::WatchWallboard`].
//! The counts travel as they are; the rates are computed here, by the same
//! code on both sides.
//!
//! **The service level rule.** With the queue's target T
//! (`service_level_secs`): calls answered within T ÷ (calls answered +
//! calls abandoned after T). Callers who hung up within T are left out
//! (they gave up before the target could be met or missed); calls still
//! waiting, and calls that left the queue another way (overflow,
//! voicemail, callback), count once they end as answered or abandoned only.
//! The abandon rate is calls abandoned ÷ calls offered (every call that
//! entered the queue in the period, still waiting ones included).

use serde::{Deserialize, Serialize};

/// The rolling window's length, in minutes.
pub const WINDOW_MINS: u32 = 30;

/// How a figure stands against its queue's thresholds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Green,
    Amber,
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

/// A queue's green/amber/red limits for the wallboard. Stored with the
/// queue's settings; every field has a default, so queues written before
/// it existed read as the defaults.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Service level (%) below this is amber.
    pub service_level_amber: u8,
    /// Service level (%) below this is red.
    pub service_level_red: u8,
    /// A longest wait (s) above this is amber; none: the queue's target
    /// (`service_level_secs`).
    pub wait_amber_secs: Option<u32>,
    /// A longest wait (s) above this is red; none: twice the amber limit.
    pub wait_red_secs: Option<u32>,
    /// An abandon rate (%) above this is amber.
    pub abandon_amber: u8,
    /// An abandon rate (%) above this is red.
    pub abandon_red: u8,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            service_level_amber: 80,
            service_level_red: 60,
            wait_amber_secs: None,
            wait_red_secs: None,
            abandon_amber: 5,
            abandon_red: 10,
        }
    }
}

impl Thresholds {
    /// Checks the limits are in range and in order; the error names the key.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.service_level_amber > 100 || self.service_level_red > self.service_level_amber {
            return Err(("wallboard.service_level_red", "must be at most service_level_amber, which is at most 100"));
        }
        if self.abandon_red > 100 || self.abandon_amber > self.abandon_red {
            return Err(("wallboard.abandon_amber", "must be at most abandon_red, which is at most 100"));
        }
        if let (Some(a), Some(r)) = (self.wait_amber_secs, self.wait_red_secs)
            && r < a
        {
            return Err(("wallboard.wait_red_secs", "must be at least wait_amber_secs"));
        }
        Ok(())
    }

    /// The longest-wait limits (amber, red) in seconds for a queue whose
    /// target is `target_secs`.
    pub fn wait_limits(&self, target_secs: u32) -> (u32, u32) {
        let amber = self.wait_amber_secs.unwrap_or(target_secs);
        (amber, self.wait_red_secs.unwrap_or(amber.saturating_mul(2)))
    }

    /// A longest wait of `secs`: green up to the amber limit, amber up to
    /// the red one, red above.
    pub fn wait_level(&self, secs: u32, target_secs: u32) -> Level {
        let (amber, red) = self.wait_limits(target_secs);
        if secs > red {
            Level::Red
        } else if secs > amber {
            Level::Amber
        } else {
            Level::Green
        }
    }

    /// A service level in %: green at or above amber's limit; none (no
    /// call counted yet) is green.
    pub fn service_level_level(&self, pct: Option<f64>) -> Level {
        match pct {
            Some(p) if p < f64::from(self.service_level_red) => Level::Red,
            Some(p) if p < f64::from(self.service_level_amber) => Level::Amber,
            _ => Level::Green,
        }
    }

    /// An abandon rate in %.
    pub fn abandon_level(&self, pct: Option<f64>) -> Level {
        match pct {
            Some(p) if p > f64::from(self.abandon_red) => Level::Red,
            Some(p) if p > f64::from(self.abandon_amber) => Level::Amber,
            _ => Level::Green,
        }
    }
}

/// A queue's figures over a period (today, or the rolling window), by the
/// time each call entered the queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    /// Calls that entered the queue.
    pub offered: u32,
    pub answered: u32,
    /// Answered within the queue's target.
    pub answered_in_target: u32,
    /// Callers who hung up while waiting.
    pub abandoned: u32,
    /// Of those, the ones who hung up within the target (left out of the
    /// service level).
    pub abandoned_in_target: u32,
    /// Average speed of answer: the mean wait of answered calls, in ms.
    pub asa_ms: Option<u64>,
    /// Average handle time: talk (hold included) plus after-call work, in
    /// ms, of answered calls that have ended.
    pub aht_ms: Option<u64>,
}

impl Period {
    /// The service level in % (see the module's rule); none while no call
    /// counts.
    pub fn service_level_pct(&self) -> Option<f64> {
        let counted = self.answered + self.abandoned.saturating_sub(self.abandoned_in_target);
        (counted > 0).then(|| 100.0 * f64::from(self.answered_in_target) / f64::from(counted))
    }

    /// Abandoned ÷ offered, in %; none while nothing was offered.
    pub fn abandon_pct(&self) -> Option<f64> {
        (self.offered > 0).then(|| 100.0 * f64::from(self.abandoned) / f64::from(self.offered))
    }
}

/// The queue's agents (its members) by what they are doing: the routing
/// engine's activity first, then the status they chose.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AgentCounts {
    pub available: u32,
    pub ringing: u32,
    pub on_call: u32,
    pub wrap_up: u32,
    pub not_ready: u32,
    /// Let an offer ring out and have not chosen a status since.
    pub missed: u32,
    pub offline: u32,
}

/// One queue's row of the wallboard.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueBoard {
    /// The queue's routing name.
    pub queue: String,
    /// The name the desks show.
    pub name: String,
    /// The service level's target T, in seconds.
    pub service_level_secs: u32,
    pub thresholds: Thresholds,
    /// Callers waiting for an agent now (ringing ones included).
    pub waiting: u32,
    /// How long the caller waiting longest has waited, at the board's time.
    pub longest_wait_secs: u32,
    /// Callbacks still to be made (due or scheduled).
    pub callbacks: u32,
    pub agents: AgentCounts,
    pub today: Period,
    /// The last [`WINDOW_MINS`] minutes.
    pub recent: Period,
}

impl QueueBoard {
    pub fn wait_level(&self) -> Level {
        self.thresholds.wait_level(self.longest_wait_secs, self.service_level_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_level_leaves_out_short_abandons() {
        // 8 answered, 6 of them within T; 3 abandoned, 1 within T:
        // 6 ÷ (8 + 2) = 60 %.
        let p = Period {
            offered: 12,
            answered: 8,
            answered_in_target: 6,
            abandoned: 3,
            abandoned_in_target: 1,
            ..Period::default()
        };
        assert_eq!(p.service_level_pct(), Some(60.0));
        assert_eq!(p.abandon_pct(), Some(25.0));
        assert_eq!(Period::default().service_level_pct(), None);
        assert_eq!(Period::default().abandon_pct(), None);
        // Only short abandons: nothing counts yet.
        let p = Period { offered: 1, abandoned: 1, abandoned_in_target: 1, ..Period::default() };
        assert_eq!(p.service_level_pct(), None);
    }

    #[test]
    fn levels_follow_the_thresholds() {
        let t = Thresholds::default();
        for (pct, level) in [
            (None, Level::Green),
            (Some(80.0), Level::Green),
            (Some(79.9), Level::Amber),
            (Some(60.0), Level::Amber),
            (Some(59.0), Level::Red),
        ] {
            assert_eq!(t.service_level_level(pct), level, "{pct:?}");
        }
        // Target 20 s: amber after 20, red after 40.
        for (secs, level) in
            [(0, Level::Green), (20, Level::Green), (21, Level::Amber), (40, Level::Amber), (41, Level::Red)]
        {
            assert_eq!(t.wait_level(secs, 20), level, "{secs}");
        }
        let t = Thresholds { wait_amber_secs: Some(60), ..t };
        assert_eq!(t.wait_limits(20), (60, 120));
        for (pct, level) in [(Some(5.0), Level::Green), (Some(5.1), Level::Amber), (Some(10.5), Level::Red)] {
            assert_eq!(t.abandon_level(pct), level, "{pct:?}");
        }
    }

    #[test]
    fn only_supervisors_watch_it() {
        use crate::Role;
        use crate::ws::ClientMsg;
        assert_eq!(ClientMsg::WatchWallboard.min_role(), Role::Supervisor);
        assert_eq!(ClientMsg::UnwatchWallboard.min_role(), Role::Supervisor);
        assert_eq!(serde_json::to_string(&ClientMsg::WatchWallboard).unwrap(), r#"{"type":"watch_wallboard"}"#);
    }

    #[test]
    fn thresholds_default_when_absent_and_are_checked() {
        let t: Thresholds = serde_json::from_str("{}").unwrap();
        assert_eq!(t, Thresholds::default());
        assert!(t.validate().is_ok());
        assert!(Thresholds { service_level_red: 90, ..t }.validate().is_err());
        assert!(Thresholds { abandon_amber: 20, ..t }.validate().is_err());
        assert!(Thresholds { wait_amber_secs: Some(60), wait_red_secs: Some(30), ..t }.validate().is_err());
    }
}

//! The dialog layer's timers and their intervals: the 2xx retransmission and
//! ACK wait of §13.3.1.4, the glare back-off of §14.1, the CANCEL wait of
//! §9.1, and the Retry-After of §14.2.

use std::time::Duration;

use crate::sip::transaction::TimerConfig;

/// A dialog timer. RFC 3261 names none of these with a letter; the names say
/// what each waits for. Like the transaction timers, they are deadlines in a
/// table and fire when the owner calls `handle_timeout` at or past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// UAS: send our 2xx again (§13.3.1.4), after T1, then doubling up to
    /// T2, until the ACK arrives.
    Resend2xx,
    /// UAS: no ACK for our 2xx within 64*T1 (§13.3.1.4): the dialog is ended
    /// with a BYE.
    AckWait,
    /// UAC: the wait after a 491 before sending the re-INVITE again (§14.1).
    GlareRetry,
    /// UAC: no final response to our INVITE within 64*T1 of its CANCEL
    /// (§9.1): the INVITE is taken as cancelled and its transaction
    /// abandoned.
    CancelWait,
}

impl Timer {
    pub(crate) const COUNT: usize = 4;
    pub(crate) const ALL: [Timer; Timer::COUNT] =
        [Timer::Resend2xx, Timer::AckWait, Timer::GlareRetry, Timer::CancelWait];
}

/// The 2xx retransmission interval after `current` (§13.3.1.4): doubled,
/// at most T2. The first is T1 and the ACK wait 64*T1, both straight from
/// [`TimerConfig`], as for the transaction timers G and H.
pub(crate) fn next_interval(t: &TimerConfig, current: Duration) -> Duration {
    current.saturating_mul(2).min(t.max_interval())
}

/// The wait before a re-INVITE refused with 491 is sent again (§14.1): 2.1
/// to 4 s if we generated the dialog's Call-ID (we were the UAC of the
/// INVITE that made it), 0 to 2 s if not, in steps of 10 ms. The RFC asks
/// for a random value; the two ranges do not overlap, which is what
/// resolves glare between two UAs following them, so the spread within a
/// range only keeps many dialogs from retrying in step, and a hash of the
/// dialog's (random) local tag and the attempt does that.
pub(crate) fn glare_delay(call_id_owner: bool, local_tag: &str, attempt: u8) -> Duration {
    let h = spread(local_tag, u64::from(attempt));
    let steps = if call_id_owner { 2_100 + (h % 191) * 10 } else { (h % 201) * 10 };
    Duration::from_millis(steps)
}

/// The Retry-After, in seconds, of the 500 that refuses a re-INVITE
/// arriving while an earlier one is unanswered (§14.2: "randomly chosen
/// value of between 0 and 10 seconds"), spread like [`glare_delay`].
pub(crate) fn retry_after_secs(local_tag: &str, seq: u32) -> u64 {
    spread(local_tag, u64::from(seq)) % 11
}

/// FNV-1a over the tag and a number: stable, cheap, and spread enough for
/// picking a slot in a range.
fn spread(tag: &str, n: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in tag.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn retransmission_intervals() {
        let t = TimerConfig::default();
        let mut i = t.first_interval();
        let mut seen = vec![i];
        for _ in 0..6 {
            i = next_interval(&t, i);
            seen.push(i);
        }
        assert_eq!(seen, [500 * MS, 1_000 * MS, 2_000 * MS, 4_000 * MS, 4_000 * MS, 4_000 * MS, 4_000 * MS]);
        let broken = TimerConfig { t1: Duration::ZERO, t2: Duration::ZERO, t4: Duration::ZERO };
        assert_eq!(next_interval(&broken, broken.first_interval()), MS);
    }

    #[test]
    fn glare_ranges_do_not_overlap() {
        for tag in ["a", "b7c9", "x-1", "caller-tag", ""] {
            for attempt in 0..5 {
                let owner = glare_delay(true, tag, attempt);
                let other = glare_delay(false, tag, attempt);
                assert!((2_100 * MS..=4_000 * MS).contains(&owner), "{owner:?}");
                assert!(other <= 2_000 * MS, "{other:?}");
                assert_eq!(owner.as_millis() % 10, 0);
                assert_eq!(other.as_millis() % 10, 0);
            }
        }
        // Different tags spread over the range.
        let delays: std::collections::BTreeSet<_> =
            (0..50).map(|i| glare_delay(false, &format!("tag{i}"), 0)).collect();
        assert!(delays.len() > 20, "{delays:?}");
        assert!((0..100).all(|s| retry_after_secs("t", s) <= 10));
    }
}

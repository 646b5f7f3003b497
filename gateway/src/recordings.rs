//! Call recordings after the call: which files in `media.recordings_dir`
//! are recordings ready to be listed, the retention policy's arithmetic
//! (sans-IO, on a time given), and the one background task that does both:
//! it adds new files to the store a few seconds after they are complete,
//! and once an hour deletes the recordings older than their queue's
//! `recording_retention_days`, marking each deleted and auditing it.
//!
//! Call control writes `<call id>.wav` (a second recording of the same call
//! `<call id>-2.wav`, …, `<call id>-last.wav`); the recording's id is the
//! name without `.wav`.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use shared::recordings::is_recording_id;
use shared::routing::QueueConfig;

use crate::http::AppState;
use crate::store::{AuditEntry, Store, StoreError};

pub const DAY_MS: i64 = 86_400_000;
/// How often new files are looked for.
pub const INDEX_EVERY_MS: i64 = 3_000;
/// How often expired recordings are looked for.
pub const RETENTION_EVERY_MS: i64 = 3_600_000;
/// A file whose header was never completed (the gateway stopped during the
/// call) is listed once it has not changed for this long.
pub const STALE_MS: i64 = 300_000;
/// Most recordings deleted per queue in one sweep; the next sweep goes on.
pub const SWEEP_BATCH: i64 = 500;
/// The audit log's action for a deletion by the retention policy.
pub const RETENTION_AUDIT: &str = "recording.retention_deleted";

/// A recording file's id and the calls it may belong to, most likely first:
/// `abc.wav` → (`abc`, [`abc`]); `abc-2.wav` → (`abc-2`, [`abc-2`, `abc`]).
/// `None` for anything else (other extensions, hidden or odd names).
pub fn parse_file_name(name: &str) -> Option<(&str, Vec<&str>)> {
    let id = name.strip_suffix(".wav")?;
    if !is_recording_id(id) {
        return None;
    }
    let mut calls = vec![id];
    if let Some((call, n)) = id.rsplit_once('-')
        && !call.is_empty()
        && (n == "last" || (!n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())))
    {
        calls.push(call);
    }
    Some((id, calls))
}

/// What a 44-byte WAV header says: the data size written in it (0 until
/// the recorder finishes) and the bytes per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavHeader {
    pub data_bytes: u32,
    pub byte_rate: u32,
}

pub fn wav_header(h: &[u8]) -> Option<WavHeader> {
    if h.len() < 44 || &h[0..4] != b"RIFF" || &h[8..16] != b"WAVEfmt " || &h[36..40] != b"data" {
        return None;
    }
    let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    Some(WavHeader { data_bytes: u32_at(40), byte_rate: u32_at(28) })
}

/// Whether a recording file of `len` bytes, unchanged for `idle_ms`, is
/// ready to list: its header names its final size, or it was cut short
/// long ago.
pub fn ready(h: WavHeader, len: u64, idle_ms: i64) -> bool {
    (h.data_bytes > 0 && u64::from(h.data_bytes) + 44 == len) || (len > 44 && idle_ms >= STALE_MS)
}

/// How much audio a file of `len` bytes holds.
pub fn audio_ms(h: WavHeader, len: u64) -> i64 {
    if h.byte_rate == 0 {
        return 0;
    }
    (len.saturating_sub(44) * 1000 / u64::from(h.byte_rate)) as i64
}

/// The start time before which a queue's calls' recordings have expired at
/// `now_ms`, if the queue deletes recordings at all.
pub fn cutoff(now_ms: i64, retention_days: Option<u32>) -> Option<i64> {
    retention_days.filter(|d| *d > 0).map(|d| now_ms - i64::from(d) * DAY_MS)
}

/// Each queue that deletes recordings, with its cutoff at `now_ms`.
pub fn cutoffs(now_ms: i64, queues: &[QueueConfig]) -> Vec<(String, i64)> {
    queues.iter().filter_map(|q| Some((q.name.clone(), cutoff(now_ms, q.recording_retention_days)?))).collect()
}

/// When the task's two jobs are next due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    next_index: i64,
    next_retention: i64,
}

/// What is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    pub index: bool,
    pub retention: bool,
}

impl Schedule {
    /// Both jobs run at the first poll.
    pub fn new(now_ms: i64) -> Schedule {
        Schedule { next_index: now_ms, next_retention: now_ms }
    }

    /// What is due at `now_ms`; each job due is scheduled again.
    pub fn poll(&mut self, now_ms: i64) -> Due {
        let mut due = Due::default();
        if now_ms >= self.next_index {
            due.index = true;
            self.next_index = now_ms + INDEX_EVERY_MS;
        }
        if now_ms >= self.next_retention {
            due.retention = true;
            self.next_retention = now_ms + RETENTION_EVERY_MS;
        }
        due
    }

    /// How long to sleep after `now_ms` until something is due.
    pub fn wait(&self, now_ms: i64) -> Duration {
        Duration::from_millis(self.next_index.min(self.next_retention).saturating_sub(now_ms).max(0) as u64)
    }
}

/// Adds the complete recordings in `dir` that are not in `known` to the
/// store (and to `known`); returns how many were added. Files of calls
/// without a record are remembered in `known` and left alone.
pub async fn index(
    store: &Store,
    dir: &Path,
    known: &mut HashSet<String>,
    now: SystemTime,
) -> Result<usize, StoreError> {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return Ok(0) };
    let now_ms = crate::store::unix_ms(now);
    let mut added = 0;
    while let Ok(Some(e)) = entries.next_entry().await {
        let Ok(name) = e.file_name().into_string() else { continue };
        if known.contains(&name) {
            continue;
        }
        let Some((id, calls)) = parse_file_name(&name) else { continue };
        let Ok(meta) = e.metadata().await else { continue };
        if !meta.is_file() {
            continue;
        }
        let Some(h) = read_header(&e.path()).await else { continue };
        let idle_ms = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).map_or(0, |d| d.as_millis() as i64);
        if !ready(h, meta.len(), idle_ms) {
            continue;
        }
        if store.recording_add(id, &calls, meta.len() as i64, audio_ms(h, meta.len()), now_ms).await? {
            added += 1;
        } else {
            tracing::debug!("a recording file without a call record is left alone");
        }
        known.insert(name);
    }
    Ok(added)
}

async fn read_header(path: &Path) -> Option<WavHeader> {
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path).await.ok()?;
    let mut h = [0u8; 44];
    f.read_exact(&mut h).await.ok()?;
    wav_header(&h)
}

/// Deletes the recordings whose queue's retention has run out at `now_ms`:
/// the file goes, the row is marked deleted (when, by `retention`) and the
/// audit log gets a row each. Returns how many were deleted.
pub async fn sweep_retention(store: &Store, dir: &Path, now_ms: i64) -> Result<usize, StoreError> {
    let mut deleted = 0;
    for (queue, before) in cutoffs(now_ms, &store.list_queues().await?) {
        for id in store.recordings_expired(&queue, before, SWEEP_BATCH).await? {
            if !is_recording_id(&id) {
                continue;
            }
            match tokio::fs::remove_file(dir.join(format!("{id}.wav"))).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(error = %e, "an expired recording could not be deleted; tried again next sweep");
                    continue;
                }
            }
            if store.recording_deleted(&id, now_ms, "retention").await? {
                let entry = AuditEntry {
                    at: now_ms,
                    actor_id: None,
                    action: RETENTION_AUDIT.into(),
                    target: Some(format!("recording:{id}")),
                    source_addr: None,
                };
                store.audit(&entry).await?;
                deleted += 1;
            }
        }
    }
    Ok(deleted)
}

/// The background task: indexes new recordings every few seconds and
/// applies the retention policy every hour, until shutdown.
pub async fn run(state: AppState) {
    let dir = state.config.media.recordings_dir.clone();
    let mut stop = state.shutdown.clone();
    let mut known: HashSet<String> = match state.store.recording_files().await {
        Ok(files) => files.into_iter().collect(),
        Err(e) => {
            tracing::warn!(error = %e, "known recordings not read; the indexer starts empty");
            HashSet::new()
        }
    };
    let mut schedule = Schedule::new(state.clock.now_ms());
    loop {
        let (_, now) = state.clock.now();
        let now_ms = crate::store::unix_ms(now);
        let due = schedule.poll(now_ms);
        if due.index {
            match index(&state.store, &dir, &mut known, now).await {
                Ok(n) if n > 0 => tracing::debug!(recordings = n, "recordings indexed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "indexing recordings failed"),
            }
        }
        if due.retention {
            match sweep_retention(&state.store, &dir, now_ms).await {
                Ok(n) if n > 0 => tracing::info!(recordings = n, "expired recordings deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the recordings' retention sweep failed"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(schedule.wait(state.clock.now_ms())) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_map_to_calls() {
        assert_eq!(parse_file_name("abc.wav"), Some(("abc", vec!["abc"])));
        assert_eq!(parse_file_name("abc-2.wav"), Some(("abc-2", vec!["abc-2", "abc"])));
        assert_eq!(parse_file_name("abc-last.wav"), Some(("abc-last", vec!["abc-last", "abc"])));
        assert_eq!(parse_file_name("a-b-c.wav"), Some(("a-b-c", vec!["a-b-c"])));
        assert_eq!(parse_file_name("-2.wav"), Some(("-2", vec!["-2"])));
        for bad in ["abc.mp3", ".wav", "../x.wav", "a b.wav", "abc.wav.tmp", "x/y.wav"] {
            assert_eq!(parse_file_name(bad), None, "{bad}");
        }
    }

    fn header(data_bytes: u32) -> [u8; 44] {
        let mut h = [0u8; 44];
        h[0..4].copy_from_slice(b"RIFF");
        h[8..16].copy_from_slice(b"WAVEfmt ");
        h[28..32].copy_from_slice(&32_000u32.to_le_bytes());
        h[36..40].copy_from_slice(b"data");
        h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
        h
    }

    #[test]
    fn only_finished_or_long_abandoned_files_are_ready() {
        let done = wav_header(&header(32_000)).unwrap();
        assert!(ready(done, 32_044, 0));
        assert_eq!(audio_ms(done, 32_044), 1000);
        let writing = wav_header(&header(0)).unwrap();
        assert!(!ready(writing, 64_044, 1_000), "still being written");
        assert!(ready(writing, 64_044, STALE_MS), "cut short and left");
        assert!(!ready(writing, 44, STALE_MS), "nothing in it");
        assert!(!ready(done, 16_044, 0), "the size is not the header's");
        assert_eq!(wav_header(b"RIFF"), None);
        assert_eq!(wav_header(&[0u8; 44]), None);
    }

    fn queue(name: &str, days: Option<u32>) -> QueueConfig {
        QueueConfig { name: name.into(), recording_retention_days: days, ..QueueConfig::default() }
    }

    /// Hours of a virtual clock: a recording of a 30-day queue goes at the
    /// first sweep after its 30 days, one of a queue without retention or
    /// with 0 days never.
    #[test]
    fn retention_deletes_at_the_first_sweep_after_the_days() {
        let t0 = 1_700_000_000_000;
        let started = t0 + 5 * 60_000;
        let queues = [queue("support", Some(30)), queue("sales", None), queue("vip", Some(0))];
        let mut schedule = Schedule::new(t0);
        let mut deleted_at = None;
        let mut sweeps = 0;
        let mut now = t0;
        while now < t0 + 40 * DAY_MS {
            if schedule.poll(now).retention {
                sweeps += 1;
                let c = cutoffs(now, &queues);
                assert_eq!(c.len(), 1, "only support deletes");
                if deleted_at.is_none() && started < c[0].1 {
                    deleted_at = Some(now);
                }
            }
            now += schedule.wait(now).as_millis() as i64;
        }
        let at = deleted_at.expect("deleted within 40 days");
        assert!(at >= started + 30 * DAY_MS, "not before its 30 days");
        assert!(at < started + 30 * DAY_MS + RETENTION_EVERY_MS + 1, "within a sweep of them");
        assert_eq!(sweeps, 40 * 24, "hourly");
    }

    #[test]
    fn the_schedule_runs_the_indexer_often_and_retention_hourly() {
        let mut s = Schedule::new(0);
        assert_eq!(s.poll(0), Due { index: true, retention: true });
        assert_eq!(s.poll(1), Due::default());
        assert_eq!(s.wait(1), Duration::from_millis(INDEX_EVERY_MS as u64 - 1));
        assert_eq!(s.poll(INDEX_EVERY_MS), Due { index: true, retention: false });
        assert_eq!(s.poll(RETENTION_EVERY_MS), Due { index: true, retention: true });
    }
}

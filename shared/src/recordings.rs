//! Call recordings as the supervisors' Recordings screen reads them: one
//! item per recording file (a call recorded twice has two), with what the
//! search filters on (start, agent, queue, customer, disposition).
//!
//! Audio is `GET /api/v1/recordings/{id}/audio`: a stereo WAV (caller
//! left, agent right) served with byte ranges, so the browser's player
//! seeks; `?download=1` asks for it as an attachment.

use serde::{Deserialize, Serialize};

use crate::records::Disposition;

/// One recording of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recording {
    /// The recording's id: its file's name without `.wav`. A call's first
    /// recording has the call's id; a second one `<call id>-2`, and so on.
    pub id: String,
    /// The gateway's id of the call.
    pub call_id: String,
    /// When the call started (RFC 3339).
    pub started_at: String,
    /// The call's duration, start to end.
    pub duration_ms: Option<i64>,
    /// How much audio the recording holds.
    pub audio_ms: i64,
    /// The agent who took the call (the last one, after transfers).
    pub agent_id: Option<i64>,
    /// The queue's code.
    pub queue: Option<String>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    /// The caller's number (E.164, or a web caller's id).
    pub caller: Option<String>,
    /// How the call turned out.
    pub outcome: Option<Disposition>,
    /// The agent's wrap-up code.
    pub disposition_code: Option<String>,
    /// Whether the signed-in user may download the file (admins; supervisors
    /// when the call's queue has `supervisors_download_recordings`).
    pub can_download: bool,
}

/// `GET /api/v1/recordings`: newest call first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordingPage {
    pub items: Vec<Recording>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Whether `id` can name a recording: 1 to 128 of `A-Z a-z 0-9 _ -`
/// (so never a path, a dot or a separator).
pub fn is_recording_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_ids_are_plain_names() {
        for ok in ["0123456789abcdef0123456789abcdef", "abc-2", "c_1-last"] {
            assert!(is_recording_id(ok), "{ok}");
        }
        for bad in ["", "../x", "a/b", "a.wav", "a b", "a\0", &"a".repeat(129), "ä"] {
            assert!(!is_recording_id(bad), "{bad:?}");
        }
    }
}

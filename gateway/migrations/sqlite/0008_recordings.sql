-- Call recordings: one row per file in media.recordings_dir, added once
-- the file is complete and its call has a record. `file` is the name
-- inside that folder (`<id>.wav`); `rec_id` the recording's id (the name
-- without `.wav`). The retention sweep deletes expired files and sets
-- deleted_at; the row stays, so that the record shows the recording was
-- there and when it went. Times are Unix ms (UTC).

CREATE TABLE recordings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rec_id TEXT NOT NULL UNIQUE,
    file TEXT NOT NULL UNIQUE,
    call_id TEXT NOT NULL REFERENCES interactions (call_id) ON DELETE CASCADE,
    bytes BIGINT NOT NULL,
    audio_ms BIGINT NOT NULL,
    found_at BIGINT NOT NULL,
    deleted_at BIGINT,
    deleted_by TEXT
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_live ON recordings (deleted_at, call_id);

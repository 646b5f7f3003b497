-- The durable records of the contact center: interaction records (one per
-- call, keyed by the gateway's call id) with their legs and timeline,
-- callbacks and voicemails. They survive a restart of the gateway.
--
-- `interactions` (0001) grows the CDR and contact-center fields; rows
-- written before calls had records (no call_id) stay as customer history.
-- Queues are named by code and customers by id as plain columns: the
-- records outlive changes to the configuration. Times are Unix ms (UTC).

ALTER TABLE interactions ADD COLUMN call_id TEXT;
ALTER TABLE interactions ADD COLUMN caller TEXT;
ALTER TABLE interactions ADD COLUMN callee TEXT;
ALTER TABLE interactions ADD COLUMN trunk TEXT;
ALTER TABLE interactions ADD COLUMN queue TEXT;
ALTER TABLE interactions ADD COLUMN campaign_id BIGINT;
ALTER TABLE interactions ADD COLUMN ivr_ended_at BIGINT;
ALTER TABLE interactions ADD COLUMN enqueued_at BIGINT;
ALTER TABLE interactions ADD COLUMN dequeued_at BIGINT;
ALTER TABLE interactions ADD COLUMN duration_ms BIGINT;
ALTER TABLE interactions ADD COLUMN billsec_ms BIGINT;
ALTER TABLE interactions ADD COLUMN hold_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN hold_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN wrap_up_ms BIGINT;
ALTER TABLE interactions ADD COLUMN wrapped_up_at BIGINT;
ALTER TABLE interactions ADD COLUMN disposition_code TEXT;
ALTER TABLE interactions ADD COLUMN ended_by TEXT;
ALTER TABLE interactions ADD COLUMN sip_status BIGINT;
ALTER TABLE interactions ADD COLUMN q850 BIGINT;
ALTER TABLE interactions ADD COLUMN codecs TEXT;
ALTER TABLE interactions ADD COLUMN recording TEXT;
ALTER TABLE interactions ADD COLUMN survey_score BIGINT;
-- JSON text: the IVR nodes passed (an array) and the variables set (an object).
ALTER TABLE interactions ADD COLUMN ivr_path TEXT;
ALTER TABLE interactions ADD COLUMN ivr_vars TEXT;
ALTER TABLE interactions ADD COLUMN updated_at BIGINT;
CREATE UNIQUE INDEX interactions_call ON interactions (call_id);
CREATE INDEX interactions_started ON interactions (started_at, id);
CREATE INDEX interactions_agent ON interactions (agent_id, started_at);
CREATE INDEX interactions_queue ON interactions (queue, started_at);

CREATE TABLE interaction_legs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL REFERENCES interactions (call_id) ON DELETE CASCADE,
    leg TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('caller', 'callee', 'agent', 'supervisor')),
    agent_id BIGINT,
    number TEXT,
    started_at BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at BIGINT,
    ended_by TEXT,
    sip_status BIGINT,
    codec TEXT,
    UNIQUE (call_id, leg)
);
CREATE INDEX interaction_legs_agent ON interaction_legs (agent_id, call_id);

-- The timeline: one row per state change, kind `resource.verb`, data JSON text.
CREATE TABLE interaction_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL REFERENCES interactions (call_id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT
);
CREATE INDEX interaction_events_call ON interaction_events (call_id, at, id);

-- position_at keeps an in-queue callback's place: the original call's entry
-- time (a scheduled callback's is its due time).
CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    number TEXT NOT NULL,
    customer_id BIGINT,
    call_id TEXT,
    requested_at BIGINT NOT NULL,
    due_at BIGINT,
    position_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'dialing', 'completed', 'failed', 'cancelled')),
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    next_attempt_at BIGINT,
    last_result TEXT CHECK (last_result IN ('busy', 'no_answer', 'failed', 'answered')),
    agent_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX callbacks_state ON callbacks (state, position_at);

-- file: a path relative to media.voicemail_dir.
CREATE TABLE voicemails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_kind TEXT NOT NULL CHECK (mailbox_kind IN ('queue', 'number', 'agent')),
    mailbox TEXT NOT NULL,
    call_id TEXT,
    caller TEXT,
    customer_id BIGINT,
    received_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    file TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'in_progress', 'done')),
    assigned_to BIGINT REFERENCES users (id) ON DELETE SET NULL,
    notes TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX voicemails_received ON voicemails (received_at, id);
CREATE INDEX voicemails_assigned ON voicemails (assigned_to);
CREATE INDEX voicemails_mailbox ON voicemails (mailbox_kind, mailbox);

-- Outbound campaigns: the campaign (its settings as the JSON of
-- `shared::campaign::CampaignSettings`), its contacts with where each
-- stands (attempts, next attempt, last result, outcome), the do-not-call
-- lists (global when campaign_id is NULL) and the dial log, one row per
-- decision of the dialer with why it was made then.
-- Times are Unix ms (UTC); numbers are E.164.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    mode TEXT NOT NULL CHECK (mode IN ('preview', 'progressive', 'predictive', 'agentless')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'stopped')),
    settings TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    stopped_at BIGINT
);

-- status: pending (waiting for next_attempt_at), dialing, connected
-- (talking, waiting for the disposition) or done (outcome says why).
CREATE TABLE campaign_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    name TEXT,
    time_zone TEXT,
    fields TEXT NOT NULL DEFAULT '[]',
    source_line BIGINT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'dialing', 'connected', 'done')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_attempt_at BIGINT,
    last_result TEXT,
    outcome TEXT,
    disposition TEXT,
    agent_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    callback BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (campaign_id, number)
);
CREATE INDEX campaign_contacts_due ON campaign_contacts (campaign_id, status, next_attempt_at);

CREATE TABLE campaign_dnc (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT REFERENCES campaigns (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    added_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    added_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX campaign_dnc_number ON campaign_dnc ((COALESCE(campaign_id, 0)), number);

-- ratio_x100: calls ringing per free agent, times 100; abandon_bp: the
-- rolling abandon rate in basis points (NULL before the first live answer).
CREATE TABLE campaign_dial_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    contact_id BIGINT REFERENCES campaign_contacts (id) ON DELETE SET NULL,
    attempt BIGINT,
    agent_id BIGINT,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    free_agents BIGINT NOT NULL DEFAULT 0,
    ringing BIGINT NOT NULL DEFAULT 0,
    ratio_x100 BIGINT NOT NULL DEFAULT 100,
    abandon_bp BIGINT
);
CREATE INDEX campaign_dial_log_at ON campaign_dial_log (campaign_id, at);

-- IVR flows and the entry points that choose them. A flow is stored as the
-- canonical JSON the gateway wrote after checking it (`ivr::Flow::parse`);
-- the database does not look inside. An entry point is a dialed number
-- (digits, optional leading +) or `web:<name>`, as `ivr::EntryPoint` writes
-- it; a flow in use by an entry point cannot be deleted.

CREATE TABLE ivr_flows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE ivr_entry_points (
    entry TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'web')),
    flow_id BIGINT NOT NULL REFERENCES ivr_flows (id),
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ivr_entry_points_flow ON ivr_entry_points (flow_id);

-- Reports and quality: the agent state log (what each agent was doing, from
-- when, for logins, not-ready time by reason and occupancy), scorecards
-- (criteria for evaluating recorded calls) and the evaluations made with
-- them. Times are Unix ms (UTC).

-- One row per change of an agent's state as the reports count it: the
-- desk closing or opening, the status chosen (with its reason code), the
-- routing engine's activity (ringing, on a call, wrap-up, missed). A state
-- lasts until the agent's next row. `state` is one of
-- `shared::reports::AgentState`; `call_id` names the call of a ringing,
-- on-call or wrap-up state when known.
CREATE TABLE agent_states (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('logged_out', 'offline', 'available', 'not_ready', 'ringing', 'on_call', 'wrap_up', 'missed')),
    reason TEXT,
    call_id TEXT
);
CREATE INDEX agent_states_agent ON agent_states (agent_id, at, id);
CREATE INDEX agent_states_at ON agent_states (at);

-- `criteria`: JSON, an array of {label, weight, max_points}. `queue`: the
-- queue's code it is meant for; NULL: any queue. `active` 0: kept for the
-- evaluations made with it, not offered for new ones.
CREATE TABLE scorecards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    queue TEXT,
    criteria TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);

-- One supervisor's evaluation of one recorded call. `criteria` is the
-- scorecard's criteria as they were, with the points given (JSON), so that
-- later edits of the scorecard leave it as it was; `score_bp` the weighted
-- total in basis points (10000 = 100 %). `agent_id` and `queue` are the
-- call's agent and queue at the time.
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL REFERENCES interactions (call_id) ON DELETE CASCADE,
    scorecard_id BIGINT NOT NULL REFERENCES scorecards (id),
    agent_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    queue TEXT,
    evaluator_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    criteria TEXT NOT NULL,
    score_bp BIGINT NOT NULL CHECK (score_bp >= 0 AND score_bp <= 10000),
    comment TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX evaluations_call ON evaluations (call_id);
CREATE INDEX evaluations_agent ON evaluations (agent_id, created_at);

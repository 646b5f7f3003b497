-- Accounts, sessions, the directory (queues, customers, their history) and
-- the audit log. Times are Unix milliseconds (UTC). Flags are BIGINT 0/1
-- rather than BOOLEAN: sqlx's Any driver cannot read SQLite booleans, and one
-- column type for both engines keeps one code path.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at BIGINT NOT NULL
);

-- Only a hash of each session token is stored: a copy of the database does
-- not let anyone sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE queue_agents (
    queue_id BIGINT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, user_id)
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    vip BIGINT NOT NULL DEFAULT 0 CHECK (vip IN (0, 1)),
    created_at BIGINT NOT NULL
);
CREATE INDEX customers_phone ON customers (phone);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT REFERENCES customers (id) ON DELETE SET NULL,
    queue_id BIGINT REFERENCES queues (id) ON DELETE SET NULL,
    agent_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    initiation TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at BIGINT,
    disposition TEXT,
    notes TEXT
);
CREATE INDEX interactions_customer ON interactions (customer_id, started_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    target TEXT,
    source_addr TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

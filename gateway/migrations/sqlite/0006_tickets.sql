-- Tickets: what an agent promises a customer during a call (a request, a
-- complaint, a service job, an order), followed up until it is resolved
-- and closed. A ticket belongs to one customer and goes with them; the call
-- it came from is named by the gateway's call id as a plain column (like
-- callbacks and voicemails): the ticket outlives the call's record.
-- due_at is the time the agent told the customer. Times are Unix ms (UTC).

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    call_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'complaint', 'service', 'order')),
    subject TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    due_at BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tickets_customer ON tickets (customer_id, status, created_at);
CREATE INDEX tickets_call ON tickets (call_id);

-- The codes agents pick from: disposition codes for a call's wrap-up and
-- reason codes for not ready. `kind` tells which list; `ordinal` is the
-- order the desk shows them in; `label` is the administrator's name for a
-- code the desk has no translation of. The defaults below are the ones the
-- desks translate.

CREATE TABLE desk_codes (
    kind TEXT NOT NULL CHECK (kind IN ('disposition', 'reason')),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    ordinal BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, code)
);

INSERT INTO desk_codes (kind, code, label, ordinal) VALUES
    ('disposition', 'resolved', 'Resolved', 0),
    ('disposition', 'follow_up', 'Follow-up needed', 1),
    ('disposition', 'ticket_created', 'Ticket created', 2),
    ('disposition', 'information', 'Information given', 3),
    ('disposition', 'complaint', 'Complaint', 4),
    ('disposition', 'sale', 'Sale', 5),
    ('disposition', 'wrong_number', 'Wrong number', 6),
    ('disposition', 'escalated', 'Escalated', 7),
    ('disposition', 'callback_requested', 'Callback requested', 8),
    ('reason', 'break', 'Break', 0),
    ('reason', 'lunch', 'Lunch', 1),
    ('reason', 'meeting', 'Meeting', 2),
    ('reason', 'training', 'Training', 3),
    ('reason', 'back_office', 'Back-office work', 4);

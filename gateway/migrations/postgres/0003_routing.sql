-- Routing configuration (queues' settings, agents' skills and the order of
-- their queue memberships) and the customer record (e-mail, notes, several
-- phone numbers).
--
-- A queue keeps its 0001 row: `code` is its name in routing (the key that
-- memberships and other queues' overflow name), `config` the rest of its
-- settings as the JSON of `shared::routing::QueueConfig` (NULL: the
-- defaults). Memberships stay in `queue_agents` and gain their order;
-- skills get a table. Both go with their queue or user (ON DELETE CASCADE).

ALTER TABLE queues ADD COLUMN config TEXT;
ALTER TABLE queues ADD COLUMN updated_at BIGINT;
ALTER TABLE queues ADD COLUMN updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL;

ALTER TABLE queue_agents ADD COLUMN ordinal BIGINT NOT NULL DEFAULT 0;

CREATE TABLE agent_skills (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 10),
    PRIMARY KEY (user_id, skill)
);

-- A number belongs to one customer. `customers.phone` stays for the readers
-- written before this table: every write through `store/customers.rs` keeps
-- it equal to the customer's first number. Customers' names stay NOT NULL;
-- an unnamed caller has ''.
ALTER TABLE customers ADD COLUMN email TEXT;
ALTER TABLE customers ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE customers SET updated_at = created_at;

CREATE TABLE customer_phones (
    number TEXT PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX customer_phones_customer ON customer_phones (customer_id);
INSERT INTO customer_phones (number, customer_id, ordinal)
    SELECT phone, MIN(id), 0 FROM customers WHERE phone IS NOT NULL AND phone <> '' GROUP BY phone;

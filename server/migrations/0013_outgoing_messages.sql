-- Messages on their way to a provider (email or SMS): a request only writes them
-- here, so its answer takes as long for a real address as for a decoy, whatever the
-- provider takes; a worker delivers them, retrying with a growing wait. The message
-- (its code included) is sealed with the secrets key, bound to its id.
CREATE TABLE outgoing_messages (
    id TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX outgoing_messages_due ON outgoing_messages (next_attempt_at);

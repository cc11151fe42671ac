-- Webhooks (Clerk's events, Svix-signed): each change that causes one writes its
-- event here in the change's own transaction, so none is lost and none is sent for
-- a change that did not happen. A worker renders its payload once and fans it out
-- to the endpoints that want it; each delivery is tried until it is taken, with a
-- growing wait. Claims are leases, so several instances on one database never send
-- one delivery at the same time.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    payload TEXT,
    -- A payload that carries a code (email.created, sms.created): rendered with the
    -- message and sealed with the secrets key, bound to the event's id.
    sealed BOOLEAN NOT NULL DEFAULT FALSE,
    claimed_until BIGINT,
    fanned_out_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_waiting ON webhook_events (fanned_out_at, created_at);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    delivered_at BIGINT,
    given_up_at BIGINT,
    last_status BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (event_id, endpoint)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, given_up_at, next_attempt_at);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (created_at);

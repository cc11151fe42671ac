-- Rate limits and hourly SMS quotas counted in the database, so that instances
-- sharing it (PostgreSQL) count each client once, not once per instance. One row
-- per bucket key, holding its GCRA "theoretical arrival time" in unix ms; a row
-- whose time has passed is a full bucket and may be pruned.
CREATE TABLE rate_limits (
    bucket_key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);

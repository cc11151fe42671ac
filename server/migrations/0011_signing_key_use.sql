-- Which key each running instance signs with, said again every few seconds: a key
-- retired by the first instance restarted after a rotation stays published while
-- an instance not yet restarted still signs with it. One row per instance start;
-- rows of instances long gone are deleted.
CREATE TABLE signing_key_use (
    instance_id TEXT PRIMARY KEY,
    kid TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);

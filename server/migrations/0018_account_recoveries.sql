-- "I lost access to my second factor": a recovery a user opens with their password
-- and an email code. It completes only after a waiting period (`completes_at`);
-- meanwhile every address of the account has been told and can cancel it with a
-- link (its token kept only as a hash), and a sign-in with a real second factor or
-- an administrator cancels it. One open (`pending`) recovery per user at most.
CREATE TABLE account_recoveries (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    completes_at BIGINT NOT NULL,
    cancel_token_hash TEXT NOT NULL,
    ip_address TEXT,
    ended_at BIGINT,
    ended_by TEXT
);
CREATE UNIQUE INDEX account_recoveries_one_open ON account_recoveries (user_id) WHERE status = 'pending';
CREATE INDEX account_recoveries_cancel ON account_recoveries (cancel_token_hash);

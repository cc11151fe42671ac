-- Step-up verifications of signed-in sessions ("Verify it's you"). A session's
-- newest one is the one that counts; old ones are pruned.
CREATE TABLE session_verifications (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    first_factor_verification_id TEXT,
    second_factor_verification_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX session_verifications_session ON session_verifications (session_id);

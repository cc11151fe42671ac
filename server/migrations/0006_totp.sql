-- Authenticator apps: one per user. The secret is sealed (see `secret_box`): the
-- database alone does not reveal it. `last_used_step` refuses a code's replay.
CREATE TABLE totps (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    id TEXT NOT NULL UNIQUE,
    secret_sealed TEXT NOT NULL,
    verified_at BIGINT,
    last_used_step BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

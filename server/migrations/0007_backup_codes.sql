-- Backup codes: each stored as an HMAC bound to its user, deleted when used (one
-- DELETE decides who used it), all replaced when regenerated.
CREATE TABLE backup_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

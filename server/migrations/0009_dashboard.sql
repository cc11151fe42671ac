-- The dashboard: settings it saved (they overlay the config file's, and every
-- instance sharing the database applies them), its administrators' sessions, and
-- the log of what they did.
CREATE TABLE instance_settings (
    setting_key TEXT PRIMARY KEY,
    -- JSON
    setting_value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    admin TEXT NOT NULL,
    -- The form token each state-changing request must carry (CSRF).
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE admin_audit (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    admin TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX admin_audit_at ON admin_audit (at);

-- Locked by an administrator: no sign-in until unlocked (not the timed lockout).
ALTER TABLE users ADD COLUMN locked_by_admin_at BIGINT;

-- Portable SQL: runs on SQLite and PostgreSQL alike. Times are unix milliseconds.
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    sign_in_id TEXT,
    sign_up_id TEXT,
    last_active_session_id TEXT,
    last_authentication_strategy TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    primary_email_address_id TEXT,
    primary_phone_number_id TEXT,
    unsafe_metadata TEXT NOT NULL DEFAULT '{}',
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    last_sign_in_at BIGINT,
    password_last_updated_at BIGINT,
    mfa_enabled_at BIGINT,
    mfa_disabled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);

CREATE TABLE identifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    verification_id TEXT,
    verified_at BIGINT,
    reserved_for_second_factor BOOLEAN NOT NULL DEFAULT FALSE,
    default_second_factor BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- An email or phone belongs to one account once it is verified.
CREATE UNIQUE INDEX identifications_verified ON identifications (kind, value) WHERE verified_at IS NOT NULL;
CREATE INDEX identifications_user ON identifications (user_id);

CREATE TABLE verifications (
    id TEXT PRIMARY KEY,
    strategy TEXT NOT NULL,
    target TEXT,
    code_hash TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expire_at BIGINT,
    verified_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sign_ins (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    status TEXT NOT NULL,
    identifier TEXT,
    user_id TEXT,
    first_factor_verification_id TEXT,
    second_factor_verification_id TEXT,
    created_session_id TEXT,
    abandon_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sign_ups (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    status TEXT NOT NULL,
    email_address TEXT,
    phone_number TEXT,
    username TEXT,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    unsafe_metadata TEXT NOT NULL DEFAULT '{}',
    email_verification_id TEXT,
    phone_verification_id TEXT,
    created_user_id TEXT,
    created_session_id TEXT,
    abandon_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    expire_at BIGINT NOT NULL,
    abandon_at BIGINT NOT NULL,
    last_active_at BIGINT NOT NULL,
    first_factor_at BIGINT NOT NULL,
    second_factor_at BIGINT,
    user_agent TEXT,
    ip_address TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sessions_client ON sessions (client_id);
CREATE INDEX sessions_user ON sessions (user_id);

-- The last time a code went to a target, for the resend cooldown.
CREATE TABLE code_sends (
    target TEXT PRIMARY KEY,
    last_sent_at BIGINT NOT NULL
);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    private_pem TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

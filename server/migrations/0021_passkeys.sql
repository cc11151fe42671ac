-- Passkeys (WebAuthn). A user's handle for authenticators is a random UUID made at
-- their first passkey, never their id: the authenticator keeps it, and a user id in
-- it would tell whose passkey it is.
ALTER TABLE users ADD COLUMN webauthn_user_id TEXT;
CREATE UNIQUE INDEX users_webauthn_user_id ON users (webauthn_user_id);

-- One row per passkey, from "add a passkey" on: unverified (no credential yet) until
-- the browser's answer to its challenge is checked, then the credential as the
-- WebAuthn library keeps it (public key, signature counter, flags) as JSON. The
-- credential id is unique: one credential belongs to one user.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT UNIQUE,
    credential TEXT,
    name TEXT,
    verified_at BIGINT,
    last_used_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A challenge in flight: what the WebAuthn library needs to check the answer to it
-- (registration, or sign-in for a sign-in attempt or a session's verification).
-- Taken (deleted) by the one attempt that uses it, so a challenge works once; it
-- expires with the verification.
CREATE TABLE passkey_challenges (
    id TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    ceremony TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_owner ON passkey_challenges (owner_id, purpose);
CREATE INDEX passkey_challenges_expiry ON passkey_challenges (expires_at);

-- A passkey verification's challenge as the browser gets it: the WebAuthn request
-- options, JSON (Clerk's `nonce`).
ALTER TABLE verifications ADD COLUMN nonce TEXT;

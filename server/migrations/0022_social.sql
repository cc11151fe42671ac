-- Sign-in with a provider (OpenID Connect). An external account is a provider's
-- account joined to a user: one provider account belongs to one user.
CREATE TABLE external_accounts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    provider_user_id TEXT NOT NULL,
    identification_id TEXT NOT NULL,
    email_address TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    approved_scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider, provider_user_id)
);
CREATE INDEX external_accounts_user ON external_accounts (user_id);

-- A trip to a provider in flight: what the callback needs to finish it (the PKCE
-- verifier and the nonce never leave the server), found by the hash of its `state`
-- and taken (deleted) by the one callback that uses it.
CREATE TABLE oauth_flows (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_mode TEXT NOT NULL,
    sign_in_id TEXT NOT NULL,
    verification_id TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    action_complete_redirect_url TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX oauth_flows_expiry ON oauth_flows (expires_at);

-- A sign-up that began at a provider (a sign-in handed over): the verification
-- holding the identity, joined to the new account when it is made.
ALTER TABLE sign_ups ADD COLUMN external_verification_id TEXT;

-- A provider's verification: where the browser goes to prove it (Clerk's
-- `external_verification_redirect_url`), why it failed (Clerk's error code), and the
-- identity the provider vouched for, JSON, until a sign-up takes it over.
ALTER TABLE verifications ADD COLUMN external_url TEXT;
ALTER TABLE verifications ADD COLUMN error_code TEXT;
ALTER TABLE verifications ADD COLUMN external_identity TEXT;

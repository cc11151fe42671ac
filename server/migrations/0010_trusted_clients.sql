-- Device Trust (Clerk's "Client Trust"): the clients (browsers) on which a user
-- has finished a sign-in or sign-up. A password sign-in from any other client, by
-- a user without two-step verification, must also prove an email or SMS code.
CREATE TABLE trusted_clients (
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    trusted_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, user_id)
);
CREATE INDEX trusted_clients_user ON trusted_clients (user_id);

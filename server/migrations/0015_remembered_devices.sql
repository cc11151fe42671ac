-- "Don't ask again on this device": after a right second factor, a user may have
-- this client (browser) remembered until `expires_at`; a later password sign-in of
-- the same user on the same client skips the second factor. Forgotten when the
-- password or the second factors change, the device's session is revoked, or an
-- administrator resets, locks or signs the account out.
CREATE TABLE remembered_devices (
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    remembered_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, user_id)
);
CREATE INDEX remembered_devices_user ON remembered_devices (user_id);

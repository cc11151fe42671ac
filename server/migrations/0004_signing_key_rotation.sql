-- Signing keys rotate: a retired key stays published until the last token it
-- signed has expired. A key kept outside the database (a file) is recorded by its
-- public half only (private_pem = '').
ALTER TABLE signing_keys ADD COLUMN public_jwk TEXT;
ALTER TABLE signing_keys ADD COLUMN retired_at BIGINT;

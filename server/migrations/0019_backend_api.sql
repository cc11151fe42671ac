-- The Backend API's ban (Clerk's `banned`): no sign-in and no session until unbanned,
-- apart from an administrator's lock, which unlocking lifts. When, or NULL.
ALTER TABLE users ADD COLUMN banned_at BIGINT;
-- The user's data only the app's server reads and writes (Clerk's `private_metadata`)
-- and the one it writes and the browser reads (`public_metadata`), as JSON objects.
ALTER TABLE users ADD COLUMN public_metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN private_metadata TEXT NOT NULL DEFAULT '{}';

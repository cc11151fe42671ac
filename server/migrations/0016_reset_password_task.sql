-- Clerk's `reset-password` session task: an administrator requires a user to
-- choose a new password; their next session is pending with that task. A session
-- remembers which task it waits on (NULL: none, or `setup-mfa` from before).
ALTER TABLE users ADD COLUMN password_reset_required_at BIGINT;
ALTER TABLE sessions ADD COLUMN task TEXT;

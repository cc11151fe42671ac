-- A forgotten password's replacement waits on the sign-in until every factor is
-- passed: a reset code alone (the mailbox) changes nothing and signs no one out.
ALTER TABLE sign_ins ADD COLUMN new_password_hash TEXT;
ALTER TABLE sign_ins ADD COLUMN new_password_signs_out INTEGER NOT NULL DEFAULT 0;

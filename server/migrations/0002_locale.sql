-- The browser's language and time zone, as clerk-js sends them on sign-up and
-- sign-in: kept on the sign-up and carried to the account it creates.
ALTER TABLE sign_ups ADD COLUMN locale TEXT;
ALTER TABLE sign_ups ADD COLUMN timezone TEXT;
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE users ADD COLUMN timezone TEXT;

-- Wrong codes per target (an email address or phone number), across every
-- verification sent to it: a fresh verification buys no fresh guesses.
CREATE TABLE target_failures (
    target TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until BIGINT,
    updated_at BIGINT NOT NULL
);

-- A dashboard session remembers which password it was made under (a keyed
-- fingerprint): when the administrator's password changes, it is no longer good.
-- Sessions from before this column have none and must sign in again.
ALTER TABLE admin_sessions ADD COLUMN credential TEXT NOT NULL DEFAULT '';

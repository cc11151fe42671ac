-- An administrator can require two-step verification of one user (beside the
-- instance-wide `[mfa] required`): when, or NULL when not required.
ALTER TABLE users ADD COLUMN mfa_required_at BIGINT;

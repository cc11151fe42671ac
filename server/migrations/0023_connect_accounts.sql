-- Connecting a provider from the profile: the trip belongs to a signed-in user
-- (not a sign-in), whose account the provider's is joined to on the way back.
ALTER TABLE oauth_flows ADD COLUMN connect_user_id TEXT;

-- A development browser's trip to a provider is bound to it by a cookie of the
-- trip (its client token lives in the page, which the provider's redirect does not
-- carry): the hash of that cookie's value.
ALTER TABLE oauth_flows ADD COLUMN browser_binding_hash TEXT;

-- A development browser's trip to a provider is bound to it by a cookie of the
-- trip (its client token lives in the page, which the provider's redirect does not
-- carry): the hash of that cookie's value.
ALTER TABLE oauth_flows ADD COLUMN browser_binding_hash TEXT;
-- Apple posts the person's name beside the code (its `user` field), once: kept here
-- until the callback takes the trip, never in a URL.
ALTER TABLE oauth_flows ADD COLUMN posted_user TEXT;

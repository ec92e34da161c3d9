-- Every token expires (issue 18): one made before this, without an expiry, ends 90 days
-- after it was made (Unix microseconds), as a new one would.
UPDATE api_tokens SET expires_at = created_at + 7776000000000 WHERE expires_at IS NULL;

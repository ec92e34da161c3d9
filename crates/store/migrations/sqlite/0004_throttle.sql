-- Failed sign-ins, per account and per client address, for growing delays.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

-- Claims probe one priority at a time (9 down to 0) for rows already due, oldest first: each probe is a range of
-- this index, so rows scheduled for later or waiting for a browser are never read. The sweeper finds expired rows
-- through the second index.
CREATE INDEX deliveries_claim ON deliveries (status, priority, due_at, id);
CREATE INDEX deliveries_expiry ON deliveries (status, expires_at);
DROP INDEX deliveries_due;
-- Fewer indexes, fewer pages written per insert: lease recovery finds the few 'sending' rows through the claim
-- index (status first); lists by recipient use the (recipient, channel, seq) index.
DROP INDEX deliveries_lease;
DROP INDEX deliveries_recipient;

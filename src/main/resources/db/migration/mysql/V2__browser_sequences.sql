-- Browser channel: every browser delivery gets a per-recipient sequence number at accept time, so a client that
-- reconnects with `since` can be sent exactly what it missed.
CREATE TABLE recipient_sequences (
    recipient  VARCHAR(170) NOT NULL PRIMARY KEY,
    last_seq   BIGINT       NOT NULL
);
ALTER TABLE deliveries ADD COLUMN seq BIGINT;
CREATE INDEX deliveries_recipient_seq ON deliveries (recipient, channel, seq);

-- Web Push: browsers' push subscriptions (the "contacts" of the source), pushes already made per delivery and
-- subscription (so a retried delivery does not push twice to a browser that got it), and fetch-mode messages that
-- wait for the service worker.
CREATE TABLE push_subscriptions (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    recipient      VARCHAR(170)  NOT NULL,
    endpoint       VARCHAR(2000) NOT NULL,
    endpoint_hash  VARCHAR(64)   NOT NULL,
    p256dh         VARCHAR(100)  NOT NULL,
    auth           VARCHAR(40)   NOT NULL,
    user_agent     VARCHAR(500),
    created_at     BIGINT        NOT NULL,
    last_seen_at   BIGINT        NOT NULL,
    CONSTRAINT push_subscriptions_endpoint UNIQUE (endpoint_hash)
);
CREATE INDEX push_subscriptions_recipient ON push_subscriptions (recipient, created_at);
CREATE INDEX push_subscriptions_seen ON push_subscriptions (last_seen_at);

CREATE TABLE push_sends (
    delivery_id      VARCHAR(36) NOT NULL,
    subscription_id  VARCHAR(36) NOT NULL,
    sent_at          BIGINT      NOT NULL,
    PRIMARY KEY (delivery_id, subscription_id)
);
CREATE INDEX push_sends_sent_at ON push_sends (sent_at);

CREATE TABLE push_messages (
    subscription_id  VARCHAR(36) NOT NULL,
    delivery_id      VARCHAR(36) NOT NULL,
    payload          TEXT NOT NULL,
    created_at       BIGINT      NOT NULL,
    expires_at       BIGINT      NOT NULL,
    PRIMARY KEY (subscription_id, delivery_id)
);
CREATE INDEX push_messages_expiry ON push_messages (expires_at);

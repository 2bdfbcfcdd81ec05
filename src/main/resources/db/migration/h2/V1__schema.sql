-- Herald schema v1. Times are epoch milliseconds (BIGINT): identical on H2, PostgreSQL and MariaDB, no time zones.
-- Ids are time-ordered UUIDs (version 7) made by Herald, so rows sort by creation without sequences.

CREATE TABLE api_keys (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    key_hash    VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    CONSTRAINT api_keys_hash UNIQUE (key_hash)
);

CREATE TABLE recipients (
    id          VARCHAR(170) NOT NULL PRIMARY KEY,
    name        VARCHAR(500),
    lang        VARCHAR(16),
    provider    VARCHAR(100),
    contacts    CHARACTER VARYING(1000000)       NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

CREATE TABLE subscriptions (
    recipient   VARCHAR(170) NOT NULL,
    type        VARCHAR(100) NOT NULL,
    channel     VARCHAR(32)  NOT NULL,
    enabled     BOOLEAN      NOT NULL,
    PRIMARY KEY (recipient, type, channel)
);

CREATE TABLE notifications (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    idempotency_key VARCHAR(200),
    request_hash    VARCHAR(64),
    response        CHARACTER VARYING(1000000),
    type            VARCHAR(100) NOT NULL,
    title           CHARACTER VARYING(1000000),
    body            CHARACTER VARYING(1000000),
    data            CHARACTER VARYING(1000000),
    template        VARCHAR(200),
    lang            VARCHAR(16),
    priority        INT          NOT NULL,
    provider        VARCHAR(100),
    created_at      BIGINT       NOT NULL,
    send_at         BIGINT,
    expires_at      BIGINT       NOT NULL,
    CONSTRAINT notifications_idempotency UNIQUE (idempotency_key)
);

CREATE TABLE deliveries (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    notification_id VARCHAR(36)   NOT NULL,
    recipient       VARCHAR(170)  NOT NULL,
    channel         VARCHAR(32)   NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    priority        INT           NOT NULL,
    due_at          BIGINT        NOT NULL,
    expires_at      BIGINT        NOT NULL,
    attempts        INT           NOT NULL,
    last_error      VARCHAR(2000),
    gateway         VARCHAR(100),
    claimed_by      VARCHAR(100),
    lease_until     BIGINT,
    created_at      BIGINT        NOT NULL,
    updated_at      BIGINT        NOT NULL,
    sent_at         BIGINT,
    delivered_at    BIGINT,
    read_at         BIGINT
);
CREATE INDEX deliveries_due ON deliveries (status, priority, due_at);
CREATE INDEX deliveries_lease ON deliveries (status, lease_until);
CREATE INDEX deliveries_notification ON deliveries (notification_id);
CREATE INDEX deliveries_recipient ON deliveries (recipient, id);

CREATE TABLE delivery_attempts (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    delivery_id  VARCHAR(36)   NOT NULL,
    attempt      INT           NOT NULL,
    node         VARCHAR(100)  NOT NULL,
    started_at   BIGINT        NOT NULL,
    finished_at  BIGINT        NOT NULL,
    outcome      VARCHAR(16)   NOT NULL,
    error        VARCHAR(2000)
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);

CREATE TABLE inbox_items (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    recipient       VARCHAR(170) NOT NULL,
    notification_id VARCHAR(36)  NOT NULL,
    type            VARCHAR(100) NOT NULL,
    title           CHARACTER VARYING(1000000),
    body            CHARACTER VARYING(1000000),
    data            CHARACTER VARYING(1000000),
    created_at      BIGINT       NOT NULL,
    read_at         BIGINT,
    deleted         BOOLEAN      NOT NULL
);
CREATE INDEX inbox_items_recipient ON inbox_items (recipient, deleted, id);

CREATE TABLE webhook_events (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    url          VARCHAR(2000) NOT NULL,
    event        VARCHAR(32)   NOT NULL,
    body         CHARACTER VARYING(1000000)        NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    attempts     INT           NOT NULL,
    next_at      BIGINT        NOT NULL,
    last_error   VARCHAR(2000),
    claimed_by   VARCHAR(100),
    lease_until  BIGINT,
    created_at   BIGINT        NOT NULL
);
CREATE INDEX webhook_events_due ON webhook_events (status, next_at);

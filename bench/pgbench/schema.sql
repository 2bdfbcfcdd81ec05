-- Scratch tables for pgbench, shaped like Herald's rows (src/main/resources/db/migration/postgresql/V1__schema.sql):
-- same columns, types, primary keys, unique constraint and indexes.
CREATE TABLE notifications (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    idempotency_key VARCHAR(200),
    request_hash    VARCHAR(64),
    response        TEXT,
    type            VARCHAR(100) NOT NULL,
    title           TEXT,
    body            TEXT,
    data            TEXT,
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

CREATE TABLE recipients (
    id          VARCHAR(170) NOT NULL PRIMARY KEY,
    name        VARCHAR(500),
    lang        VARCHAR(16),
    provider    VARCHAR(100),
    contacts    TEXT       NOT NULL,
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

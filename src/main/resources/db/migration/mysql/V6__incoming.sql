-- Messages that came back through a gateway (email replies; SMS later), linked to the delivery they answer.
CREATE TABLE incoming_messages (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    gateway      VARCHAR(64)   NOT NULL,
    channel      VARCHAR(32)   NOT NULL,
    sender       VARCHAR(500)  NOT NULL,
    recipient    VARCHAR(500),
    subject      MEDIUMTEXT,
    body         MEDIUMTEXT,
    external_id  VARCHAR(500),
    delivery_id  VARCHAR(36),
    received_at  BIGINT        NOT NULL,
    CONSTRAINT incoming_external UNIQUE (gateway, external_id)
);
CREATE INDEX incoming_delivery ON incoming_messages (delivery_id);

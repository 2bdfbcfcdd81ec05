-- The ids gateways gave the messages Herald sent (an SMSC's message_id), so that a later delivery receipt finds its
-- delivery. A long SMS has one id a segment, all for the same delivery.
CREATE TABLE gateway_messages (
    gateway      VARCHAR(64)   NOT NULL,
    message_id   VARCHAR(128)  NOT NULL,
    delivery_id  VARCHAR(36)   NOT NULL,
    created_at   BIGINT        NOT NULL,
    PRIMARY KEY (gateway, message_id)
);
CREATE INDEX gateway_messages_created ON gateway_messages (created_at);

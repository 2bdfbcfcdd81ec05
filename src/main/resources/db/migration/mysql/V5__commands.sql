-- Background commands: one row per run, from the request to the result (the history GET /api/v1/commands shows).
CREATE TABLE commands (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    recipient    VARCHAR(170) NOT NULL,
    name         VARCHAR(64)  NOT NULL,
    args         MEDIUMTEXT NOT NULL,
    timeout_ms   BIGINT       NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    exit_code    INT,
    output       MEDIUMTEXT,
    truncated    BOOLEAN      NOT NULL,
    error        VARCHAR(2000),
    notification_id VARCHAR(36),
    created_at   BIGINT       NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT
);
CREATE INDEX commands_recipient ON commands (recipient, id);
CREATE INDEX commands_status ON commands (status, created_at);

-- Cluster-wide duties (the one AMI connection of a PBX, `ami:<pbx id>`): the node named in holder has the duty
-- until expires_at (epoch millis), and renews it well before then. See org.herald.store.LeaseStore.
CREATE TABLE leases (
    name        VARCHAR(200)  NOT NULL,
    holder      VARCHAR(200)  NOT NULL,
    expires_at  BIGINT        NOT NULL,
    PRIMARY KEY (name)
);

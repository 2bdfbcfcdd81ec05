-- The claim query reads queued deliveries highest priority first: an index in exactly that order lets every
-- database walk it from the front instead of sorting all queued rows on every claim.
CREATE INDEX deliveries_claim ON deliveries (status, priority DESC, due_at, id);
DROP INDEX deliveries_due;

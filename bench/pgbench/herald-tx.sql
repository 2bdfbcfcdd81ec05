-- What Herald's accept path sends to PostgreSQL for one 1-recipient notification (see NotificationService.accept and
-- NotificationStore.insert): the recipient and subscription look-ups, then one transaction with the notification row
-- and its delivery row. A ceiling for Herald-on-PostgreSQL with no Java in the way.
\set n random(1, 1000000000)
SELECT * FROM recipients WHERE id = 'user:' || :n;
SELECT recipient, type, channel, enabled FROM subscriptions WHERE recipient = 'user:' || :n ORDER BY recipient, type, channel;
BEGIN;
INSERT INTO notifications (id, response, type, title, body, priority, created_at, expires_at)
VALUES (gen_random_uuid()::text,
        '{"id":"0190f3a1-7c2e-7a51-9d3e-5b1f0c2a4e6f","deliveries":[{"id":"0190f3a1-7c2e-7b10-8e21-4c9d3a7b1f20","to":"user:' || :n || '","channel":"inbox","status":"queued"}]}',
        'bench.accept', 'Benchmark', 'Benchmark notification ' || :n || ' for user:' || :n, 5,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 86400000);
INSERT INTO deliveries (id, notification_id, recipient, channel, status, priority, due_at, expires_at, attempts,
                        created_at, updated_at)
VALUES (gen_random_uuid()::text, gen_random_uuid()::text, 'user:' || :n, 'inbox', 'queued', 5,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 86400000, 0,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
COMMIT;

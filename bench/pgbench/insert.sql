-- One notification row per transaction (autocommit), the shape and size of what Herald writes for a 1-recipient
-- notification: a UUID-sized id, the JSON answer in `response`, title, text, epoch-millisecond times.
\set n random(1, 1000000000)
INSERT INTO notifications (id, response, type, title, body, priority, created_at, expires_at)
VALUES (gen_random_uuid()::text,
        '{"id":"0190f3a1-7c2e-7a51-9d3e-5b1f0c2a4e6f","deliveries":[{"id":"0190f3a1-7c2e-7b10-8e21-4c9d3a7b1f20","to":"user:' || :n || '","channel":"inbox","status":"queued"}]}',
        'bench.accept', 'Benchmark', 'Benchmark notification ' || :n || ' for user:' || :n, 5,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 86400000);

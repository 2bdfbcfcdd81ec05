package org.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.RecipientId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every supported database must do for Herald. Each backend's test class implements this interface; the
 * tests run against the real server (H2 embedded, PostgreSQL, MariaDB).
 */
interface StorageContract {
    StoreFixture fixture();

    @BeforeEach
    default void wipe() {
        fixture().wipe();
    }

    private static Completion done(ClaimedDelivery c, String node, DeliveryStatus status, Instant at) {
        return new Completion(c, node, status, null, null, "gw", status.word(), at, at);
    }

    @Test
    default void claimsTakeTheHighestPriorityFirstAndOnlyWhatIsDue() {
        StoreFixture f = fixture();
        f.queue(1, "inbox", "user:1", "user:2", "user:3");
        f.queue(9, "inbox", "admin:1");
        f.queue(5, "inbox", "admin:2");
        f.queue(9, "inbox", f.clock.instant().plus(Duration.ofMinutes(5)), Duration.ofHours(1), null, "admin:later");

        List<ClaimedDelivery> first = f.deliveries.claim("n1", 2, Duration.ofMinutes(1));
        assertThat(first).extracting(c -> c.delivery().recipient().toString()).containsExactly("admin:1", "admin:2");
        assertThat(first).allSatisfy(c -> {
            assertThat(c.delivery().attempts()).isEqualTo(1);
            assertThat(c.notification().text()).isEqualTo("text");
        });
        List<ClaimedDelivery> rest = f.deliveries.claim("n1", 10, Duration.ofMinutes(1));
        assertThat(rest).extracting(c -> c.delivery().recipient().toString()).containsExactlyInAnyOrder("user:1", "user:2", "user:3");
        f.clock.advance(Duration.ofMinutes(6));
        assertThat(f.deliveries.claim("n1", 10, Duration.ofMinutes(1))).extracting(c -> c.delivery().recipient().toString())
                .containsExactly("admin:later");
    }

    @Test
    default void concurrentClaimersNeverTakeTheSameDelivery() throws Exception {
        StoreFixture f = fixture();
        String[] to = new String[400];
        for (int i = 0; i < to.length; i++) to[i] = "user:" + i;
        f.queue(5, "inbox", to);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String node = "node-" + t;
            Callable<List<String>> claimer = () -> {
                List<String> mine = new ArrayList<>();
                List<ClaimedDelivery> batch;
                while (!(batch = f.deliveries.claim(node, 7, Duration.ofMinutes(1))).isEmpty()) {
                    batch.forEach(c -> mine.add(c.delivery().id()));
                }
                return mine;
            };
            results.add(pool.submit(claimer));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> r : results) all.addAll(r.get());
        pool.shutdown();
        assertThat(all).hasSize(400).doesNotHaveDuplicates();
    }

    @Test
    default void aBacklogIsClaimedAfterTheLastClaimAndRowsPutBackBehindItAreClaimedWithinTheFullScanPeriod() {
        StoreFixture f = fixture();
        f.clock.advance(Duration.ofSeconds(10)); // the cursor of earlier claims is older than anything queued here
        String[] recipients = new String[10];
        for (int i = 0; i < recipients.length; i++) recipients[i] = "user:" + i;
        List<String> order = f.queue(5, "inbox", recipients).stream().map(Delivery::id).sorted().toList();
        f.clock.advance(Duration.ofSeconds(5)); // the backlog is settled: due well before now

        List<String> a = ids(f.deliveries.claim("a", 3, Duration.ofMinutes(5)));
        List<String> b = ids(f.deliveries.claim("b", 3, Duration.ofMinutes(5)));
        assertThat(a).containsExactlyElementsOf(order.subList(0, 3));
        assertThat(b).containsExactlyElementsOf(order.subList(3, 6));
        assertThat(f.deliveries.releaseClaims("a")).isEqualTo(3); // back in the queue, before b's rows

        List<String> c = ids(f.deliveries.claim("c", 3, Duration.ofMinutes(5)));
        if (f.db.dialect().sharedByNodes()) {
            // PostgreSQL and MariaDB resume after the last claimed row instead of walking the claimed ones again
            assertThat(c).containsExactlyElementsOf(order.subList(6, 9));
            f.clock.advance(Duration.ofMillis(ClaimCursor.FULL_SCAN_EVERY_MILLIS));
            assertThat(ids(f.deliveries.claim("d", 10, Duration.ofMinutes(5))))
                    .containsExactlyElementsOf(List.of(order.get(0), order.get(1), order.get(2), order.get(9)));
        } else {
            assertThat(c).containsExactlyElementsOf(order.subList(0, 3));
            assertThat(ids(f.deliveries.claim("d", 10, Duration.ofMinutes(5)))).containsExactlyElementsOf(order.subList(6, 10));
        }
    }

    private static List<String> ids(List<ClaimedDelivery> claimed) {
        return claimed.stream().map(c -> c.delivery().id()).toList();
    }

    @Test
    default void aCompletionIsAppliedOnlyWhileItsNodeHoldsTheClaim() {
        StoreFixture f = fixture();
        f.queue(5, "sms", "user:1");
        ClaimedDelivery c = f.deliveries.claim("n1", 1, Duration.ofSeconds(30)).getFirst();
        f.clock.advance(Duration.ofSeconds(31));
        assertThat(f.deliveries.recoverExpiredLeases(8, 100)).isEqualTo(1);
        ClaimedDelivery again = f.deliveries.claim("n2", 1, Duration.ofSeconds(30)).getFirst();
        assertThat(again.delivery().attempts()).isEqualTo(2);

        assertThat(f.deliveries.complete(List.of(done(c, "n1", DeliveryStatus.DELIVERED, f.clock.instant())))).isEmpty();
        assertThat(f.deliveries.complete(List.of(done(again, "n2", DeliveryStatus.SENT, f.clock.instant()))))
                .containsExactly(again.delivery().id());
        Delivery d = f.deliveries.find(again.delivery().id()).orElseThrow();
        assertThat(d.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(d.gateway()).isEqualTo("gw");
        assertThat(d.sentAt()).isEqualTo(f.clock.instant());
        assertThat(f.deliveries.attempts(d.id())).extracting(a -> a.get("node")).containsExactly("n1", "n2");
    }

    @Test
    default void aClaimWithoutAttemptsLeftFailsWhenItsLeaseRunsOut() {
        StoreFixture f = fixture();
        f.queue(5, "sms", "user:1");
        ClaimedDelivery c = f.deliveries.claim("n1", 1, Duration.ofSeconds(30)).getFirst();
        f.clock.advance(Duration.ofMinutes(1));
        f.deliveries.recoverExpiredLeases(1, 100);
        Delivery d = f.deliveries.find(c.delivery().id()).orElseThrow();
        assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(d.lastError()).contains("claim expired");
    }

    @Test
    default void releasedClaimsGoBackToTheQueueWithoutCountingTheAttempt() {
        StoreFixture f = fixture();
        f.queue(5, "sms", "user:1", "user:2");
        f.deliveries.claim("n1", 2, Duration.ofMinutes(1));
        assertThat(f.deliveries.releaseClaims("n1")).isEqualTo(2);
        List<ClaimedDelivery> again = f.deliveries.claim("n2", 2, Duration.ofMinutes(1));
        assertThat(again).hasSize(2).allSatisfy(c -> assertThat(c.delivery().attempts()).isEqualTo(1));
    }

    @Test
    default void queuedDeliveriesPastTheirTimeToLiveExpire() {
        StoreFixture f = fixture();
        Delivery d = f.queue(5, "sms", f.clock.instant(), Duration.ofMinutes(10), null, "user:1").getFirst();
        assertThat(f.deliveries.expireDue(100)).isZero();
        f.clock.advance(Duration.ofMinutes(11));
        assertThat(f.deliveries.expireDue(100)).isEqualTo(1);
        assertThat(f.deliveries.find(d.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.EXPIRED);
        assertThat(f.deliveries.claim("n1", 10, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    default void cancellingTouchesOnlyQueuedDeliveriesAndRetryBringsThemBack() {
        StoreFixture f = fixture();
        List<Delivery> ds = f.queue(5, "sms", "user:1", "user:2");
        ClaimedDelivery sending = f.deliveries.claim("n1", 1, Duration.ofMinutes(1)).getFirst();
        assertThat(f.deliveries.cancelQueued(ds.getFirst().notificationId())).isEqualTo(1);
        assertThat(f.deliveries.find(sending.delivery().id()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENDING);
        String cancelled = ds.stream().map(Delivery::id).filter(id -> !id.equals(sending.delivery().id())).findFirst().orElseThrow();
        assertThat(f.deliveries.find(cancelled).orElseThrow().status()).isEqualTo(DeliveryStatus.CANCELLED);

        assertThat(f.deliveries.retry(cancelled, Duration.ofHours(1))).isEqualTo(DeliveryStore.RetryResult.QUEUED);
        assertThat(f.deliveries.retry(sending.delivery().id(), Duration.ofHours(1))).isEqualTo(DeliveryStore.RetryResult.NOT_RETRYABLE);
        assertThat(f.deliveries.retry("missing", Duration.ofHours(1))).isEqualTo(DeliveryStore.RetryResult.NOT_FOUND);
        assertThat(f.deliveries.claim("n1", 5, Duration.ofMinutes(1))).extracting(c -> c.delivery().id()).containsExactly(cancelled);
    }

    @Test
    default void anIdempotencyKeyIsTakenOnceAndTheFirstAnswerIsKept() {
        StoreFixture f = fixture();
        f.queue(5, "inbox", f.clock.instant(), Duration.ofHours(1), "key-1", "user:1");
        assertThatThrownBy(() -> f.queue(5, "inbox", f.clock.instant(), Duration.ofHours(1), "key-1", "user:2"))
                .isInstanceOf(DuplicateIdempotencyKeyException.class);
        assertThat(f.notifications.findByIdempotencyKey("key-1")).get().extracting(NotificationStore.IdempotentAnswer::response).isEqualTo("{}");
        assertThat(f.deliveries.list(new DeliveryQuery(null, null, "user:2", null, null, 10))).as("nothing of the refused one is stored").isEmpty();
    }

    @Test
    default void groupCommitStoresConcurrentNotificationsAndFailsOnlyTheOneWithATakenKey() throws Exception {
        StoreFixture f = fixture();
        try (GroupCommit<NotificationStore.NewNotification> writer = new GroupCommit<>("accept", 2, f.notifications::insertAll, f.notifications::insert);
             ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String key = i % 50 == 0 ? "same-key" : "key-" + i;
                int n = i;
                results.add(pool.submit(() -> {
                    var item = f.newNotification("user:" + n, key);
                    try {
                        writer.insert(item);
                        return "stored";
                    } catch (DuplicateIdempotencyKeyException e) {
                        return "duplicate";
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> r : results) outcomes.add(r.get());
            assertThat(outcomes).filteredOn("stored"::equals).hasSize(197);
            assertThat(outcomes).filteredOn("duplicate"::equals).hasSize(3);
        }
        assertThat(f.deliveries.list(new DeliveryQuery("queued", null, null, null, null, 500))).hasSize(197);
    }

    @Test
    default void groupReadAnswersConcurrentSubscriptionLookupsEachWithItsOwnRecipients() throws Exception {
        StoreFixture f = fixture();
        for (int i = 0; i < 40; i += 2) {
            f.recipients.putSubscriptions(RecipientId.parse("user:" + i), Map.of("type-" + i, Map.of("sms", i % 4 == 0)));
        }
        try (GroupRead<RecipientId, Map<String, Map<String, Boolean>>> reads =
                     new GroupRead<>("subscriptions", 2, f.recipients::subscriptionsOf);
             ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Map<RecipientId, Map<String, Map<String, Boolean>>>>> results = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 40; i++) {
                    RecipientId id = RecipientId.parse("user:" + i);
                    results.add(pool.submit(() -> reads.read(List.of(id, RecipientId.parse("user:absent")))));
                }
            }
            for (int k = 0; k < results.size(); k++) {
                int i = k % 40;
                var answer = results.get(k).get();
                if (i % 2 == 1) {
                    assertThat(answer).as("user:%d has no subscriptions", i).isEmpty();
                } else {
                    assertThat(answer).as("user:%d", i).containsOnlyKeys(RecipientId.parse("user:" + i));
                    assertThat(answer.get(RecipientId.parse("user:" + i))).isEqualTo(Map.of("type-" + i, Map.of("sms", i % 4 == 0)));
                }
            }
        }
    }

    @Test
    default void everyStatusChangeWritesAWebhookEventInTheSameTransaction() {
        StoreFixture f = fixture();
        f.queue(5, "sms", "user:1");
        ClaimedDelivery c = f.deliveries.claim("n1", 1, Duration.ofMinutes(1)).getFirst();
        assertThat(f.webhookEvents.countByStatus("pending")).isZero();
        f.deliveries.complete(List.of(done(c, "n1", DeliveryStatus.DELIVERED, f.clock.instant())));
        List<WebhookEventStore.Event> events = f.webhookEvents.claim("n1", 10, Duration.ofMinutes(1));
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().body()).contains("\"status\":\"delivered\"").contains(c.delivery().id());
        f.webhookEvents.retryAt(events.getFirst().id(), f.clock.instant().plusSeconds(60), "HTTP 500");
        assertThat(f.webhookEvents.claim("n1", 10, Duration.ofMinutes(1))).isEmpty();
        f.clock.advance(Duration.ofSeconds(61));
        assertThat(f.webhookEvents.claim("n1", 10, Duration.ofMinutes(1))).extracting(WebhookEventStore.Event::attempts).containsExactly(2);
    }

    @Test
    default void inboxItemsAreWrittenOncePerDeliveryAndKeepTheirReadState() {
        StoreFixture f = fixture();
        f.queue(5, "inbox", "user:1");
        ClaimedDelivery c = f.deliveries.claim("n1", 1, Duration.ofMinutes(1)).getFirst();
        RecipientId me = RecipientId.parse("user:1");
        f.inbox.add(c.delivery().id(), me, c.notification());
        f.inbox.add(c.delivery().id(), me, c.notification());
        assertThat(f.inbox.list(me, false, null, 10)).hasSize(1);
        assertThat(f.inbox.unreadCount(me)).isEqualTo(1);
        assertThat(f.inbox.markRead(me, c.delivery().id())).contains(true);
        assertThat(f.inbox.markRead(me, c.delivery().id())).contains(false);
        assertThat(f.inbox.unreadCount(me)).isZero();
        assertThat(f.inbox.markRead(RecipientId.parse("user:2"), c.delivery().id())).isEmpty();
    }

    @Test
    default void recipientsAndSubscriptionsRoundTrip() {
        StoreFixture f = fixture();
        RecipientId id = RecipientId.parse("user:1001");
        assertThat(f.recipients.put(id, "Олена", "uk", "default", Map.of("email", "o@example.net"))).isTrue();
        assertThat(f.recipients.put(id, "Олена К.", "uk", "default", Map.of("email", "o@example.net"))).isFalse();
        assertThat(f.recipients.find(id)).get().extracting(Recipient::name).isEqualTo("Олена К.");
        f.recipients.putSubscriptions(id, Map.of("payment.received", Map.of("sms", false, "inbox", true)));
        assertThat(f.recipients.subscriptions(id)).isEqualTo(Map.of("payment.received", Map.of("sms", false, "inbox", true)));
        assertThat(f.recipients.delete(id)).isTrue();
        assertThat(f.recipients.subscriptions(id)).isEmpty();
    }

    @Test
    default void deliveriesAreListedNewestFirstWithFilters() {
        StoreFixture f = fixture();
        f.queue(5, "sms", "user:1");
        f.queue(5, "inbox", "user:1", "user:2");
        Set<String> channels = new HashSet<>();
        f.deliveries.list(new DeliveryQuery("queued", null, "user:1", null, null, 10)).forEach(d -> channels.add(d.channel()));
        assertThat(channels).containsExactlyInAnyOrder("sms", "inbox");
        List<Delivery> all = f.deliveries.list(new DeliveryQuery(null, null, null, null, null, 10));
        assertThat(all).extracting(Delivery::id).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(f.deliveries.list(new DeliveryQuery(null, "inbox", null, null, all.get(0).id(), 10))).hasSize(1);
    }
}

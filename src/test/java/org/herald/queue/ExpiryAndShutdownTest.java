package org.herald.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.herald.store.Database;
import org.herald.testing.ApiClient;
import org.herald.testing.MutableClock;
import org.herald.testing.ScriptedChannel;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

class ExpiryAndShutdownTest {

    @Test
    void aDeliveryNotMadeWithinItsTimeToLiveBecomesExpired() {
        MutableClock clock = MutableClock.startingNow();
        try (TestHerald herald = TestHerald.builder().clock(clock).start()) {
            ApiClient api = herald.api();
            String later = clock.instant().plus(Duration.ofMinutes(30)).toString();
            String id = api.post("/api/v1/notifications",
                    "{\"to\":\"user:1\",\"text\":\"x\",\"send_at\":\"" + later + "\",\"ttl\":\"10m\"}").json().get("id").asText();
            clock.advance(Duration.ofMinutes(20));
            herald.server().sweeper().sweepOnce();
            assertThat(status(api, id)).isEqualTo("queued");
            clock.advance(Duration.ofMinutes(21));
            // the sweeper or the dispatcher (whichever takes the row first) must expire it
            herald.server().sweeper().sweepOnce();
            await().atMost(Duration.ofSeconds(5)).until(() -> status(api, id).equals("expired"));
            assertThat(api.get("/api/v1/notifications/" + id).json().get("deliveries").get(0).get("last_error").asText())
                    .contains("time to live");
        }
    }

    @Test
    void aStoppingServerLetsItsInFlightAttemptFinishAndRecordsIt() throws Exception {
        ScriptedChannel sms = new ScriptedChannel("sms");
        TestHerald herald = TestHerald.builder().database(TestDatabase.Kind.POSTGRESQL).channel(sms).start();
        try {
            sms.hold();
            String id = herald.api().post("/api/v1/notifications", "{\"to\":\"user:2\",\"text\":\"x\",\"channels\":[\"sms\"]}")
                    .json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> sms.attempts().size() == 1);
            Thread stopper = Thread.ofPlatform().start(() -> herald.server().close());
            Thread.sleep(300);
            assertThat(stopper.isAlive()).as("shutdown waits for the attempt in flight").isTrue();
            sms.release();
            stopper.join(10_000);
            assertThat(stopper.isAlive()).isFalse();
            try (Database db = new Database(herald.config().jdbcUrl(), herald.config().db().user(), "", 2)) {
                String status = db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM deliveries WHERE notification_id = :id")
                        .bind("id", id).mapTo(String.class).one());
                assertThat(status).isEqualTo("delivered");
            }
        } finally {
            herald.close();
        }
    }

    private static String status(ApiClient api, String id) {
        return api.get("/api/v1/notifications/" + id).json().get("deliveries").get(0).get("status").asText();
    }
}

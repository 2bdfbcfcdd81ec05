package org.herald.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void idsMadeInTheSameMillisecondStillSortInCreationOrder() {
        Clock frozen = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) ids.add(Ids.newId(frozen));
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        UUID first = UUID.fromString(ids.getFirst());
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
    }

    @Test
    void theTimeStampIsTheClocksMillisecond() throws InterruptedException {
        Thread.sleep(5); // let the real clock pass any counter overflow of the test above
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(Ids.newId(Clock.systemUTC()));
        long after = System.currentTimeMillis();
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }
}

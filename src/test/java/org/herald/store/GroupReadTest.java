package org.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GroupReadTest {

    @Test
    void lookupsThatArriveWhileAQueryRunsAreAnsweredByOneQuery() throws Exception {
        int callers = 50;
        List<Set<Integer>> queries = new CopyOnWriteArrayList<>();
        AtomicReference<GroupRead<Integer, String>> self = new AtomicReference<>();
        Function<Set<Integer>, Map<Integer, String>> readAll = keys -> {
            if (queries.isEmpty()) {
                // the first query is slow: it lasts until everyone else has queued up behind it
                await().atMost(Duration.ofSeconds(10)).until(() -> self.get().waiting() + keys.size() == callers);
            }
            queries.add(Set.copyOf(keys));
            return keys.stream().filter(k -> k % 3 != 0).collect(Collectors.toMap(k -> k, k -> "v" + k));
        };
        try (GroupRead<Integer, String> reads = new GroupRead<>("test", 1, readAll);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            self.set(reads);
            List<Future<Map<Integer, String>>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int key = i;
                answers.add(pool.submit(() -> reads.read(List.of(key))));
            }
            for (int i = 0; i < callers; i++) {
                assertThat(answers.get(i).get()).isEqualTo(i % 3 == 0 ? Map.of() : Map.of(i, "v" + i));
            }
        }
        assertThat(queries).as("one slow query, then one for everyone who queued behind it").hasSize(2);
        assertThat(queries.stream().mapToInt(Set::size).sum()).isEqualTo(callers);
    }

    @Test
    void whatTheQueryThrowsReachesEveryCallerOfThatQuery() {
        try (GroupRead<Integer, String> reads = new GroupRead<>("test", 1, keys -> {
            throw new IllegalStateException("database down");
        })) {
            assertThatThrownBy(() -> reads.read(List.of(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("database down");
        }
    }

    @Test
    void withoutReaderThreadsTheCallerQueriesItself() {
        List<String> threads = new CopyOnWriteArrayList<>();
        try (GroupRead<Integer, String> reads = new GroupRead<>("test", 0, keys -> {
            threads.add(Thread.currentThread().getName());
            return Map.of(1, "one");
        })) {
            assertThat(reads.read(List.of(1, 2))).isEqualTo(Map.of(1, "one"));
        }
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }
}

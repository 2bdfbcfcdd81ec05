package org.herald.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** The reader and writer threads of {@link GroupCommit} and {@link GroupRead}. */
final class Workers {
    private Workers() {}

    /** What a worker answered for the caller; throws what the worker threw. */
    static <T> T await(CompletableFuture<T> answer, String doing) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits up to ten seconds for each thread to finish what is queued. */
    static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

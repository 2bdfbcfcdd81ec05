package org.herald.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The sessions subscribed to each topic, kept per event loop, so that a publish hands each loop its own subscribers
 * without sorting thousands of sessions first. A loop's list is changed and read only on that loop (a join or leave
 * made elsewhere is carried there), so it needs no lock. Topics and loops stay once seen: their number is small (the
 * topics client tokens allow, times the loops), as long as subscribers' transports share their loops' executors (an
 * executor of its own per connection would leave an entry per connection).
 */
final class TopicSubscribers {
    private final Map<String, Map<Executor, List<Session>>> byTopic = new ConcurrentHashMap<>();

    /** Adds the session to the topic (from any thread; it takes effect on the session's loop, in call order). */
    void join(Session s, String topic) {
        Map<Executor, List<Session>> loops = byTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        Executor loop = s.transport().executor();
        onLoopOf(s, () -> loops.computeIfAbsent(loop, l -> new ArrayList<>()).add(s));
    }

    /** Removes the session from the topic (from any thread; it takes effect on the session's loop). */
    void leave(Session s, String topic) {
        Map<Executor, List<Session>> loops = byTopic.get(topic);
        if (loops == null) return;
        Executor loop = s.transport().executor();
        onLoopOf(s, () -> {
            List<Session> members = loops.get(loop);
            if (members != null) members.remove(s);
        });
    }

    /**
     * Calls {@code each} with every loop that has had subscribers of the topic and a task that, run on that loop,
     * gets them as they are then.
     */
    void forEachLoop(String topic, BiConsumer<Executor, Supplier<Session[]>> each) {
        Map<Executor, List<Session>> loops = byTopic.get(topic);
        if (loops == null) return;
        for (Map.Entry<Executor, List<Session>> e : loops.entrySet()) {
            List<Session> members = e.getValue();
            each.accept(e.getKey(), () -> members.toArray(new Session[0]));
        }
    }

    private static void onLoopOf(Session s, Runnable change) {
        if (s.transport().inExecutor()) change.run();
        else s.transport().executor().execute(change);
    }
}

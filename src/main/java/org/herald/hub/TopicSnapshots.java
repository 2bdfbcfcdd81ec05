package org.herald.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The current state of a topic, sent to a client in its {@code subscribed} answer (e.g. all BLF states). */
public final class TopicSnapshots {
    private final Map<String, Supplier<Object>> providers = new ConcurrentHashMap<>();

    public void register(String topic, Supplier<Object> snapshot) {
        providers.put(topic, snapshot);
    }

    /** The snapshot of a topic; an empty object for topics without a provider. */
    public Object snapshot(String topic) {
        Supplier<Object> p = providers.get(topic);
        return p == null ? Map.of() : p.get();
    }
}

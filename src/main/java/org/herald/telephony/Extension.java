package org.herald.telephony;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An extension's current state, since when, and who it is on the panel. */
public record Extension(ExtensionKey key, String hint, ExtensionState state, Instant since, String name, String group,
                        Map<String, Boolean> queues) {
    /** @param queues the tracked queues it is a member of, each with whether the member is paused */
    public Extension {
        queues = Map.copyOf(queues);
    }

    /** The JSON shape of the API and of the hub topic {@code blf}. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pbx", key.pbx());
        m.put("exten", key.exten());
        m.put("context", key.context());
        m.put("name", name);
        m.put("group", group);
        m.put("state", state.word());
        m.put("state_code", state.code());
        m.put("since", since.toString());
        m.put("queues", new java.util.TreeMap<>(queues).entrySet().stream()
                .map(q -> {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("queue", q.getKey());
                    one.put("paused", q.getValue());
                    return one;
                }).toList());
        return m;
    }
}

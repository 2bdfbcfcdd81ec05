package org.herald.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides, for one recipient and notification type, which channels get a delivery and which are skipped because the
 * recipient unsubscribed. A type with an entry of its own is decided by that entry alone; a type without one by the
 * "*" entry (api.md: "*" is the default for types without an entry). A channel the deciding entry does not name is
 * allowed.
 */
public final class SubscriptionResolver {
    public record Decision(String channel, boolean subscribed) {}

    private SubscriptionResolver() {}

    public static List<Decision> decide(Map<String, Map<String, Boolean>> subscriptions, String type,
                                        List<String> requested, List<String> defaults) {
        Map<String, Boolean> entry = subscriptions.containsKey(type) ? subscriptions.get(type) : subscriptions.getOrDefault("*", Map.of());
        List<String> candidates = requested != null ? requested : entry.isEmpty() ? defaults : List.copyOf(entry.keySet());
        List<Decision> out = new ArrayList<>(candidates.size());
        for (String channel : candidates) {
            Boolean on = entry.get(channel);
            out.add(new Decision(channel, on == null || on));
        }
        return out;
    }
}

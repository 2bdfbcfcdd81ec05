package org.herald.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Decides, for one recipient and notification type, which channels get a delivery and which are skipped because the
 * recipient unsubscribed. The entry for the type wins over the "*" entry; a channel in neither is allowed.
 */
public final class SubscriptionResolver {
    public record Decision(String channel, boolean subscribed) {}

    private SubscriptionResolver() {}

    public static List<Decision> decide(Map<String, Map<String, Boolean>> subscriptions, String type,
                                        List<String> requested, List<String> defaults) {
        Map<String, Boolean> forType = subscriptions.getOrDefault(type, Map.of());
        Map<String, Boolean> forAll = subscriptions.getOrDefault("*", Map.of());
        List<String> candidates;
        if (requested != null) {
            candidates = requested;
        } else {
            LinkedHashSet<String> named = new LinkedHashSet<>(forType.keySet());
            named.addAll(forAll.keySet());
            candidates = named.isEmpty() ? defaults : List.copyOf(named);
        }
        List<Decision> out = new ArrayList<>(candidates.size());
        for (String channel : candidates) {
            Boolean on = forType.containsKey(channel) ? forType.get(channel) : forAll.get(channel);
            out.add(new Decision(channel, on == null || on));
        }
        return out;
    }
}

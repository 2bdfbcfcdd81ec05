package org.herald.channel;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The channels this server knows by name and those that are enabled (have an implementation configured). Besides the
 * built-in names, a channel of an external gateway module (xmpp, telegram …) is known once it is configured.
 */
public final class ChannelRegistry {
    /** The built-in channel names; with the configured ones, every name the API accepts (else 400 unknown_channel). */
    public static final Set<String> KNOWN = Set.of("browser", "webpush", "email", "sms", "inbox", "external");

    private final Map<String, Channel> enabled = new LinkedHashMap<>();

    public ChannelRegistry(List<Channel> channels) {
        for (Channel c : channels) enabled.put(c.name(), c);
    }

    public boolean isKnown(String name) {
        return KNOWN.contains(name) || enabled.containsKey(name);
    }

    /** Every name the API accepts. */
    public Set<String> knownNames() {
        Set<String> names = new java.util.TreeSet<>(KNOWN);
        names.addAll(enabled.keySet());
        return names;
    }

    public Optional<Channel> get(String name) {
        return Optional.ofNullable(enabled.get(name));
    }

    public Collection<Channel> enabled() {
        return enabled.values();
    }
}

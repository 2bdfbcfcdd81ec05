package org.herald.channel;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The channels this server knows by name and those that are enabled (have an implementation configured). */
public final class ChannelRegistry {
    /** Every channel name the API accepts; a name outside this set is a 400 unknown_channel. */
    public static final Set<String> KNOWN = Set.of("browser", "webpush", "email", "sms", "inbox", "external");

    private final Map<String, Channel> enabled = new LinkedHashMap<>();

    public ChannelRegistry(List<Channel> channels) {
        for (Channel c : channels) {
            if (!KNOWN.contains(c.name())) throw new IllegalArgumentException("unknown channel name " + c.name());
            enabled.put(c.name(), c);
        }
    }

    public boolean isKnown(String name) {
        return KNOWN.contains(name);
    }

    public Optional<Channel> get(String name) {
        return Optional.ofNullable(enabled.get(name));
    }

    public Collection<Channel> enabled() {
        return enabled.values();
    }
}

package org.herald.hub;

import java.util.List;
import org.herald.core.RecipientId;

/**
 * Who is connected. The in-process implementation is the {@link Hub}'s own registry; a cluster implementation sums
 * the nodes and forgets a node's connections when the node stops refreshing them.
 */
public interface Presence {
    int connections(RecipientId recipient);

    default boolean isOnline(RecipientId recipient) {
        return connections(recipient) > 0;
    }

    /** Online recipients of one kind (e.g. {@code admin}), sorted. */
    List<RecipientId> online(String kind);
}

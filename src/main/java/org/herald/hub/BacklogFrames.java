package org.herald.hub;

import java.util.ArrayList;
import java.util.List;
import org.herald.store.BrowserStore;

/**
 * A backlog read from the database for one session, as notification frames with their delivery ids (same order),
 * and the highest sequence number among them (at least {@code since}).
 */
public record BacklogFrames(List<String> frames, List<String> deliveryIds, long through) {
    public static BacklogFrames of(List<BrowserStore.Entry> entries, long since) {
        List<String> frames = new ArrayList<>(entries.size());
        List<String> ids = new ArrayList<>(entries.size());
        long through = since;
        for (BrowserStore.Entry e : entries) {
            frames.add(Frames.notification(e.delivery().seq(), e.delivery().id(), e.notification()));
            ids.add(e.delivery().id());
            through = Math.max(through, e.delivery().seq());
        }
        return new BacklogFrames(List.copyOf(frames), List.copyOf(ids), through);
    }
}

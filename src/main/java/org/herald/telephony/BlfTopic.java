package org.herald.telephony;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.hub.Bus;
import org.herald.hub.Frames;
import org.herald.hub.TopicSnapshots;

/**
 * Publishes BLF changes to the hub topic {@code blf}: a subscriber gets the whole panel in its {@code subscribed}
 * answer, then events {@code {"kind":"state","extensions":[…]}}, {@code {"kind":"removed","extensions":[{pbx,
 * context,exten}]}} and {@code {"kind":"pbx","pbx":{id,connected,since,error},"pbx_connected":…}}.
 */
public final class BlfTopic implements BlfState.Listener {
    public static final String TOPIC = "blf";

    private final Bus bus;
    private final BlfState state;

    public BlfTopic(Bus bus, BlfState state, TopicSnapshots snapshots) {
        this.bus = bus;
        this.state = state;
        snapshots.register(TOPIC, state::view);
    }

    @Override
    public void changed(List<Extension> extensions) {
        publish(Map.of("kind", "state", "extensions", extensions.stream().map(Extension::view).toList()));
    }

    @Override
    public void removed(List<ExtensionKey> keys) {
        publish(Map.of("kind", "removed", "extensions", keys.stream()
                .map(k -> Map.of("pbx", k.pbx(), "context", k.context(), "exten", k.exten())).toList()));
    }

    @Override
    public void pbx(BlfState.PbxStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "pbx");
        m.put("pbx", status.view());
        m.put("pbx_connected", state.allConnected());
        publish(m);
    }

    private void publish(Map<String, Object> data) {
        bus.toTopic(TOPIC, Frames.event(TOPIC, data));
    }
}

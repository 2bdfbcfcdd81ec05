package org.herald.hub;

import java.time.Duration;
import org.herald.config.HubConfig;
import org.herald.core.Durations;

/** The hub's settings with durations parsed. */
public record HubSettings(Duration connectTimeout, Duration pingInterval, int outboundBufferBytes, int maxFrameBytes,
                          int maxFramesPerSecond, int replayLimit) {
    public static HubSettings from(HubConfig c) {
        return new HubSettings(Durations.parse(c.connectTimeout()), Durations.parse(c.pingInterval()), c.outboundBufferBytes(),
                c.maxFrameBytes(), c.maxFramesPerSecond(), c.replayLimit());
    }
}

package org.herald.gateway;

import org.herald.config.GatewayConfig;

/** What every configured gateway shares: its configuration, whose id and channel are the gateway's. */
public abstract class ConfiguredGateway implements Gateway {
    protected final GatewayConfig config;

    protected ConfiguredGateway(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public final String id() {
        return config.id();
    }

    @Override
    public final String channel() {
        return config.channel();
    }
}

package org.herald.gateway;

import org.herald.config.GatewayConfig;
import org.herald.gateway.module.ModuleGateway;
import org.herald.gateway.smpp.SmppGateway;

/** Builds the gateway a configuration's {@code module} names. */
public final class GatewayFactory {
    private final GatewayEvents events;

    public GatewayFactory(GatewayEvents events) {
        this.events = events;
    }

    public Gateway create(GatewayConfig c) {
        return switch (c.module()) {
            case "smtp" -> new SmtpGateway(c);
            case "http" -> new HttpSmsGateway(c);
            case "smpp" -> new SmppGateway(c, events);
            case "external" -> new ModuleGateway(c, events);
            default -> throw new IllegalArgumentException("gateway " + c.id() + ": unknown module " + c.module());
        };
    }
}

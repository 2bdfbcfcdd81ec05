package org.herald.config;

import java.util.List;
import java.util.Objects;

public record AuthConfig(
        @Doc(value = "Server API keys accepted besides those created with `herald keys create` (HERALD_API_KEY adds one).",
                aliases = "HERALD_API_KEY", secret = true)
        List<String> apiKeys,
        @Doc(value = "HS256 secret for client tokens (JWT). Empty: generated on first start into data_dir/client-secret.",
                aliases = "HERALD_CLIENT_SECRET", secret = true)
        String clientSecret,
        @Doc("Serve /metrics without a server API key (for a Prometheus on a trusted network).")
        Boolean metricsPublic,
        @Doc("Longest lifetime of a client token minted through POST /api/v1/tokens.")
        String maxTokenTtl) {

    public static final String DEFAULT_MAX_TOKEN_TTL = "30d";

    public AuthConfig {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        clientSecret = clientSecret == null || clientSecret.isBlank() ? null : clientSecret;
        metricsPublic = Objects.requireNonNullElse(metricsPublic, false);
        maxTokenTtl = Objects.requireNonNullElse(maxTokenTtl, DEFAULT_MAX_TOKEN_TTL);
    }
}

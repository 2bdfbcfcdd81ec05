package org.herald.channel.webpush;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which push endpoints Herald sends to. An endpoint is chosen by whoever holds a client token, so it is checked
 * against an allow-list of push-service origins before it is stored or used: Herald must not be a tool for reaching
 * internal addresses (SSRF). Entries are origins; {@code https://*.example.com} matches subdomains, not the apex.
 */
public final class EndpointPolicy {
    static final int MAX_LENGTH = 2000;

    private record Allowed(String scheme, String host, boolean subdomains, int port) {}

    private final List<Allowed> allowed;

    public EndpointPolicy(List<String> origins) {
        this.allowed = origins.stream().map(EndpointPolicy::parseOrigin).toList();
    }

    /** Why the endpoint is refused (completing "endpoint …"), or empty when Herald may push to it. */
    public Optional<String> check(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) return Optional.of("is required");
        if (endpoint.length() > MAX_LENGTH) return Optional.of("is longer than " + MAX_LENGTH + " characters");
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) return Optional.of("must be an https URL");
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must be a plain https URL (host, path; no user info or fragment)");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
        for (Allowed a : allowed) {
            if (!a.scheme().equals(scheme) || a.port() != port) continue;
            boolean hostMatches = a.subdomains() ? host.endsWith("." + a.host()) : host.equals(a.host());
            if (hostMatches) return Optional.empty();
        }
        if (!scheme.equals("https")) return Optional.of("must be an https URL");
        return Optional.of("is not on a known push service (host " + host + " is not in webpush.allowed_endpoints)");
    }

    private static Allowed parseOrigin(String origin) {
        URI uri = URI.create(origin.replace("://*.", "://wildcard."));
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean sub = origin.contains("://*.");
        if (sub) host = host.substring("wildcard.".length());
        return new Allowed(scheme, host, sub, uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort());
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }
}

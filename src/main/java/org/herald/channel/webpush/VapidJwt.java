package org.herald.channel.webpush;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.herald.core.Json;

/**
 * VAPID authorization (RFC 8292): an ES256 JWT per push-service origin, signed with the server's key, cached until
 * shortly before it expires. The header value is {@code vapid t=<jwt>, k=<public key>}.
 */
public final class VapidJwt {
    static final Duration LIFETIME = Duration.ofHours(12);
    /** A cached token is renewed when less than this is left, so one in flight never arrives expired. */
    static final Duration RENEW_BEFORE = Duration.ofHours(1);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

    private final VapidKeys keys;
    private final String subject;
    private final Clock clock;
    private final String k;
    private final ConcurrentHashMap<String, Cached> byAudience = new ConcurrentHashMap<>();

    private record Cached(String header, Instant expires) {}

    /** @param subject the operator's contact, a {@code mailto:} or {@code https:} URI */
    public VapidJwt(VapidKeys keys, String subject, Clock clock) {
        this.keys = keys;
        this.subject = subject;
        this.clock = clock;
        this.k = keys.publicKeyBase64();
    }

    /** The {@code Authorization} header value for a push to {@code endpoint}. */
    public String authorization(URI endpoint) {
        String aud = audience(endpoint);
        Instant now = clock.instant();
        Cached c = byAudience.get(aud);
        if (c == null || c.expires().minus(RENEW_BEFORE).isBefore(now)) {
            Instant exp = now.plus(LIFETIME);
            c = new Cached("vapid t=" + sign(aud, exp.getEpochSecond()) + ", k=" + k, exp);
            byAudience.put(aud, c);
        }
        return c.header();
    }

    /** The JWT for an audience and expiry (seconds since the epoch); claims in the order aud, exp, sub. */
    String sign(String audience, long exp) {
        String claims = "{\"aud\":" + Json.write(audience) + ",\"exp\":" + exp + ",\"sub\":" + Json.write(subject) + "}";
        String signingInput = HEADER + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(keys.privateKey());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The origin of a push endpoint: {@code scheme://host[:port]}, the port only when not the scheme's default. */
    public static String audience(URI endpoint) {
        String scheme = endpoint.getScheme().toLowerCase();
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + endpoint.getHost().toLowerCase() + (defaultPort ? "" : ":" + port);
    }
}

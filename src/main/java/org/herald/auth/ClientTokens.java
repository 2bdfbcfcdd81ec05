package org.herald.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.JWTVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.herald.core.RecipientId;

/** Client tokens: HS256 JWTs with {@code sub} (recipient), {@code exp} (required) and optional {@code topics}. */
public final class ClientTokens {
    /** A verified client token. */
    public record ClientPrincipal(RecipientId recipient, List<String> topics, Instant expiresAt) {}

    /** Why a token was refused; the message is safe to show to the client. */
    public static final class InvalidTokenException extends Exception {
        private final boolean expired;

        public InvalidTokenException(String message) {
            this(message, false);
        }

        public InvalidTokenException(String message, boolean expired) {
            super(message);
            this.expired = expired;
        }

        /** The token was genuine but its exp had passed. */
        public boolean expired() {
            return expired;
        }
    }

    private final Algorithm algorithm;
    private final Clock clock;

    public ClientTokens(String secret, Clock clock) {
        this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    public String mint(RecipientId recipient, Duration ttl, List<String> topics) {
        Instant now = clock.instant();
        var builder = JWT.create().withSubject(recipient.toString()).withIssuedAt(now).withExpiresAt(now.plus(ttl));
        if (topics != null && !topics.isEmpty()) builder.withClaim("topics", topics);
        return builder.sign(algorithm);
    }

    public ClientPrincipal verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) throw new InvalidTokenException("no client token");
        JWTVerifier verifier = ((com.auth0.jwt.JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withClaimPresence("exp").withClaimPresence("sub").acceptLeeway(0))
                .build(clock);
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new InvalidTokenException("client token expired", true);
        } catch (JWTVerificationException e) {
            throw new InvalidTokenException("invalid client token: " + e.getMessage());
        }
        RecipientId recipient;
        try {
            recipient = RecipientId.parse(jwt.getSubject());
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("invalid client token: sub is not a recipient id: " + e.getMessage());
        }
        List<String> topics = jwt.getClaim("topics").isMissing() || jwt.getClaim("topics").isNull()
                ? List.of() : jwt.getClaim("topics").asList(String.class);
        return new ClientPrincipal(recipient, topics == null ? List.of() : topics, jwt.getExpiresAtAsInstant());
    }
}

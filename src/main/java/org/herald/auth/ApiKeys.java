package org.herald.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.herald.store.ApiKeyStore;

/** Server API keys: those of the configuration and those in the database, compared by SHA-256 hash. */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Set<String> configured;
    private final ApiKeyStore store;
    private final Set<String> knownGood = ConcurrentHashMap.newKeySet();

    public ApiKeys(List<String> configuredKeys, ApiKeyStore store) {
        this.configured = Set.copyOf(configuredKeys.stream().map(ApiKeys::hash).toList());
        this.store = store;
    }

    /** True when the key is known without asking the database (configured, or accepted before): no I/O. */
    public boolean isKnown(String key) {
        if (key == null || key.isEmpty()) return false;
        String h = hash(key);
        return configured.contains(h) || knownGood.contains(h);
    }

    public boolean isValid(String key) {
        if (key == null || key.isEmpty()) return false;
        String h = hash(key);
        if (configured.contains(h) || knownGood.contains(h)) return true;
        if (store.exists(h)) {
            knownGood.add(h);
            return true;
        }
        return false;
    }

    /** A new random key: {@code hk_} and 43 base64url characters (256 bits). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "hk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

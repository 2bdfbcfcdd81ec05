package org.herald.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.herald.config.HeraldConfig;
import org.herald.auth.ApiKeys;
import org.herald.store.ApiKeyStore;

/** State Herald makes for itself on first start: the data directory, the client-token secret, a first API key. */
final class FirstStart {
    static final String CLIENT_SECRET_FILE = "client-secret";

    private FirstStart() {}

    static Path dataDir(HeraldConfig config) {
        Path dir = config.dataPath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
        return dir;
    }

    /**
     * The configured client secret, else the one in data_dir/client-secret, else a new random one written there
     * (owner-only permissions). It is never printed.
     */
    static String clientSecret(HeraldConfig config) {
        if (config.auth().clientSecret() != null) return config.auth().clientSecret();
        Path file = dataDir(config).resolve(CLIENT_SECRET_FILE);
        try {
            if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).trim();
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the client secret " + file, e);
        }
    }

    /** When no key is configured and none is stored, creates one and returns it (to be shown once), else null. */
    static String firstApiKey(HeraldConfig config, ApiKeyStore keys) {
        if (!config.auth().apiKeys().isEmpty() || keys.count() > 0) return null;
        String key = ApiKeys.generate();
        keys.add("first-start", ApiKeys.hash(key));
        return key;
    }
}

package org.herald.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.channel.webpush.VapidKeys;
import org.herald.config.HeraldConfig;
import org.herald.core.Json;

/**
 * The VAPID key pair: from the configuration when set there, else {@code <data_dir>/vapid.json} (owner-only), made
 * once. Browsers subscribe with the public key, so replacing the pair cuts every existing subscription off.
 */
final class VapidKeyFile {
    static final String FILE = "vapid.json";

    private VapidKeyFile() {}

    /** The pair in effect; generates and stores one when neither configuration nor file has it. */
    static VapidKeys load(HeraldConfig config, org.slf4j.Logger log) {
        var w = config.webpush();
        if (w.vapidPublicKey() != null) return VapidKeys.decode(w.vapidPublicKey(), w.vapidPrivateKey());
        Path file = path(config);
        if (Files.exists(file)) return read(file);
        VapidKeys keys = VapidKeys.generate();
        write(file, keys);
        log.info("generated a VAPID key pair for Web Push in {} (public key {})", file, keys.publicKeyBase64());
        return keys;
    }

    static Path path(HeraldConfig config) {
        return config.dataPath().resolve(FILE);
    }

    static VapidKeys read(Path file) {
        try {
            Map<String, Object> m = Json.readMap(Files.readString(file, StandardCharsets.UTF_8));
            return VapidKeys.decode((String) m.get("public_key"), (String) m.get("private_key"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the VAPID keys in " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the VAPID keys in " + file + " are damaged: " + e.getMessage(), e);
        }
    }

    /** Writes the pair atomically with owner-only permissions (replacing an earlier file). */
    static void write(Path file, VapidKeys keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("public_key", keys.publicKeyBase64());
        m.put("private_key", keys.privateKeyBase64());
        m.put("created_at", Instant.now().toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".vapid", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.write(m) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the VAPID keys to " + file, e);
        }
    }
}

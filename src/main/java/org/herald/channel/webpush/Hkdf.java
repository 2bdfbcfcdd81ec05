package org.herald.channel.webpush;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with SHA-256 (RFC 5869); JDK 21 has no HKDF API. Outputs here are at most one hash long. */
final class Hkdf {
    private Hkdf() {}

    static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm);
    }

    /** HKDF-Expand for {@code length} ≤ 32 bytes: the first block {@code HMAC(prk, info || 0x01)}, truncated. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length > 32) throw new IllegalArgumentException("expand beyond one block is not needed here");
        byte[] input = Arrays.copyOf(info, info.length + 1);
        input[info.length] = 1;
        return Arrays.copyOf(hmac(prk, input), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

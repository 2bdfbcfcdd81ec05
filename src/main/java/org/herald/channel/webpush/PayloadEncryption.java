package org.herald.channel.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.List;

/**
 * Web Push message encryption (RFC 8291): an ephemeral ECDH key pair per message, the subscription's auth secret,
 * and one {@code aes128gcm} record of at most 4096 bytes.
 */
public final class PayloadEncryption {
    public static final int RECORD_SIZE = 4096;
    /** Largest plaintext push services take: their 4096-byte body limit minus the 86-byte header, tag and delimiter. */
    public static final int MAX_PLAINTEXT = 3993;
    private static final byte[] KEY_INFO_PREFIX = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private PayloadEncryption() {}

    /** Encrypts for a subscription with a fresh ephemeral key pair and salt. */
    public static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Ecdh ecdh = Ecdh.preferred();
        return encrypt(plaintext, uaPublic, authSecret, ecdh.generate(), salt, ecdh);
    }

    /** Encrypts with a given ephemeral key pair and salt (the RFC's test vector fixes both). */
    public static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair ephemeral, byte[] salt,
            Ecdh ecdh) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes exceeds " + MAX_PLAINTEXT);
        }
        if (authSecret.length != 16) throw new IllegalArgumentException("auth secret must be 16 bytes");
        byte[] asPublic = P256.encode((ECPublicKey) ephemeral.getPublic());
        byte[] ecdhSecret;
        try {
            ecdhSecret = ecdh.agree(ephemeral.getPrivate(), uaPublic);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ECDH with the subscription's key failed: " + e.getMessage(), e);
        }
        byte[] uaBytes = P256.encode(uaPublic);
        byte[] keyInfo = new byte[KEY_INFO_PREFIX.length + 130];
        System.arraycopy(KEY_INFO_PREFIX, 0, keyInfo, 0, KEY_INFO_PREFIX.length);
        System.arraycopy(uaBytes, 0, keyInfo, KEY_INFO_PREFIX.length, 65);
        System.arraycopy(asPublic, 0, keyInfo, KEY_INFO_PREFIX.length + 65, 65);
        byte[] ikm = Hkdf.expand(Hkdf.extract(authSecret, ecdhSecret), keyInfo, 32);
        return ContentEncoding.encrypt(ikm, salt, RECORD_SIZE, asPublic,
                List.of(new ContentEncoding.Chunk(plaintext, 0)));
    }
}

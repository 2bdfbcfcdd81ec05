package org.herald.channel.webpush;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The {@code aes128gcm} content coding of RFC 8188: a header (salt, record size, key id) and AES-GCM records. */
public final class ContentEncoding {
    private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);
    static final int TAG_BYTES = 16;

    private ContentEncoding() {}

    /** One record's content: {@code data} followed by its delimiter and {@code padding} zero octets. */
    public record Chunk(byte[] data, int padding) {}

    /**
     * Encrypts {@code chunks} as consecutive records. Each chunk plus delimiter and padding must fit the record size
     * ({@code rs - 16}); every record but the last must fill it exactly, as RFC 8188 §2 asks.
     */
    public static byte[] encrypt(byte[] ikm, byte[] salt, int rs, byte[] keyId, List<Chunk> chunks) {
        if (salt.length != 16) throw new IllegalArgumentException("salt must be 16 bytes");
        if (keyId.length > 255) throw new IllegalArgumentException("key id longer than 255 bytes");
        byte[] prk = Hkdf.extract(salt, ikm);
        byte[] cek = Hkdf.expand(prk, CEK_INFO, 16);
        byte[] baseNonce = Hkdf.expand(prk, NONCE_INFO, 12);
        ByteArrayOutputStream out = new ByteArrayOutputStream(21 + keyId.length + chunks.size() * rs);
        out.writeBytes(salt);
        out.write(rs >>> 24);
        out.write(rs >>> 16);
        out.write(rs >>> 8);
        out.write(rs);
        out.write(keyId.length);
        out.writeBytes(keyId);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            SecretKeySpec key = new SecretKeySpec(cek, "AES");
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                boolean last = i == chunks.size() - 1;
                int plainLength = c.data().length + 1 + c.padding();
                if (plainLength + TAG_BYTES > rs || (!last && plainLength + TAG_BYTES != rs)) {
                    throw new IllegalArgumentException("record " + i + " does not fit record size " + rs);
                }
                byte[] plain = new byte[plainLength];
                System.arraycopy(c.data(), 0, plain, 0, c.data().length);
                plain[c.data().length] = (byte) (last ? 2 : 1);
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(baseNonce, i)));
                out.writeBytes(cipher.doFinal(plain));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The record's nonce: the base nonce XOR the record sequence number (big-endian, right-aligned). */
    private static byte[] nonce(byte[] base, long seq) {
        byte[] n = base.clone();
        for (int i = 0; i < 8; i++) n[11 - i] ^= (byte) (seq >>> (8 * i));
        return n;
    }
}

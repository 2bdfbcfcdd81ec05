package org.herald.channel.webpush;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/** The application server's VAPID key pair (RFC 8292), in the base64url forms that are stored and published. */
public record VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey) {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static VapidKeys generate() {
        KeyPair kp = P256.generate();
        return new VapidKeys((ECPublicKey) kp.getPublic(), (ECPrivateKey) kp.getPrivate());
    }

    /** Reads a stored pair: the public key as a 65-byte uncompressed point and the private key as a 32-byte scalar. */
    public static VapidKeys decode(String publicB64u, String privateB64u) {
        byte[] priv = Base64.getUrlDecoder().decode(privateB64u.trim());
        if (priv.length != 32) throw new IllegalArgumentException("VAPID private key must be 32 bytes, got " + priv.length);
        try {
            return new VapidKeys(P256.publicKey(Base64.getUrlDecoder().decode(publicB64u.trim())), P256.privateKey(priv));
        } catch (P256.InvalidPointException e) {
            throw new IllegalArgumentException("VAPID public key " + e.getMessage());
        }
    }

    /** The public key as browsers take it for {@code applicationServerKey} (base64url, no padding). */
    public String publicKeyBase64() {
        return B64.encodeToString(P256.encode(publicKey));
    }

    public String privateKeyBase64() {
        return B64.encodeToString(P256.encode(privateKey));
    }
}

package org.herald.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.herald.core.Json;

/**
 * The receiving side of Web Push, written apart from Herald's sender so that each checks the other: what a browser
 * does to decrypt a push (RFC 8291 / RFC 8188) and what a push service does to check a VAPID JWT (RFC 8292).
 */
public final class PushReceiver {
    private static final Base64.Decoder D = Base64.getUrlDecoder();
    private static final Base64.Encoder E = Base64.getUrlEncoder().withoutPadding();

    /** A browser's subscription keys: the key pair behind {@code p256dh} and the 16-byte {@code auth} secret. */
    public record BrowserKeys(KeyPair keyPair, byte[] auth) {
        public static BrowserKeys generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                byte[] auth = new byte[16];
                new SecureRandom().nextBytes(auth);
                return new BrowserKeys(g.generateKeyPair(), auth);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String p256dh() {
            return E.encodeToString(uncompressed((ECPublicKey) keyPair.getPublic()));
        }

        public String authB64() {
            return E.encodeToString(auth);
        }

        /** The subscription JSON a browser's {@code PushSubscription.toJSON()} gives. */
        public Map<String, Object> subscription(String endpoint) {
            return Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh(), "auth", authB64()));
        }
    }

    private PushReceiver() {}

    /** Decrypts an {@code aes128gcm} Web Push body for a subscription. Throws on any malformed or forged input. */
    public static byte[] decrypt(byte[] body, PrivateKey uaPrivate, ECPublicKey uaPublic, byte[] auth) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        int rs = b.getInt();
        int idLen = b.get() & 0xff;
        byte[] asPublicBytes = new byte[idLen];
        b.get(asPublicBytes);
        if (idLen != 65) throw new GeneralSecurityException("key id is not a P-256 point: " + idLen + " bytes");
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(uaPrivate);
        ka.doPhase(point(asPublicBytes), true);
        byte[] ecdh = ka.generateSecret();
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uncompressed(uaPublic), asPublicBytes, new byte[] {1});
        byte[] ikm = hmac(hmac(auth, ecdh), keyInfo);
        return decryptRecords(ikm, salt, rs, b);
    }

    /** RFC 8188 decryption from the input keying material. */
    public static byte[] decrypt(byte[] body, byte[] ikm) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        int rs = b.getInt();
        int idLen = b.get() & 0xff;
        b.position(b.position() + idLen);
        return decryptRecords(ikm, salt, rs, b);
    }

    private static byte[] decryptRecords(byte[] ikm, byte[] salt, int rs, ByteBuffer b) throws GeneralSecurityException {
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), new byte[] {1})), 12);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long seq = 0;
        boolean sawLast = false;
        while (b.hasRemaining()) {
            if (sawLast) throw new GeneralSecurityException("data after the last record");
            byte[] record = new byte[Math.min(rs, b.remaining())];
            b.get(record);
            byte[] iv = nonce.clone();
            byte[] s = BigInteger.valueOf(seq++).toByteArray();
            for (int i = 0; i < s.length; i++) iv[11 - i] ^= s[s.length - 1 - i];
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, iv));
            byte[] plain = c.doFinal(record);
            int end = plain.length - 1;
            while (end >= 0 && plain[end] == 0) end--;
            if (end < 0) throw new GeneralSecurityException("record without delimiter");
            sawLast = plain[end] == 2;
            if (!sawLast && plain[end] != 1) throw new GeneralSecurityException("bad delimiter " + plain[end]);
            out.write(plain, 0, end);
        }
        if (!sawLast) throw new GeneralSecurityException("truncated: no last record");
        return out.toByteArray();
    }

    /** What a push service learns from a valid {@code Authorization: vapid t=…, k=…} header. */
    public record Vapid(String aud, long exp, String sub, String k) {}

    /**
     * Checks a VAPID header as a push service does: the signature against {@code k}, {@code aud} equal to the
     * service's origin, {@code exp} in the future and at most 24 hours ahead of {@code clock}.
     */
    public static Vapid verifyVapid(String authorization, String expectedAudience, Clock clock) throws GeneralSecurityException {
        if (authorization == null || !authorization.startsWith("vapid ")) throw new GeneralSecurityException("not a vapid authorization: " + authorization);
        String t = null, k = null;
        for (String part : authorization.substring(6).split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) t = p.substring(2);
            else if (p.startsWith("k=")) k = p.substring(2);
        }
        if (t == null || k == null) throw new GeneralSecurityException("t or k missing");
        return verifyJwt(t, k, expectedAudience, clock);
    }

    public static Vapid verifyJwt(String jwt, String k, String expectedAudience, Clock clock) throws GeneralSecurityException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) throw new GeneralSecurityException("not a JWS compact serialization");
        Map<String, Object> header = Json.readMap(new String(D.decode(parts[0]), StandardCharsets.UTF_8));
        if (!"ES256".equals(header.get("alg"))) throw new GeneralSecurityException("alg " + header.get("alg"));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(point(D.decode(k)));
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!s.verify(D.decode(parts[2]))) throw new GeneralSecurityException("bad signature");
        Map<String, Object> claims = Json.readMap(new String(D.decode(parts[1]), StandardCharsets.UTF_8));
        String aud = (String) claims.get("aud");
        long exp = ((Number) claims.get("exp")).longValue();
        long now = clock.instant().getEpochSecond();
        if (!expectedAudience.equals(aud)) throw new GeneralSecurityException("aud " + aud + " is not " + expectedAudience);
        if (exp <= now) throw new GeneralSecurityException("expired");
        if (exp > now + 24 * 3600) throw new GeneralSecurityException("exp more than 24 hours ahead");
        String sub = (String) claims.get("sub");
        if (sub == null || !(sub.startsWith("mailto:") || sub.startsWith("https:"))) throw new GeneralSecurityException("sub " + sub);
        return new Vapid(aud, exp, sub, k);
    }

    public static ECPublicKey point(byte[] uncompressed) throws GeneralSecurityException {
        if (uncompressed.length != 65 || uncompressed[0] != 4) throw new GeneralSecurityException("not an uncompressed point");
        var params = params();
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)), new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params));
    }

    public static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        fixed(key.getW().getAffineX(), out, 1);
        fixed(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static java.security.spec.ECParameterSpec params() throws GeneralSecurityException {
        var p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        return p.getParameterSpec(java.security.spec.ECParameterSpec.class);
    }

    private static void fixed(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, off + 32 - n, n);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}

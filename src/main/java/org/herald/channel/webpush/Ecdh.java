package org.herald.channel.webpush;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import javax.crypto.KeyAgreement;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two P-256 operations of payload encryption, an ephemeral key pair and ECDH with the browser's key, done by one
 * JCA provider. Conscrypt (BoringSSL) is used where its native library loads: the JDK multiplies a variable point
 * with generic field code and checks the peer's order with a second multiplication, about 14 times slower per core.
 * The provider is never installed globally, so TLS and everything else keep the JDK's.
 */
public final class Ecdh {
    private static final Logger log = LoggerFactory.getLogger(Ecdh.class);
    private static final Ecdh DEFAULT = select();

    private final Provider provider; // null: the JDK's default providers
    private final String name;

    private Ecdh(Provider provider, String name) {
        this.provider = provider;
        this.name = name;
    }

    /** Conscrypt where available, else the JDK; chosen once per process. */
    public static Ecdh preferred() {
        return DEFAULT;
    }

    public static Ecdh jdk() {
        return new Ecdh(null, "JDK");
    }

    /** @throws IllegalStateException where Conscrypt's native library cannot be loaded on this platform */
    public static Ecdh conscrypt() {
        if (!Conscrypt.isAvailable()) {
            throw new IllegalStateException("Conscrypt's native library is not available: " + unavailableReason());
        }
        return new Ecdh(Conscrypt.newProvider(), "Conscrypt " + Conscrypt.version().major() + "."
                + Conscrypt.version().minor() + "." + Conscrypt.version().patch() + " (BoringSSL)");
    }

    public String name() {
        return name;
    }

    public KeyPair generate() {
        try {
            KeyPairGenerator g = provider == null ? KeyPairGenerator.getInstance("EC")
                    : KeyPairGenerator.getInstance("EC", provider);
            g.initialize(P256.PARAMS);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key pair generation failed in " + name, e);
        }
    }

    /** The 32-byte shared secret (the x coordinate of the product). */
    public byte[] agree(PrivateKey own, ECPublicKey peer) throws GeneralSecurityException {
        KeyAgreement ka = provider == null ? KeyAgreement.getInstance("ECDH") : KeyAgreement.getInstance("ECDH", provider);
        ka.init(own);
        ka.doPhase(peer, true);
        return ka.generateSecret();
    }

    private static Ecdh select() {
        try {
            if (Conscrypt.isAvailable()) {
                Ecdh c = conscrypt();
                c.agree(c.generate().getPrivate(), (ECPublicKey) c.generate().getPublic());
                return c;
            }
            log.info("Web Push encryption uses the JDK: Conscrypt's native library is not available here ({})",
                    unavailableReason());
        } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
            log.warn("Web Push encryption uses the JDK: Conscrypt failed its self-check: {}", e.toString());
        }
        return jdk();
    }

    private static String unavailableReason() {
        try {
            Conscrypt.checkAvailability();
            return "available";
        } catch (Throwable t) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
    }
}

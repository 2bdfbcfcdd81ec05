package org.herald.bench.webpush;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.TimeUnit;
import org.herald.channel.webpush.Ecdh;
import org.herald.channel.webpush.P256;
import org.herald.channel.webpush.PayloadEncryption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Web Push encryption (RFC 8291) as Herald's channel does it per browser: a fresh ephemeral P-256 key pair,
 * ECDH with the subscription's key, HKDF, AES-128-GCM. The parts are measured too, to see where the time goes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncryptBenchmark {
    @Param({"256", "3993"})
    int plaintextBytes;

    /** Which provider does the P-256 work: Conscrypt (BoringSSL, what Herald uses on Linux x86-64) or the JDK. */
    @Param({"conscrypt", "jdk"})
    String provider;

    Ecdh ecdh;

    private static final SecureRandom RANDOM = new SecureRandom();

    byte[] plaintext;
    ECPublicKey browserKey;
    byte[] browserKeyBytes;
    byte[] auth;
    KeyPair ephemeral;

    @Setup
    public void setup() {
        ecdh = provider.equals("jdk") ? Ecdh.jdk() : Ecdh.conscrypt();
        String json = "{\"id\":\"0192f1c4-7d2a-7c3e-9a51-3f0e2b1c4d5e\",\"title\":\"Payment received\",\"text\":\"";
        StringBuilder sb = new StringBuilder(json);
        while (sb.length() < plaintextBytes - 2) sb.append('x');
        sb.append("\"}");
        plaintext = sb.toString().getBytes(StandardCharsets.UTF_8);
        KeyPair browser = P256.generate();
        browserKey = (ECPublicKey) browser.getPublic();
        browserKeyBytes = P256.encode(browserKey);
        auth = new byte[16];
        ephemeral = ecdh.generate();
    }

    /** What the channel does per push: decode the stored key, then encrypt. */
    @Benchmark
    public byte[] encrypt() throws Exception {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PayloadEncryption.encrypt(plaintext, P256.publicKey(browserKeyBytes), auth, ecdh.generate(), salt, ecdh);
    }

    @Benchmark
    public KeyPair keyPairGeneration() {
        return ecdh.generate();
    }

    @Benchmark
    public byte[] ecdh() throws Exception {
        return ecdh.agree(ephemeral.getPrivate(), browserKey);
    }

    @Benchmark
    public ECPublicKey decodeAndCheckPoint() throws Exception {
        return P256.publicKey(browserKeyBytes);
    }
}

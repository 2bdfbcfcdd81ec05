package org.herald.bench.webpush;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * For comparison only: the two P-256 steps of a Web Push encryption that dominate its cost (a fresh key pair and
 * ECDH with the browser's key) done by Bouncy Castle's optimized curve instead of the JDK's SunEC.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BouncyCastleEcdhBenchmark {
    ECDomainParameters domain;
    ECKeyPairGenerator generator;
    ECPublicKeyParameters browser;

    @Setup
    public void setup() {
        X9ECParameters p = CustomNamedCurves.getByName("secp256r1");
        domain = new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
        generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, new SecureRandom()));
        browser = (ECPublicKeyParameters) generator.generateKeyPair().getPublic();
    }

    @Benchmark
    public BigInteger keyPairAndEcdh() {
        AsymmetricCipherKeyPair ephemeral = generator.generateKeyPair();
        ECDHBasicAgreement agreement = new ECDHBasicAgreement();
        agreement.init((ECPrivateKeyParameters) ephemeral.getPrivate());
        return agreement.calculateAgreement(browser);
    }
}

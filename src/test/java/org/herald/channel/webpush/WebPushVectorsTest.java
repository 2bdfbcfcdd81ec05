package org.herald.channel.webpush;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.herald.testing.PushReceiver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The published test vectors of RFC 8291, RFC 8188 and RFC 8292, reproduced byte for byte. */
class WebPushVectorsTest {
    static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WebPushVectorsTest.class.getResourceAsStream("/webpush/vectors.json")) {
            vectors = new ObjectMapper().readTree(in);
        }
    }

    static byte[] b64(JsonNode node, String field) {
        return Base64.getUrlDecoder().decode(node.get(field).asText());
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Stream<Ecdh> providers() {
        return Stream.of(Ecdh.jdk(), Ecdh.conscrypt());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void rfc8291AppendixAMessageIsReproducedByteForByte(Ecdh ecdh) throws Exception {
        JsonNode v = vectors.get("rfc8291");
        ECPublicKey ua = P256.publicKey(b64(v, "ua_public"));
        KeyPair ephemeral = new KeyPair(P256.publicKey(b64(v, "as_public")), P256.privateKey(b64(v, "as_private")));

        byte[] body = PayloadEncryption.encrypt(b64(v, "plaintext_b64u"), ua, b64(v, "auth_secret"), ephemeral,
                b64(v, "salt"), ecdh);

        assertThat(b64(body)).isEqualTo(v.get("body").asText());
        assertThat(body).hasSize(v.get("body_length_octets").asInt());
        assertThat(b64(java.util.Arrays.copyOf(body, 86))).isEqualTo(v.get("header_86_octets").asText());
        assertThat(new String(b64(v, "plaintext_b64u"), StandardCharsets.US_ASCII)).isEqualTo(v.get("plaintext_ascii").asText());
    }

    @Test
    void rfc8291MessageDecryptsWithTheUserAgentsPrivateKey() throws Exception {
        JsonNode v = vectors.get("rfc8291");
        ECPublicKey ua = P256.publicKey(b64(v, "ua_public"));
        byte[] plain = PushReceiver.decrypt(b64(v, "body"), P256.privateKey(b64(v, "ua_private")), ua, b64(v, "auth_secret"));
        assertThat(new String(plain, StandardCharsets.US_ASCII)).isEqualTo(v.get("plaintext_ascii").asText());
    }

    @Test
    void onLinuxX8664EncryptionUsesConscrypt() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(Ecdh.preferred().name()).startsWith("Conscrypt");
    }

    @Test
    void aConscryptKeyPairAgreesWithTheJdkOnTheSharedSecret() throws Exception {
        KeyPair ours = Ecdh.conscrypt().generate();
        KeyPair browser = Ecdh.jdk().generate();
        byte[] fromConscrypt = Ecdh.conscrypt().agree(ours.getPrivate(), (ECPublicKey) browser.getPublic());
        byte[] fromJdk = Ecdh.jdk().agree(browser.getPrivate(),
                P256.publicKey(P256.encode((ECPublicKey) ours.getPublic())));
        assertThat(fromConscrypt).hasSize(32).isEqualTo(fromJdk);
    }

    @Test
    void freshEncryptionsDifferButDecryptToTheSamePlaintext() throws Exception {
        var browser = PushReceiver.BrowserKeys.generate();
        ECPublicKey ua = (ECPublicKey) browser.keyPair().getPublic();
        byte[] plain = "{\"title\":\"Payment received\"}".getBytes(StandardCharsets.UTF_8);
        byte[] a = PayloadEncryption.encrypt(plain, ua, browser.auth());
        byte[] b = PayloadEncryption.encrypt(plain, ua, browser.auth());
        assertThat(a).isNotEqualTo(b);
        assertThat(PushReceiver.decrypt(a, browser.keyPair().getPrivate(), ua, browser.auth())).isEqualTo(plain);
        assertThat(PushReceiver.decrypt(b, browser.keyPair().getPrivate(), ua, browser.auth())).isEqualTo(plain);
    }

    @Test
    void theLargestAllowedPlaintextFitsTheFourKilobyteBodyAndOneMoreByteIsRefused() {
        var browser = PushReceiver.BrowserKeys.generate();
        ECPublicKey ua = (ECPublicKey) browser.keyPair().getPublic();
        byte[] body = PayloadEncryption.encrypt(new byte[PayloadEncryption.MAX_PLAINTEXT], ua, browser.auth());
        assertThat(body).hasSize(4096);
        assertThatThrownBy(() -> PayloadEncryption.encrypt(new byte[PayloadEncryption.MAX_PLAINTEXT + 1], ua, browser.auth()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3993");
    }

    @Test
    void rfc8188Section31SingleRecord() throws Exception {
        JsonNode v = vectors.get("rfc8188").get(0);
        byte[] plain = v.get("plaintext_ascii").asText().getBytes(StandardCharsets.US_ASCII);
        byte[] body = ContentEncoding.encrypt(b64(v, "ikm"), b64(v, "salt"), v.get("rs").asInt(), new byte[0],
                List.of(new ContentEncoding.Chunk(plain, 0)));
        assertThat(b64(body)).isEqualTo(v.get("body").asText());
        assertThat(body).hasSize(v.get("body_length_octets").asInt());
        assertThat(PushReceiver.decrypt(body, b64(v, "ikm"))).isEqualTo(plain);
    }

    @Test
    void rfc8188Section32TwoRecordsWithPaddingAndKeyId() throws Exception {
        JsonNode v = vectors.get("rfc8188").get(1);
        byte[] plain = v.get("plaintext_ascii").asText().getBytes(StandardCharsets.US_ASCII);
        byte[] body = ContentEncoding.encrypt(b64(v, "ikm"), b64(v, "salt"), v.get("rs").asInt(),
                v.get("keyid_ascii").asText().getBytes(StandardCharsets.US_ASCII),
                List.of(new ContentEncoding.Chunk(java.util.Arrays.copyOf(plain, 7), 1),
                        new ContentEncoding.Chunk(java.util.Arrays.copyOfRange(plain, 7, plain.length), 0)));
        assertThat(b64(body)).isEqualTo(v.get("body").asText());
        assertThat(body).hasSize(v.get("body_length_octets").asInt());
        assertThat(PushReceiver.decrypt(body, b64(v, "ikm"))).isEqualTo(plain);
    }

    @Test
    void rfc8292ExampleJwtVerifiesAtItsTimeAndNotAfterItExpired() throws Exception {
        JsonNode v = vectors.get("rfc8292_example");
        String jwt = v.get("jwt").asText();
        String k = v.get("k").asText();
        Clock before = Clock.fixed(Instant.ofEpochSecond(1453523768L - 3600), ZoneOffset.UTC);
        var vapid = PushReceiver.verifyJwt(jwt, k, "https://push.example.net", before);
        assertThat(vapid.sub()).isEqualTo("mailto:push@example.com");
        assertThat(vapid.exp()).isEqualTo(1453523768L);

        Clock after = Clock.fixed(Instant.ofEpochSecond(1453523768L + 1), ZoneOffset.UTC);
        assertThatThrownBy(() -> PushReceiver.verifyJwt(jwt, k, "https://push.example.net", after))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> PushReceiver.verifyJwt(jwt, k, "https://other.example.net", before))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("aud");
        String tampered = jwt.substring(0, jwt.length() - 4) + (jwt.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> PushReceiver.verifyJwt(tampered, k, "https://push.example.net", before))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void heraldsJwtHasTheExamplesHeaderAndClaimsAndVerifies() throws Exception {
        JsonNode v = vectors.get("rfc8292_example");
        String exampleSigningInput = v.get("jwt").asText().substring(0, v.get("jwt").asText().lastIndexOf('.'));
        VapidKeys keys = VapidKeys.generate();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1453523768L - 12 * 3600), ZoneOffset.UTC);
        VapidJwt vapid = new VapidJwt(keys, "mailto:push@example.com", clock);

        String jwt = vapid.sign("https://push.example.net", 1453523768L);
        assertThat(jwt.substring(0, jwt.lastIndexOf('.'))).isEqualTo(exampleSigningInput);
        assertThat(PushReceiver.verifyJwt(jwt, keys.publicKeyBase64(), "https://push.example.net", clock).exp()).isEqualTo(1453523768L);

        String header = vapid.authorization(java.net.URI.create("https://push.example.net:443/wpush/v2/abc"));
        var checked = PushReceiver.verifyVapid(header, "https://push.example.net", clock);
        assertThat(checked.exp()).isEqualTo(clock.instant().plus(VapidJwt.LIFETIME).getEpochSecond());
        assertThat(checked.k()).isEqualTo(keys.publicKeyBase64());
        assertThat(vapid.authorization(java.net.URI.create("https://push.example.net/other"))).isSameAs(header);
    }

    @Test
    void storedKeysRoundTripAndBadPointsAreRefused() {
        VapidKeys keys = VapidKeys.generate();
        VapidKeys again = VapidKeys.decode(keys.publicKeyBase64(), keys.privateKeyBase64());
        assertThat(again.publicKeyBase64()).isEqualTo(keys.publicKeyBase64());
        assertThat(again.privateKeyBase64()).isEqualTo(keys.privateKeyBase64());

        byte[] offCurve = Base64.getUrlDecoder().decode(keys.publicKeyBase64());
        offCurve[64] ^= 1;
        assertThatThrownBy(() -> P256.publicKey(offCurve)).isInstanceOf(P256.InvalidPointException.class)
                .hasMessageContaining("not a point on the P-256 curve");
        assertThatThrownBy(() -> P256.publicKey(new byte[33])).isInstanceOf(P256.InvalidPointException.class)
                .hasMessageContaining("65 bytes");
    }
}

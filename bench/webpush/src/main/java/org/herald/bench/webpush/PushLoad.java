package org.herald.bench.webpush;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.herald.channel.webpush.P256;
import org.herald.channel.webpush.PayloadEncryption;
import org.herald.channel.webpush.PushResult;
import org.herald.channel.webpush.PushSender;
import org.herald.channel.webpush.Urgency;
import org.herald.channel.webpush.VapidJwt;
import org.herald.channel.webpush.VapidKeys;

/**
 * Pushes per second from Herald's sender to a local push service.
 *
 * <pre>
 *   PushLoad serve PORT                      a push service answering 201, counting connections and HTTP versions
 *   PushLoad send URL SECONDS CONCURRENCY MODE   MODE: encrypt (a fresh encryption per push, as the channel does)
 *                                                     or preencrypted (the HTTP path alone)
 * </pre>
 */
public final class PushLoad {
    /** Long enough for C2 to compile the EC arithmetic when the JVM has one core (compilers share it). */
    static final int WARMUP_SECONDS = 10;

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("serve")) serve(Integer.parseInt(args[1]));
        else if (args.length >= 5 && args[0].equals("send")) send(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
        else {
            System.err.println("usage: PushLoad serve PORT | PushLoad send URL SECONDS CONCURRENCY encrypt|preencrypted");
            System.exit(2);
        }
    }

    static void serve(int port) throws Exception {
        Vertx vertx = Vertx.vertx();
        java.util.Set<Object> pushConnections = ConcurrentHashMap.newKeySet(); // connections that carried a push
        LongAdder pushes = new LongAdder();
        ConcurrentHashMap<String, LongAdder> versions = new ConcurrentHashMap<>();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setHttp2ClearTextEnabled(true))
                .requestHandler(req -> {
                    if (req.path().equals("/stats")) {
                        req.response().end("{\"push_connections\":" + pushConnections.size() + ",\"pushes\":" + pushes.sum()
                                + ",\"versions\":\"" + versions + "\"}");
                        return;
                    }
                    pushConnections.add(req.connection());
                    req.body().onSuccess(b -> {
                        boolean ok = req.getHeader("Authorization") != null && req.getHeader("TTL") != null
                                && "aes128gcm".equals(req.getHeader("Content-Encoding")) && b.length() > 86;
                        pushes.increment();
                        versions.computeIfAbsent(req.version().name(), v -> new LongAdder()).increment();
                        req.response().setStatusCode(ok ? 201 : 400).end();
                    });
                })
                .listen().toCompletionStage().toCompletableFuture().get();
        System.out.println("push service on http://127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    static void send(String base, int seconds, int concurrency, String mode) throws Exception {
        VapidKeys keys = VapidKeys.generate();
        PushSender sender = new PushSender(new VapidJwt(keys, "mailto:bench@example.com", Clock.systemUTC()),
                Duration.ofSeconds(10), concurrency, Clock.systemUTC());
        KeyPair browser = P256.generate();
        byte[] browserKey = P256.encode((ECPublicKey) browser.getPublic());
        byte[] auth = new byte[16];
        byte[] plaintext = ("{\"id\":\"0192f1c4-7d2a-7c3e-9a51-3f0e2b1c4d5e\",\"title\":\"Payment received\",\"text\":\"Client 1001 "
                + "paid 10.00 USD\",\"url\":\"https://billing.example/pay/1001\"}").getBytes(StandardCharsets.UTF_8);
        byte[] fixedBody = PayloadEncryption.encrypt(plaintext, P256.publicKey(browserKey), auth);
        boolean encrypt = mode.equals("encrypt");
        URI endpoint = URI.create(base + "/push/bench");

        // warm-up: JIT, the connection, the JWT cache
        runFor(sender, endpoint, Duration.ofSeconds(WARMUP_SECONDS), concurrency, encrypt, plaintext, browserKey, auth, fixedBody, new ArrayList<>());
        List<long[]> latencies = new ArrayList<>();
        long t0 = System.nanoTime();
        long n = runFor(sender, endpoint, Duration.ofSeconds(seconds), concurrency, encrypt, plaintext, browserKey, auth, fixedBody, latencies);
        double secs = (System.nanoTime() - t0) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        String stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        System.out.printf("mode=%s concurrency=%d pushes=%d seconds=%.1f pushes_per_s=%.0f p50_ms=%.2f p99_ms=%.2f service=%s%n",
                mode, concurrency, n, secs, n / secs, pct(all, 50), pct(all, 99), stats);
        System.exit(0);
    }

    static long runFor(PushSender sender, URI endpoint, Duration d, int concurrency, boolean encrypt, byte[] plaintext,
                       byte[] browserKey, byte[] auth, byte[] fixedBody, List<long[]> latencies) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        LongAdder done = new LongAdder();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                long[] samples = new long[200_000];
                latencies.add(samples);
                pool.submit(() -> {
                    int k = 0;
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        byte[] body = encrypt ? PayloadEncryption.encrypt(plaintext, P256.publicKey(browserKey), auth) : fixedBody;
                        PushResult r = sender.send(new PushSender.Push(endpoint, body, Duration.ofHours(1), Urgency.NORMAL, null));
                        if (!(r instanceof PushResult.Accepted)) throw new IllegalStateException("push refused: " + r);
                        if (k < samples.length) samples[k++] = System.nanoTime() - s;
                        done.increment();
                    }
                    return null;
                });
            }
        }
        return done.sum();
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }
}

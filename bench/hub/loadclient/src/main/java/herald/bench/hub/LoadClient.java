package herald.bench.hub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load client of the WebSocket fan-out benchmark (bench/hub). Opens N WebSockets to Herald ({@code /ws?token=},
 * then {@code subscribe} to topic {@code bench}) or to the Node ws peer ({@code /ws}), then measures
 * <ul>
 *   <li>throughput: M messages published back to back (each POST after the previous answer), deliveries/s =
 *       N*M / (first publish → last message arrived on every connection), every message checked;</li>
 *   <li>latency: single messages, each after the previous one arrived everywhere; publish → receive per
 *       connection on this process's monotonic clock (it is the publisher too);</li>
 *   <li>server RSS before and with the connections, server and client CPU during the throughput rounds.</li>
 * </ul>
 * All socket work runs on one Vert.x event loop (the client is pinned to one core). Results are printed and
 * written as key=value lines to {@code --out}.
 */
public final class LoadClient {

    // ---- options ---------------------------------------------------------------------------------------------
    static final class Options {
        String target = "herald";          // herald | node
        String mode = "bench";             // bench | idle
        String host = "127.0.0.1";
        int port = -1;
        int connections = 10_000;
        int messages = 200;
        int rounds = 3;
        int publishers = 1;
        int warmup = 200;
        int latencySamples = 50;
        int latencyWarmup = 30;
        long latencyGapMillis = 10;
        int size = 100;
        List<String> localAddresses = new ArrayList<>();
        String secret = null;
        String apiKey = null;
        String topic = "bench";
        int serverPid = -1;
        // notify mode (bench/cluster): several nodes, one notification per recipient
        List<Integer> ports = new ArrayList<>();
        List<Integer> serverPids = new ArrayList<>();
        int redisPid = -1;
        String pgDb = null;
        int notifications = 3000;
        int concurrency = 200;
        int settleSeconds = 3;
        int holdSeconds = 0;
        int phaseTimeoutSeconds = 180;
        int clkTck = 100;
        String out = null;
        String jfrFile = null;
        String jcmd = null;
        int jfrSeconds = 20;
        boolean jfrCpuTime = false;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(System.out);
                System.exit(0);
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--target" -> o.target = v;
                case "--mode" -> o.mode = v;
                case "--host" -> o.host = v;
                case "--port" -> o.port = Integer.parseInt(v);
                case "--connections" -> o.connections = Integer.parseInt(v);
                case "--messages" -> o.messages = Integer.parseInt(v);
                case "--rounds" -> o.rounds = Integer.parseInt(v);
                case "--publishers" -> o.publishers = Integer.parseInt(v);
                case "--warmup" -> o.warmup = Integer.parseInt(v);
                case "--latency-samples" -> o.latencySamples = Integer.parseInt(v);
                case "--latency-warmup" -> o.latencyWarmup = Integer.parseInt(v);
                case "--latency-gap-ms" -> o.latencyGapMillis = Long.parseLong(v);
                case "--size" -> o.size = Integer.parseInt(v);
                case "--local-addresses" -> {
                    for (String s : v.split(",")) if (!s.isBlank()) o.localAddresses.add(s.trim());
                }
                case "--secret" -> o.secret = v;
                case "--api-key" -> o.apiKey = v;
                case "--topic" -> o.topic = v;
                case "--server-pid" -> o.serverPid = Integer.parseInt(v);
                case "--ports" -> {
                    for (String s : v.split(",")) if (!s.isBlank()) o.ports.add(Integer.parseInt(s.trim()));
                }
                case "--server-pids" -> {
                    for (String s : v.split(",")) if (!s.isBlank()) o.serverPids.add(Integer.parseInt(s.trim()));
                }
                case "--redis-pid" -> o.redisPid = Integer.parseInt(v);
                case "--pg-db" -> o.pgDb = v;
                case "--notifications" -> o.notifications = Integer.parseInt(v);
                case "--concurrency" -> o.concurrency = Integer.parseInt(v);
                case "--settle" -> o.settleSeconds = Integer.parseInt(v);
                case "--hold" -> o.holdSeconds = Integer.parseInt(v);
                case "--phase-timeout" -> o.phaseTimeoutSeconds = Integer.parseInt(v);
                case "--clk-tck" -> o.clkTck = Integer.parseInt(v);
                case "--out" -> o.out = v;
                case "--jfr-file" -> o.jfrFile = v;
                case "--jcmd" -> o.jcmd = v;
                case "--jfr-seconds" -> o.jfrSeconds = Integer.parseInt(v);
                case "--jfr-cpu-time" -> o.jfrCpuTime = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.ports.isEmpty() && o.port > 0) o.ports.add(o.port);
        if (o.port <= 0 && !o.ports.isEmpty()) o.port = o.ports.get(0);
        if (o.port <= 0) throw new IllegalArgumentException("--port is required");
        if (o.serverPids.isEmpty() && o.serverPid > 0) o.serverPids.add(o.serverPid);
        if (o.serverPid <= 0 && !o.serverPids.isEmpty()) o.serverPid = o.serverPids.get(0);
        if (o.pgDb != null && !o.pgDb.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("--pg-db: a plain database name");
        if (o.mode.equals("notify") && !o.target.equals("herald")) throw new IllegalArgumentException("--mode notify needs --target herald");
        if (!o.target.equals("herald") && !o.target.equals("node")) throw new IllegalArgumentException("--target herald|node");
        if (!o.mode.equals("bench") && !o.mode.equals("idle") && !o.mode.equals("notify"))
            throw new IllegalArgumentException("--mode bench|idle|notify");
        if (o.target.equals("herald") && (o.secret == null || o.apiKey == null))
            throw new IllegalArgumentException("--target herald needs --secret and --api-key");
        if (!isLoopback(o.host)) throw new IllegalArgumentException("--host must be a loopback address");
        for (String la : o.localAddresses) if (!isLoopback(la)) throw new IllegalArgumentException("--local-addresses must be loopback addresses");
        if (o.size < 60) throw new IllegalArgumentException("--size must be at least 60");
        return o;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: java -jar hub-loadclient.jar --target herald|node --port N [options]
                  --mode bench|idle|notify bench: connect, RSS, warm-up, throughput rounds, latency (default);
                                           idle: connect, RSS, hold;
                                           notify (Herald only, bench/cluster): connection i is recipient user:i on
                                           port i mod |ports|; --warmup W then --notifications M browser
                                           notifications, notification n to user:(n mod N), POSTed round-robin to
                                           the ports by --publishers K chains; every one is acked
                  --ports P1,P2,…          notify mode: the nodes' HTTP ports (default: --port)
                  --server-pids A,B,…      notify mode: the nodes' pids (CPU summed over all, RSS per node)
                  --redis-pid PID          notify mode: Redis, for its CPU per 1,000 deliveries
                  --pg-db NAME             notify mode: PostgreSQL CPU of the backends serving NAME (found in /proc by
                                           their process title) plus walwriter, background writer, checkpointer
                  --notifications M        notify mode: measured notifications (default 3000)
                  --connections N          WebSocket connections (default 10000)
                  --messages M             messages per throughput round (default 200)
                  --rounds R               throughput rounds (default 3; median and best are reported)
                  --warmup W               messages of the unmeasured warm-up round (default 200)
                  --publishers K           concurrent publish chains in the throughput rounds (default 1: each
                                           POST after the previous answer; K > 1: K POSTs in flight)
                  --latency-samples L      single messages for the latency phase (default 50)
                  --latency-warmup K       unrecorded single messages before them (default 30)
                  --latency-gap-ms MS      pause between latency samples (default 10)
                  --size B                 bytes of the published body (default 100; Herald: the POST body
                                           {"data":{...}}; Node: the frame Herald would send for it)
                  --local-addresses A,B    bind client sockets to these source addresses in turn (127.0.0.x)
                  --secret S --api-key K   Herald: client-token secret (HS256) and server API key
                  --server-pid PID         server process, for RSS (VmRSS) and CPU (utime/stime) from /proc
                  --concurrency C          connection attempts in flight (default 200)
                  --settle S               seconds between the last connection and the RSS reading (default 3)
                  --hold S                 idle mode: seconds to keep the connections open after (default 0)
                  --out FILE               key=value results
                  --jfr-file F --jcmd PATH record JFR on the server (jcmd PID JFR.start) during extra
                  --jfr-seconds S          throughput rounds after the measurement (default 20 s)
                  --jfr-cpu-time true      also enable jdk.CPUTimeSample (JDK 25+: CPU-time sampling, kernel time
                                           in system calls included)
                """);
    }

    // ---- state -----------------------------------------------------------------------------------------------
    static final int NEW = 0, CONNECTING = 1, AWAIT_SUBSCRIBED = 2, READY = 3, FAILED = 4;

    static final class Conn {
        final int id;
        ClientWebSocket ws;
        int state = NEW;
        int attempts;
        boolean closed;

        Conn(int id) {
            this.id = id;
        }
    }

    /** What the connections currently expect: message numbers [first, first+count). */
    static final class Phase {
        final long first;
        final int count;
        final int words;
        final long[] bits;
        final int[] got;
        final AtomicInteger remaining;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final LongAdder duplicates = new LongAdder();
        final LongAdder received = new LongAdder();
        final long[] latencies;      // per connection, single-message phases only
        final int latencyOffset;

        Phase(long first, int count, int connections, long[] latencies, int latencyOffset) {
            this.first = first;
            this.count = count;
            this.words = (count + 63) >>> 6;
            this.bits = new long[connections * words];
            this.got = new int[connections];
            this.remaining = new AtomicInteger(connections);
            this.latencies = latencies;
            this.latencyOffset = latencyOffset;
        }
    }

    final Options o;
    final Vertx vertx;
    final Context ctx;
    final WebSocketClient[] clients;
    final HttpClient http;
    final Conn[] conns;
    final Map<String, String> results = new LinkedHashMap<>();
    final byte[] jwtKey;
    final Mac mac;
    final String jwtHeader;

    // connection set-up (event loop only)
    int nextToLaunch;
    int inFlight;
    int readyCount;
    int failedCount;
    final ArrayDeque<Conn> retries = new ArrayDeque<>();
    final CompletableFuture<Void> allReady = new CompletableFuture<>();
    final Map<String, Integer> failureReasons = new LinkedHashMap<>();

    // measurement
    volatile Phase phase;
    final LongAdder unexpected = new LongAdder();
    final LongAdder errorFrames = new LongAdder();
    final LongAdder controlFrames = new LongAdder();
    final AtomicInteger closedAfterReady = new AtomicInteger();
    volatile String lastError;
    volatile String lastClose;
    long messageNumber = 1;

    LoadClient(Options o) throws Exception {
        this.o = o;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setPreferNativeTransport(true));
        this.ctx = vertx.getOrCreateContext();
        List<String> locals = o.localAddresses.isEmpty() ? List.of("") : o.localAddresses;
        this.clients = new WebSocketClient[locals.size()];
        for (int i = 0; i < clients.length; i++) {
            WebSocketClientOptions wo = new WebSocketClientOptions()
                    .setMaxConnections(o.connections + 100)
                    .setTryUsePerMessageCompression(false)
                    .setTryUsePerFrameCompression(false)
                    .setConnectTimeout(30_000)
                    .setTcpNoDelay(true)
                    .setMaxFrameSize(65536);
            if (!locals.get(i).isEmpty()) wo.setLocalAddress(locals.get(i));
            clients[i] = vertx.createWebSocketClient(wo);
        }
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost(o.host).setDefaultPort(o.port), new PoolOptions().setHttp1MaxSize(Math.max(1, o.publishers)));
        this.conns = new Conn[o.connections];
        for (int i = 0; i < conns.length; i++) conns[i] = new Conn(i);
        this.jwtKey = o.secret == null ? new byte[1] : o.secret.getBytes(StandardCharsets.UTF_8);
        this.mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(jwtKey, "HmacSHA256"));
        this.jwtHeader = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** An HS256 client token for recipient user:<i>, allowed topic bench, valid for a day. */
    String token(int i) {
        long exp = System.currentTimeMillis() / 1000 + 86_400;
        String payload = b64(("{\"sub\":\"user:" + i + "\",\"exp\":" + exp + ",\"topics\":[\"" + o.topic + "\"]}")
                .getBytes(StandardCharsets.UTF_8));
        String signingInput = jwtHeader + "." + payload;
        byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(sig);
    }

    // ---- connecting ------------------------------------------------------------------------------------------
    void launchMore() {
        while (inFlight < o.concurrency && (!retries.isEmpty() || nextToLaunch < conns.length)) {
            Conn c = !retries.isEmpty() ? retries.poll() : conns[nextToLaunch++];
            inFlight++;
            connect(c);
        }
    }

    void connect(Conn c) {
        c.state = CONNECTING;
        c.closed = false;
        ClientWebSocket ws = clients[c.id % clients.length].webSocket();
        c.ws = ws;
        ws.handler(b -> onData(c, b));
        ws.closeHandler(v -> onClose(c, ws));
        ws.exceptionHandler(e -> lastError = e.toString());
        String uri = o.target.equals("herald") ? "/ws?token=" + token(c.id) : "/ws";
        int port = o.ports.get(c.id % o.ports.size());
        ws.connect(new WebSocketConnectOptions().setHost(o.host).setPort(port).setURI(uri)).onComplete(ar -> {
            if (ar.failed()) {
                attemptFailed(c, ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage());
            } else if (o.target.equals("node") && c.state == CONNECTING) {
                ready(c);
            }
        });
    }

    void ready(Conn c) {
        c.state = READY;
        inFlight--;
        readyCount++;
        if (readyCount + failedCount == conns.length) finishConnecting();
        else launchMore();
    }

    void attemptFailed(Conn c, String reason) {
        if (c.state == READY || c.state == FAILED || c.state == NEW) return;
        failureReasons.merge(reason.length() > 120 ? reason.substring(0, 120) : reason, 1, Integer::sum);
        inFlight--;
        c.attempts++;
        try {
            if (c.ws != null && !c.ws.isClosed()) c.ws.close();
        } catch (RuntimeException ignored) {
            // not connected
        }
        if (c.attempts < 5) {
            c.state = NEW;
            vertx.setTimer(200L * c.attempts, t -> {
                retries.add(c);
                launchMore();
            });
        } else {
            c.state = FAILED;
            failedCount++;
            if (readyCount + failedCount == conns.length) finishConnecting();
        }
    }

    void finishConnecting() {
        if (failedCount > 0) allReady.completeExceptionally(new IllegalStateException(
                failedCount + " connections failed: " + failureReasons));
        else allReady.complete(null);
    }

    void onClose(Conn c, ClientWebSocket ws) {
        if (c.ws != ws) return;
        c.closed = true;
        String why = ws.closeStatusCode() + " " + ws.closeReason();
        if (c.state == READY) {
            closedAfterReady.incrementAndGet();
            lastClose = why;
        } else if (c.state == CONNECTING || c.state == AWAIT_SUBSCRIBED) {
            attemptFailed(c, "closed during set-up: " + why);
        }
    }

    // ---- receiving -------------------------------------------------------------------------------------------
    static final byte[] KEY_T = "\"t\":".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY_I = "\"i\":".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);

    void onData(Conn c, Buffer b) {
        long now = System.nanoTime();
        int len = b.length();
        // frames start with {"type":"<type>"
        byte t0 = len > 11 ? b.getByte(9) : 0;
        byte t1 = len > 11 ? b.getByte(10) : 0;
        if (t0 == 'e' && t1 == 'v') {
            onEvent(c, b, now);
        } else if (t0 == 'n' && t1 == 'o') {
            onNotification(c, b, now);
        } else if (t0 == 'c' && t1 == 'o') { // connected
            if (c.state == CONNECTING) {
                c.state = AWAIT_SUBSCRIBED;
                // notify mode: no topic; ready at the end of the (empty) replay
                if (!notifyMode()) c.ws.writeTextMessage("{\"type\":\"subscribe\",\"topic\":\"" + o.topic + "\"}");
            }
        } else if (t0 == 's' && t1 == 'u') { // subscribed
            if (c.state == AWAIT_SUBSCRIBED) ready(c);
        } else if (t0 == 'r' && t1 == 'e' && notifyMode() && c.state == AWAIT_SUBSCRIBED) { // replayed
            ready(c);
        } else if ((t0 == 'r' && t1 == 'e') || (t0 == 'p' && t1 == 'o')) { // replayed (end of the replay), pong
            controlFrames.increment();
        } else {
            String text = b.toString(StandardCharsets.UTF_8);
            if (t0 == 'e' && t1 == 'r') {
                errorFrames.increment();
                lastError = text;
                if (c.state != READY) attemptFailed(c, "error frame: " + text);
            } else {
                unexpected.increment();
            }
        }
    }

    void onEvent(Conn c, Buffer b, long now) {
        int ti = indexOf(b, KEY_T, 20);
        int ii = indexOf(b, KEY_I, ti < 0 ? 20 : ti);
        if (ti < 0 || ii < 0) {
            unexpected.increment();
            return;
        }
        long sentAt = parseLong(b, ti + KEY_T.length);
        long n = parseLong(b, ii + KEY_I.length);
        Phase p = phase;
        if (p == null || n < p.first || n >= p.first + p.count) {
            unexpected.increment();
            return;
        }
        int k = (int) (n - p.first);
        int w = c.id * p.words + (k >>> 6);
        long bit = 1L << (k & 63);
        if ((p.bits[w] & bit) != 0) {
            p.duplicates.increment();
            return;
        }
        p.bits[w] |= bit;
        p.received.increment();
        if (p.latencies != null) p.latencies[p.latencyOffset + c.id] = now - sentAt;
        if (++p.got[c.id] == p.count && p.remaining.decrementAndGet() == 0) p.done.complete(now);
    }

    static int indexOf(Buffer b, byte[] key, int from) {
        int last = b.length() - key.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int j = 0; j < key.length; j++) if (b.getByte(i + j) != key[j]) continue outer;
            return i;
        }
        return -1;
    }

    static long parseLong(Buffer b, int from) {
        long v = 0;
        int len = b.length();
        for (int i = from; i < len; i++) {
            byte x = b.getByte(i);
            if (x < '0' || x > '9') break;
            v = v * 10 + (x - '0');
        }
        return v;
    }

    // ---- publishing ------------------------------------------------------------------------------------------
    static final String FRAME_PREFIX = "{\"type\":\"event\",\"topic\":\"";

    /** The body of one publish; {"data":{"t":…,"i":…,"p":"…"}} padded to o.size bytes (Herald) or its frame (Node). */
    String body(long n, long sentAt) {
        String head = "{\"t\":" + sentAt + ",\"i\":" + n + ",\"p\":\"";
        int pad = o.size - ("{\"data\":".length() + head.length() + "\"}}".length());
        String data = head + "x".repeat(Math.max(1, pad)) + "\"}";
        if (o.target.equals("herald")) return "{\"data\":" + data + "}";
        return FRAME_PREFIX + o.topic + "\",\"data\":" + data + "}";
    }

    /** One publish; fails unless the server answers 202. Runs on the event loop. */
    Future<Void> publish(long n) {
        String path = o.target.equals("herald") ? "/api/v1/topics/" + o.topic + "/events" : "/publish";
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(o.host).setPort(o.port).setURI(path)
                .putHeader("content-type", "application/json");
        if (o.apiKey != null && o.target.equals("herald")) ro.putHeader("authorization", "Bearer " + o.apiKey);
        return http.request(ro).compose(req -> req.send(Buffer.buffer(body(n, System.nanoTime()))))
                .compose(resp -> resp.body().compose(body -> resp.statusCode() == 202 ? Future.<Void>succeededFuture()
                        : Future.<Void>failedFuture("publish answered " + resp.statusCode() + ": " + body)));
    }

    /** Publishes messages first..first+count-1 back to back on the event loop; completes after the last answer. */
    Future<Void> publishChain(long first, int count) {
        Promise<Void> p = Promise.promise();
        publishFrom(first, first + count, p);
        return p.future();
    }

    private void publishFrom(long n, long end, Promise<Void> p) {
        publishFrom(n, end, 1, p);
    }

    Future<Void> publishStrided(long from, long end, int stride) {
        Promise<Void> p = Promise.promise();
        publishFrom(from, end, stride, p);
        return p.future();
    }

    private void publishFrom(long n, long end, int stride, Promise<Void> p) {
        if (n >= end) {
            p.complete();
            return;
        }
        publish(n).onComplete(ar -> {
            if (ar.failed()) p.fail(ar.cause());
            else publishFrom(n + stride, end, stride, p);
        });
    }

    // ---- phases ----------------------------------------------------------------------------------------------
    record RoundResult(long deliveries, long nanos, long publishNanos, long missing, long duplicates) {
        double perSecond() {
            return deliveries * 1e9 / nanos;
        }
    }

    /** Publishes count messages back to back and waits until every connection has all of them. */
    RoundResult throughputRound(int count) throws Exception {
        long first = messageNumber;
        messageNumber += count;
        Phase p = new Phase(first, count, conns.length, null, 0);
        phase = p;
        long start = System.nanoTime();
        CompletableFuture<Long> published = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            // K chains; chain j publishes messages first+j, first+j+K, … (one chain: strictly back to back)
            int k = Math.max(1, Math.min(o.publishers, count));
            List<Future<Void>> chains = new ArrayList<>();
            for (int j = 0; j < k; j++) chains.add(publishStrided(first + j, first + count, k));
            Future.all(chains).onComplete(ar -> {
                if (ar.succeeded()) published.complete(System.nanoTime());
                else published.completeExceptionally(ar.cause());
            });
        });
        long publishEnd = published.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
        long end;
        try {
            end = p.done.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            end = System.nanoTime();
        }
        long expected = (long) count * conns.length;
        long got = p.received.sum();
        phase = null;
        return new RoundResult(got, end - start, publishEnd - start, expected - got, p.duplicates.sum());
    }

    /** Single messages one at a time; returns the latencies of all connections for the recorded ones. */
    long[] latencyPhase(int warm, int samples) throws Exception {
        long[] lat = new long[samples * conns.length];
        long missing = 0;
        for (int s = -warm; s < samples; s++) {
            long n = messageNumber++;
            Phase p = new Phase(n, 1, conns.length, s >= 0 ? lat : null, s >= 0 ? s * conns.length : 0);
            phase = p;
            CompletableFuture<Void> published = new CompletableFuture<>();
            ctx.runOnContext(v -> publish(n).onComplete(ar -> {
                if (ar.succeeded()) published.complete(null);
                else published.completeExceptionally(ar.cause());
            }));
            published.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
            try {
                p.done.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                missing += conns.length - p.received.sum();
            }
            phase = null;
            if (o.latencyGapMillis > 0) Thread.sleep(o.latencyGapMillis);
        }
        results.put("latency_missing", Long.toString(missing));
        return lat;
    }

    // ---- notify mode (bench/cluster) -------------------------------------------------------------------------
    boolean notifyMode() {
        return o.mode.equals("notify");
    }

    static final byte[] KEY_DELIVERY = "\"delivery\":\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY_DATA = "\"data\":".getBytes(StandardCharsets.US_ASCII);

    /** Per notification number (1-based, warm-up first): arrival (System.nanoTime(), 0: not yet) and send time. */
    long[] arrivedAt;
    long[] sentAt;
    int notifyFirst;          // the notification numbers the current round waits for: [notifyFirst, notifyEnd)
    int notifyEnd;
    int notifyReceived;
    CompletableFuture<Long> notifyDone;
    final LongAdder notifyDuplicates = new LongAdder();
    final LongAdder notifyWrongRecipient = new LongAdder();
    final LongAdder acksSent = new LongAdder();

    /** A notification frame: ack it, then record its arrival by the number in data.i (send time in data.t). */
    void onNotification(Conn c, Buffer b, long now) {
        int di = indexOf(b, KEY_DELIVERY, 20);
        if (di >= 0) {
            int from = di + KEY_DELIVERY.length;
            int to = from;
            while (to < b.length() && b.getByte(to) != '"') to++;
            c.ws.writeTextMessage("{\"type\":\"ack\",\"delivery\":\"" + b.getString(from, to, "US-ASCII") + "\"}");
            acksSent.increment();
        }
        int data = indexOf(b, KEY_DATA, 20);
        int ti = data < 0 ? -1 : indexOf(b, KEY_T, data);
        int ii = data < 0 ? -1 : indexOf(b, KEY_I, data);
        if (ti < 0 || ii < 0 || arrivedAt == null) {
            unexpected.increment();
            return;
        }
        long n = parseLong(b, ii + KEY_I.length);
        if (n < 1 || n >= arrivedAt.length) {
            unexpected.increment();
            return;
        }
        if (recipientOf(n) != c.id) notifyWrongRecipient.increment();
        if (arrivedAt[(int) n] != 0) {
            notifyDuplicates.increment();
            return;
        }
        arrivedAt[(int) n] = now;
        sentAt[(int) n] = parseLong(b, ti + KEY_T.length);
        if (n >= notifyFirst && n < notifyEnd && ++notifyReceived == notifyEnd - notifyFirst && notifyDone != null)
            notifyDone.complete(now);
    }

    int recipientOf(long n) {
        return (int) (n % conns.length);
    }

    /** POST /api/v1/notifications of notification n to user:(n mod N) on port n mod |ports|; 202 with a queued delivery. */
    Future<Void> notify(long n) {
        int port = o.ports.get((int) (n % o.ports.size()));
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(o.host).setPort(port)
                .setURI("/api/v1/notifications").putHeader("content-type", "application/json")
                .putHeader("authorization", "Bearer " + o.apiKey);
        return http.request(ro).compose(req -> {
            String body = "{\"to\":[\"user:" + recipientOf(n) + "\"],\"type\":\"bench.cluster\",\"title\":\"Bench\",\"text\":\"bench notification "
                    + n + "\",\"channels\":[\"browser\"],\"data\":{\"t\":" + System.nanoTime() + ",\"i\":" + n + "}}";
            return req.send(Buffer.buffer(body));
        }).compose(resp -> resp.body().compose(body -> {
            if (resp.statusCode() != 202) return Future.<Void>failedFuture("POST answered " + resp.statusCode() + ": " + body);
            if (!body.toString().contains("\"queued\"")) return Future.<Void>failedFuture("no queued delivery: " + body);
            return Future.<Void>succeededFuture();
        }));
    }

    Future<Void> notifyStrided(long from, long end, int stride) {
        Promise<Void> p = Promise.promise();
        notifyFrom(from, end, stride, p);
        return p.future();
    }

    private void notifyFrom(long n, long end, int stride, Promise<Void> p) {
        if (n >= end) {
            p.complete();
            return;
        }
        notify(n).onComplete(ar -> {
            if (ar.failed()) p.fail(ar.cause());
            else notifyFrom(n + stride, end, stride, p);
        });
    }

    record NotifyRound(long start, long publishEnd, long end, int received) {}

    /** Posts notifications [first, first+count) by K chains and waits until each arrived (or the phase timeout). */
    NotifyRound notifyRound(int first, int count) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        CompletableFuture<Long> published = new CompletableFuture<>();
        CompletableFuture<Long> started = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            notifyFirst = first;
            notifyEnd = first + count;
            notifyReceived = 0;
            for (int n = first; n < first + count; n++) if (arrivedAt[n] != 0) notifyReceived++;
            notifyDone = done;
            started.complete(System.nanoTime());
            int k = Math.max(1, Math.min(o.publishers, count));
            List<Future<Void>> chains = new ArrayList<>();
            for (int j = 0; j < k; j++) chains.add(notifyStrided(first + j, first + count, k));
            Future.all(chains).onComplete(ar -> {
                if (ar.succeeded()) published.complete(System.nanoTime());
                else published.completeExceptionally(ar.cause());
            });
        });
        long start = started.get(10, TimeUnit.SECONDS);
        long publishEnd = published.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
        long end;
        try {
            end = done.get(o.phaseTimeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            end = System.nanoTime();
        }
        CompletableFuture<Integer> got = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            notifyDone = null;
            got.complete(notifyReceived);
        });
        return new NotifyRound(start, publishEnd, end, got.get(10, TimeUnit.SECONDS));
    }

    /** utime+stime ticks of the given pids, summed (a pid that is gone counts 0). */
    static long ticksOf(List<Integer> pids) {
        long sum = 0;
        for (int pid : pids) {
            long[] t = cpuTicks(Integer.toString(pid));
            sum += t[0] + t[1];
        }
        return sum;
    }

    /** PostgreSQL processes doing our work: backends of database db (by process title) and the WAL/background writers. */
    static List<Integer> pgPids(String db) {
        List<Integer> out = new ArrayList<>();
        if (db == null) return out;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    continue;
                }
                if (!cmd.startsWith("postgres: ")) continue;
                if (cmd.contains(" " + db + " ") || cmd.contains("walwriter") || cmd.contains("background writer")
                        || cmd.contains("checkpointer")) out.add(Integer.parseInt(name));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Nanoseconds on CPU of all threads of pid (/proc/pid/task/<tid>/schedstat, first field); -1 if unreadable. */
    static long schedstatNanos(int pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    sum += Long.parseLong(Files.readString(t.resolve("schedstat")).trim().split(" ")[0]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    static long percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
    }

    void runNotify() throws Exception {
        int warm = Math.max(0, o.warmup);
        int m = o.notifications;
        arrivedAt = new long[warm + m + 1];
        sentAt = new long[warm + m + 1];
        put("nodes", o.ports.size());
        put("publishers", o.publishers);
        put("warmup", warm);
        put("notifications", m);
        if (warm > 0) {
            NotifyRound w = notifyRound(1, warm);
            log("warm-up: " + w.received() + " of " + warm + " notifications arrived in " + f3((w.end() - w.start()) / 1e9) + " s");
            put("warmup_missing", warm - w.received());
            Thread.sleep(1000); // let the acks of the warm-up settle
        }

        List<Integer> pg = pgPids(o.pgDb);
        long h0 = ticksOf(o.serverPids);
        long r0 = o.redisPid > 0 ? ticksOf(List.of(o.redisPid)) : 0;
        long rs0 = o.redisPid > 0 ? schedstatNanos(o.redisPid) : -1;
        long p0 = ticksOf(pg);
        long[] c0 = cpuTicks("self");
        long[] mt0 = machineTicks();
        NotifyRound r = notifyRound(warm + 1, m);
        long h1 = ticksOf(o.serverPids);
        long r1 = o.redisPid > 0 ? ticksOf(List.of(o.redisPid)) : 0;
        long rs1 = o.redisPid > 0 ? schedstatNanos(o.redisPid) : -1;
        long p1 = ticksOf(pg);
        long[] c1 = cpuTicks("self");
        long[] mt1 = machineTicks();

        // arrivals and latencies of the measured notifications
        long[] arrivals = new long[m];
        long[] lat = new long[m];
        int k = 0;
        for (int n = warm + 1; n <= warm + m; n++) {
            if (arrivedAt[n] == 0) continue;
            arrivals[k] = arrivedAt[n];
            lat[k] = arrivedAt[n] - sentAt[n];
            k++;
        }
        arrivals = Arrays.copyOf(arrivals, k);
        lat = Arrays.copyOf(lat, k);
        Arrays.sort(arrivals);
        Arrays.sort(lat);
        double wall = (r.end() - r.start()) / 1e9;
        put("received", k);
        put("missing", m - k);
        put("duplicates", notifyDuplicates.sum());
        put("wrong_recipient", notifyWrongRecipient.sum());
        put("acks_sent", acksSent.sum());
        put("wall_seconds", f3(wall));
        put("post_seconds", f3((r.publishEnd() - r.start()) / 1e9));
        put("accept_per_second", Math.round(m / ((r.publishEnd() - r.start()) / 1e9)));
        put("deliveries_per_second_overall", k > 0 ? Math.round(k / wall) : 0);
        // steady part: between the arrival of the 10th and of the 90th percentile notification
        if (k >= 20) {
            int a = (int) (k * 0.1);
            int z = (int) (k * 0.9);
            double secs = (arrivals[z] - arrivals[a]) / 1e9;
            put("deliveries_per_second_steady", secs > 0 ? Math.round((z - a) / secs) : 0);
            put("steady_seconds", f3(secs));
        }
        if (k > 0) {
            put("latency_p50_ms", f1(percentile(lat, 0.50) / 1e6));
            put("latency_p90_ms", f1(percentile(lat, 0.90) / 1e6));
            put("latency_p99_ms", f1(percentile(lat, 0.99) / 1e6));
            put("latency_max_ms", f1(lat[k - 1] / 1e6));
            put("latency_min_ms", f1(lat[0] / 1e6));
        }
        double tick = 1000.0 / o.clkTck; // ms per tick
        double herald = (h1 - h0) * tick;
        double redis = (r1 - r0) * tick;
        double pgMs = (p1 - p0) * tick;
        double client = ((c1[0] + c1[1]) - (c0[0] + c0[1])) * tick;
        double busy = (mt1[0] - mt0[0]) * tick;
        double total = (mt1[1] - mt0[1]) * tick; // all cores
        long d = Math.max(1, k);
        put("herald_cpu_ms", f1(herald));
        put("herald_cpu_ms_per_delivery", f3(herald / d));
        put("herald_cpu_share_of_machine", f1(total > 0 ? 100 * herald / total : 0));
        put("redis_cpu_ms", f1(redis));
        put("redis_cpu_ms_per_1000", f1(redis * 1000 / d));
        if (rs0 >= 0 && rs1 >= 0) { // the same CPU time to the nanosecond (utime+stime count whole clock ticks)
            put("redis_schedstat_ms", f1((rs1 - rs0) / 1e6));
            put("redis_schedstat_ms_per_1000", f1((rs1 - rs0) / 1e6 * 1000 / d));
        }
        put("pg_processes", pg.size());
        put("pg_cpu_ms", f1(pgMs));
        put("pg_cpu_ms_per_delivery", f3(pgMs / d));
        put("client_cpu_ms_per_delivery", f3(client / d));
        put("machine_busy_share", f1(total > 0 ? 100 * busy / total : 0));
        put("other_cpu_share", f1(total > 0 ? 100 * Math.max(0, busy - herald - redis - pgMs - client) / total : 0));
        StringBuilder rss = new StringBuilder();
        for (int pid : o.serverPids) rss.append(rss.isEmpty() ? "" : " ").append(rssKb(pid) / 1024);
        put("rss_mb_each", rss);
        put("loadavg_end", loadavg());
        put("closed_after_ready", closedAfterReady.get());
        if (lastClose != null) put("last_close", lastClose);
        put("unexpected_frames", unexpected.sum());
        put("error_frames", errorFrames.sum());
        if (lastError != null) put("last_error", lastError.replace('\n', ' '));
        log("measured: " + k + " of " + m + " arrived in " + f3(wall) + " s; steady " + results.get("deliveries_per_second_steady")
                + "/s; latency p50 " + results.get("latency_p50_ms") + " ms, p99 " + results.get("latency_p99_ms")
                + " ms; Herald " + results.get("herald_cpu_ms_per_delivery") + " ms/delivery, Redis "
                + results.get("redis_cpu_ms_per_1000") + " ms per 1000, PostgreSQL " + results.get("pg_cpu_ms_per_delivery")
                + " ms/delivery; other CPU " + results.get("other_cpu_share") + " %");
    }

    // ---- /proc -----------------------------------------------------------------------------------------------
    static long rssKb(int pid) {
        if (pid <= 0) return -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** utime, stime in clock ticks of a process ("self" for this one). */
    /**
     * Waits until the server uses less than 5 % of a core over half a second (at most 30 s): the JIT compilations and
     * collections the previous phase set off are done. Records how long it took.
     */
    void settle(String phase) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            long[] a = cpuTicks(Integer.toString(o.serverPid));
            Thread.sleep(500);
            long[] b = cpuTicks(Integer.toString(o.serverPid));
            double busy = (b[0] - a[0] + b[1] - a[1]) / (double) o.clkTck / 0.5;
            if (busy < 0.05) break;
        }
        put("settle_" + phase + "_seconds", f1((System.nanoTime() - start) / 1e9));
    }

    static long[] cpuTicks(String pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(3) ppid(4) ... utime(14) stime(15) → indexes 11 and 12 here
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Busy and total ticks of the whole machine (/proc/stat first line). */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) idle += v; // idle, iowait
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static int machineCores() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        } catch (IOException e) {
            return 1;
        }
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    // ---- run -------------------------------------------------------------------------------------------------
    void put(String k, Object v) {
        results.put(k, String.valueOf(v));
    }

    static String f1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String f3(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    void log(String msg) {
        System.err.printf("[loadclient %s %s] %s%n", o.target, Instant.now().toString().substring(11, 19), msg);
    }

    void connectAll() throws Exception {
        long t0 = System.nanoTime();
        ctx.runOnContext(v -> launchMore());
        long lastLog = System.nanoTime();
        while (true) {
            try {
                allReady.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastLog > 5_000_000_000L) {
                    lastLog = System.nanoTime();
                    log("connecting: " + readyCount + " ready, " + inFlight + " in flight, " + failedCount + " failed");
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(o.phaseTimeoutSeconds * 4L))
                    throw new IllegalStateException("connecting took too long: " + readyCount + " ready; failures " + failureReasons);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        put("connect_seconds", f1(secs));
        put("connect_retries", failureReasons.values().stream().mapToInt(Integer::intValue).sum());
        if (!failureReasons.isEmpty()) put("connect_retry_reasons", failureReasons.toString());
        log(conns.length + " connections ready in " + f1(secs) + " s"
                + (failureReasons.isEmpty() ? "" : " (retried: " + failureReasons + ")"));
    }

    void run() throws Exception {
        put("target", o.target);
        put("mode", o.mode);
        put("connections", o.connections);
        put("native_transport", vertx.isNativeTransportEnabled());
        put("local_addresses", o.localAddresses.isEmpty() ? "default" : String.join(",", o.localAddresses));
        put("loadavg_start", loadavg());
        long rssBefore = rssKb(o.serverPid);
        put("rss_before_kb", rssBefore);

        connectAll();
        Thread.sleep(o.settleSeconds * 1000L);
        long rssWith = rssKb(o.serverPid);
        put("rss_with_kb", rssWith);
        if (rssBefore > 0 && rssWith > 0) put("rss_per_conn_bytes", (rssWith - rssBefore) * 1024 / o.connections);
        put("loadavg_connected", loadavg());
        log("server RSS " + rssBefore / 1024 + " MB before, " + rssWith / 1024 + " MB with " + o.connections + " connections ("
                + (rssWith - rssBefore) * 1024 / o.connections + " B per connection)");

        if (notifyMode()) {
            runNotify();
            return;
        }
        if (o.mode.equals("idle")) {
            if (o.holdSeconds > 0) {
                Thread.sleep(o.holdSeconds * 1000L);
                long rssLater = rssKb(o.serverPid);
                put("rss_after_hold_kb", rssLater);
            }
            if (o.jcmd != null && o.serverPid > 0) {
                // a JVM server: how much of the RSS is live heap (after a full GC) and what the GC gives back
                jcmd("GC.run");
                Thread.sleep(2000);
                put("rss_after_gc_kb", rssKb(o.serverPid));
                long used = heapUsedKb();
                if (used > 0) {
                    put("heap_used_after_gc_kb", used);
                    log("after a full GC: RSS " + rssKb(o.serverPid) / 1024 + " MB, live heap " + used / 1024 + " MB");
                }
            }
            put("closed_after_ready", closedAfterReady.get());
            return;
        }

        // each measured phase starts with the server idle: not still compiling or collecting what the last one left
        settle("warm-up");
        // warm-up (JIT of both servers and of this client), not recorded
        if (o.warmup > 0) {
            RoundResult w = throughputRound(o.warmup);
            log("warm-up: " + w.deliveries + " deliveries in " + f3(w.nanos / 1e9) + " s (" + Math.round(w.perSecond()) + "/s), missing " + w.missing);
        }

        // throughput rounds
        long[] sCpu0 = cpuTicks(Integer.toString(o.serverPid));
        long[] cCpu0 = cpuTicks("self");
        long[] m0 = machineTicks();
        long wall0 = System.nanoTime();
        List<RoundResult> rounds = new ArrayList<>();
        for (int r = 0; r < o.rounds; r++) {
            RoundResult rr = throughputRound(o.messages);
            rounds.add(rr);
            log("round " + (r + 1) + ": " + rr.deliveries + " deliveries in " + f3(rr.nanos / 1e9) + " s = "
                    + Math.round(rr.perSecond()) + "/s (publishing took " + f3(rr.publishNanos / 1e9) + " s), missing "
                    + rr.missing + ", duplicates " + rr.duplicates);
        }
        long wall1 = System.nanoTime();
        long[] sCpu1 = cpuTicks(Integer.toString(o.serverPid));
        long[] cCpu1 = cpuTicks("self");
        long[] m1 = machineTicks();
        put("loadavg_throughput_end", loadavg());

        long deliveries = rounds.stream().mapToLong(RoundResult::deliveries).sum();
        long missing = rounds.stream().mapToLong(RoundResult::missing).sum();
        long dups = rounds.stream().mapToLong(RoundResult::duplicates).sum();
        double[] rates = rounds.stream().mapToDouble(RoundResult::perSecond).sorted().toArray();
        put("message_bytes_published", body(1, System.nanoTime()).length());
        put("throughput_rounds", rounds.size());
        put("publishers", o.publishers);
        put("throughput_each", String.join(" ", Arrays.stream(rounds.stream().mapToDouble(RoundResult::perSecond).toArray())
                .mapToObj(d -> Long.toString(Math.round(d))).toList()));
        put("throughput_median", Math.round(rates[rates.length / 2]));
        put("throughput_best", Math.round(rates[rates.length - 1]));
        put("throughput_seconds_each", String.join(" ", rounds.stream().map(r -> f3(r.nanos / 1e9)).toList()));
        put("throughput_missing", missing);
        put("throughput_duplicates", dups);
        double wallSec = (wall1 - wall0) / 1e9;
        double tick = 1.0 / o.clkTck;
        double sUser = (sCpu1[0] - sCpu0[0]) * tick;
        double sSys = (sCpu1[1] - sCpu0[1]) * tick;
        double cUser = (cCpu1[0] - cCpu0[0]) * tick;
        double cSys = (cCpu1[1] - cCpu0[1]) * tick;
        double machineBusy = (m1[0] - m0[0]) * tick;
        put("throughput_wall_seconds", f3(wallSec));
        put("server_cpu_user_s", f3(sUser));
        put("server_cpu_sys_s", f3(sSys));
        put("server_cpu_share", f1(100 * (sUser + sSys) / wallSec));
        put("server_us_per_delivery_user", f3(sUser * 1e6 / deliveries));
        put("server_us_per_delivery_sys", f3(sSys * 1e6 / deliveries));
        put("client_cpu_user_s", f3(cUser));
        put("client_cpu_sys_s", f3(cSys));
        put("client_cpu_share", f1(100 * (cUser + cSys) / wallSec));
        put("client_us_per_delivery", f3((cUser + cSys) * 1e6 / deliveries));
        // /proc/stat counts all cores: other = busy - server - client, as a share of the 2 cores (or however many)
        int cores = machineCores();
        put("machine_cores", cores);
        put("other_cpu_share", f1(100 * Math.max(0, machineBusy - sUser - sSys - cUser - cSys) / (wallSec * cores)));
        log(String.format(Locale.ROOT, "throughput median %d/s; server CPU %.0f%% of a core (user %.3f + sys %.3f µs per delivery); client CPU %.0f%%; other CPU %s%% of the machine",
                Math.round(rates[rates.length / 2]), 100 * (sUser + sSys) / wallSec, sUser * 1e6 / deliveries,
                sSys * 1e6 / deliveries, 100 * (cUser + cSys) / wallSec, results.get("other_cpu_share")));

        // latency
        settle("latency");
        long[] ls0 = cpuTicks(Integer.toString(o.serverPid));
        long[] lc0 = cpuTicks("self");
        long[] lat = latencyPhase(o.latencyWarmup, o.latencySamples);
        long[] ls1 = cpuTicks(Integer.toString(o.serverPid));
        long[] lc1 = cpuTicks("self");
        // over warm-up and recorded samples alike: every single message reaches every connection once
        double latencyDeliveries = (double) (o.latencyWarmup + o.latencySamples) * conns.length;
        double lTick = 1e6 / o.clkTck;
        put("latency_server_us_per_delivery_user", f3((ls1[0] - ls0[0]) * lTick / latencyDeliveries));
        put("latency_server_us_per_delivery_sys", f3((ls1[1] - ls0[1]) * lTick / latencyDeliveries));
        put("latency_client_us_per_delivery", f3((lc1[0] - lc0[0] + lc1[1] - lc0[1]) * lTick / latencyDeliveries));
        long[] sorted = Arrays.stream(lat).filter(x -> x > 0).sorted().toArray();
        put("latency_samples", o.latencySamples);
        put("latency_values", sorted.length);
        if (sorted.length > 0) {
            put("latency_p50_ms", f3(sorted[(int) (sorted.length * 0.50)] / 1e6));
            put("latency_p99_ms", f3(sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6));
            put("latency_max_ms", f3(sorted[sorted.length - 1] / 1e6));
            put("latency_min_ms", f3(sorted[0] / 1e6));
            // first-arrival: the fastest connection of each sample (server's publish path without the fan-out)
            long[] firsts = new long[o.latencySamples];
            for (int s = 0; s < o.latencySamples; s++) {
                long m = Long.MAX_VALUE;
                for (int i = 0; i < conns.length; i++) {
                    long v = lat[s * conns.length + i];
                    if (v > 0 && v < m) m = v;
                }
                firsts[s] = m;
            }
            Arrays.sort(firsts);
            put("latency_first_arrival_p50_ms", f3(firsts[firsts.length / 2] / 1e6));
            // last arrival: when the whole fan-out of a message was through (the p50 of the 50)
            long[] lasts = new long[o.latencySamples];
            for (int s = 0; s < o.latencySamples; s++) {
                for (int i = 0; i < conns.length; i++) lasts[s] = Math.max(lasts[s], lat[s * conns.length + i]);
            }
            Arrays.sort(lasts);
            put("latency_last_arrival_p50_ms", f3(lasts[lasts.length / 2] / 1e6));
            // per message in order: first and last arrival, ms (where a slow message lost its time)
            StringBuilder each = new StringBuilder();
            for (int s = 0; s < o.latencySamples; s++) {
                long first = Long.MAX_VALUE;
                long last = 0;
                for (int i = 0; i < conns.length; i++) {
                    long v = lat[s * conns.length + i];
                    if (v > 0) {
                        first = Math.min(first, v);
                        last = Math.max(last, v);
                    }
                }
                each.append(s == 0 ? "" : " ").append(first / 1_000_000).append('/').append(last / 1_000_000);
            }
            put("latency_first_last_each_ms", each.toString());
        }
        log("latency p50 " + results.get("latency_p50_ms") + " ms, p99 " + results.get("latency_p99_ms") + " ms, max "
                + results.get("latency_max_ms") + " ms over " + sorted.length + " receipts; server CPU per delivery "
                + results.get("latency_server_us_per_delivery_user") + " + " + results.get("latency_server_us_per_delivery_sys")
                + " µs, client " + results.get("latency_client_us_per_delivery") + " µs; first / last arrival p50 "
                + results.get("latency_first_arrival_p50_ms") + " / " + results.get("latency_last_arrival_p50_ms") + " ms");
        put("rss_after_kb", rssKb(o.serverPid));
        put("loadavg_end", loadavg());

        if (o.jfrFile != null && o.jcmd != null && o.serverPid > 0) profile();

        put("closed_after_ready", closedAfterReady.get());
        if (lastClose != null) put("last_close", lastClose);
        put("unexpected_frames", unexpected.sum());
        put("error_frames", errorFrames.sum());
        put("control_frames", controlFrames.sum());
        if (lastError != null) put("last_error", lastError.replace('\n', ' '));
    }

    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(o.jcmd, Integer.toString(o.serverPid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Used heap from jcmd GC.heap_info: the sum of "total NK, used MK" lines (Parallel: young + old; G1: one). */
    long heapUsedKb() throws IOException, InterruptedException {
        long sum = 0;
        var m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        while (m.find()) sum += Long.parseLong(m.group(1));
        return sum;
    }

    /** JFR on the server while throughput rounds keep running (not part of the measured figures). */
    void profile() throws Exception {
        Files.deleteIfExists(Path.of(o.jfrFile));
        List<String> cmd = new ArrayList<>(List.of(o.jcmd, Integer.toString(o.serverPid), "JFR.start",
                "duration=" + o.jfrSeconds + "s", "filename=" + o.jfrFile, "settings=profile"));
        if (o.jfrCpuTime) cmd.add("jdk.CPUTimeSample#enabled=true");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        log("jcmd JFR.start: " + out.trim().replace('\n', ' '));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.jfrSeconds);
        long deliveries = 0;
        long nanos = 0;
        int perRound = Math.max(10, o.messages / 10); // short rounds, so the loop ends close to the recording's end
        while (System.nanoTime() < until) {
            RoundResult rr = throughputRound(perRound);
            deliveries += rr.deliveries;
            nanos += rr.nanos;
        }
        put("profile_throughput", Math.round(deliveries * 1e9 / Math.max(1, nanos)));
        Path f = Path.of(o.jfrFile);
        for (int i = 0; i < 100 && !(Files.exists(f) && Files.size(f) > 0); i++) Thread.sleep(200);
        Thread.sleep(500);
        put("jfr_file", o.jfrFile);
        log("JFR written to " + o.jfrFile + " (throughput while recording " + results.get("profile_throughput") + "/s)");
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadclient: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        LoadClient c = new LoadClient(o);
        int rc = 0;
        try {
            c.run();
        } catch (Exception e) {
            c.put("error", e.toString().replace('\n', ' '));
            c.log("FAILED: " + e);
            rc = 1;
        }
        StringBuilder sb = new StringBuilder();
        c.results.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        System.out.print(sb);
        if (o.out != null) Files.writeString(Path.of(o.out), sb.toString());
        c.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(rc);
    }
}

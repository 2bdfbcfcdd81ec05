package org.herald.bench.blf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.herald.testing.AmiTestServer;

/**
 * The BLF panel benchmark's load tool (bench/blf/run.sh runs it pinned to core 1). It plays the PBX with Herald's
 * AmiTestServer (same process), starts Herald (pinned to core 0) against it, and is also the browsers: WebSocket
 * clients of /ws subscribed to topic blf, optionally headless Chromium on /blf/. All times of part 1 are
 * System.nanoTime of this one process: written by the AMI server → frame arrived at the client.
 *
 * <p>Herald run 1 (reconcile 60 s, the default): (3a) AMI login → 1,000 extensions visible, cold and after
 * reconnects; (3c) sizes and GET latency; idle CPU; (1) latency runs; (2) browser. Herald run 2 (reconcile_interval
 * short): (3b) CPU per reconcile snapshot.
 */
public final class BlfBench {
    static final String CONTEXT = "internal";
    static final String USER = "blfbench";
    static final String SECRET = "blf-bench-ami-secret";

    private final Options o;
    private final StringBuilder out = new StringBuilder();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> extIndex = new HashMap<>();
    private final String[] extens;
    private int[] current; // the AMI server's state per extension index
    private int offset; // where the next latency run starts going round the extensions
    private double idleCpuMsPerSecond = Double.NaN;
    private double idleCpuNoJitMsPerSecond = Double.NaN;
    private double idleAmiMsPerSecond = 0;
    private final List<String> runThreads = new ArrayList<>();

    private BlfBench(Options o) {
        this.o = o;
        this.extens = new String[o.extensions];
        for (int i = 0; i < o.extensions; i++) {
            extens[i] = Integer.toString(10000 + i);
            extIndex.put(extens[i], i);
        }
        this.current = new int[o.extensions];
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        BlfBench b = new BlfBench(o);
        try {
            b.runEvents();
            b.runReconcile();
        } finally {
            System.out.print(b.out);
            System.out.flush();
        }
        System.exit(0); // HttpClient and WebSocket threads
    }

    private static void log(String fmt, Object... args) {
        System.err.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
    }

    private void line(String fmt, Object... args) {
        out.append(String.format(fmt, args)).append('\n');
    }

    private AmiTestServer amiWithHints() {
        AmiTestServer ami = AmiTestServer.start(USER, SECRET);
        for (String x : extens) ami.addHint(CONTEXT, x, "PJSIP/" + x, AmiTestServer.IDLE);
        current = new int[o.extensions];
        return ami;
    }

    private String pbxJson(AmiTestServer ami, String reconcile) {
        return "[{\"id\":\"main\",\"host\":\"127.0.0.1\",\"port\":" + ami.port() + ",\"username\":\"" + USER
                + "\",\"secret\":\"" + SECRET + "\"" + (reconcile == null ? "" : ",\"reconcile_interval\":\"" + reconcile + "\"") + "}]";
    }

    // ---- Herald run 1 --------------------------------------------------------------------------------------------

    private void runEvents() throws Exception {
        AmiTestServer ami = amiWithHints();
        ami.close(); // not listening yet: Herald's first login fails and is retried (1 s back-off) while we set up
        log("starting Herald (events mode, reconcile 60 s) on core %d", o.heraldCpu);
        try (HeraldProcess h = HeraldProcess.start(o, "herald-events", pbxJson(ami, null))) {
            line("Herald run 1: pid %d, events mode, reconcile_interval 60 s (default), JVM %s", h.pid, String.join(" ", o.heraldJvm));
            line("");
            List<String> tokens = tokens(h, Math.max(2, o.subscribers.stream().mapToInt(Integer::intValue).max().orElse(1) + 2));

            // (3a) AMI login -> 1,000 extensions visible
            Observer observer = new Observer();
            WsClient obs = WsClient.connect(http, h.base(), tokens.get(0), 0);
            obs.handler(observer);
            obs.subscribe("blf");
            line("### 3a. AMI login → %,d extensions visible", o.extensions);
            line("");
            line("t0 = the AMI server accepts Herald's TCP connection (login follows at once); 'GET' = the first");
            line("`GET /api/v1/blf` (polled back to back, ~2 ms apart) showing every extension in its new state; 'WS' = a");
            line("subscribed WebSocket client has received a `state` event carrying the new state of every extension.");
            line("");
            line("| case | t0 → GET shows all | t0 → WS has all | state events received |");
            line("|---|---|---|---|");
            observer.expect(current);
            int before = ami.connections();
            ami.restart();
            measureVisible(h, ami, observer, before, "cold: first login (fresh JVM)");
            List<Long> repsGet = new ArrayList<>();
            List<Long> repsWs = new ArrayList<>();
            for (int r = 1; r <= o.snapshotReps; r++) {
                HeraldProcess.sleep(500);
                int target = r % 2 == 1 ? AmiTestServer.INUSE : AmiTestServer.IDLE;
                for (int i = 0; i < extens.length; i++) {
                    ami.addHint(CONTEXT, extens[i], "PJSIP/" + extens[i], target); // no event: missed while "down"
                    current[i] = target;
                }
                observer.expect(current);
                before = ami.connections();
                ami.dropConnections();
                long[] m = measureVisible(h, ami, observer, before, "reconnect " + r + ": all " + extens.length + " changed while down");
                repsGet.add(m[0]);
                repsWs.add(m[1]);
            }
            if (!repsGet.isEmpty()) {
                line("| reconnects, median of %d | %s ms | %s ms | |", repsGet.size(), Stats.ms(median(repsGet)), Stats.ms(median(repsWs)));
            }
            line("");
            obs.close();

            // (3c) sizes and GET latency
            sizesAndGet(h, tokens.get(1));

            // idle CPU (the baseline of 3b)
            idleCpu(h, ami);

            // (1) latency runs
            latencyRuns(h, ami, tokens);

            // (2) browser
            if (o.browser) browserRuns(h, ami, tokens.get(tokens.size() - 1));
            ami.close();
        }
    }

    /** Waits for Herald's connection (t0), then polls GET and watches the observer until everything is visible. */
    private long[] measureVisible(HeraldProcess h, AmiTestServer ami, Observer observer, int connectionsBefore, String label)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ami.connections() == connectionsBefore) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("Herald did not connect to the AMI server");
            LockSupport.parkNanos(50_000);
        }
        long t0 = System.nanoTime();
        long tGet = -1;
        int polls = 0;
        while (tGet < 0 && System.nanoTime() < deadline) {
            JsonNode body = WsClient.JSON.readTree(get(h, "/api/v1/blf", HeraldProcess.API_KEY).body());
            polls++;
            int ok = 0;
            for (JsonNode x : body.path("extensions")) {
                Integer e = extIndex.get(x.path("exten").asText());
                if (e != null && x.path("state_code").asInt() == current[e]) ok++;
            }
            if (ok == extens.length) tGet = System.nanoTime();
            else HeraldProcess.sleep(2);
        }
        long wsAt = observer.awaitAll(Duration.ofSeconds(30));
        long get = tGet < 0 ? -1 : tGet - t0;
        long ws = wsAt < 0 ? -1 : wsAt - t0;
        line("| %s | %s ms (%d GETs) | %s ms | %,d |", label, Stats.ms(get), polls, Stats.ms(ws), observer.events.get());
        log("%s: GET %s ms, WS %s ms", label, Stats.ms(get), Stats.ms(ws));
        return new long[] {get, ws};
    }

    private static long median(List<Long> v) {
        List<Long> s = v.stream().sorted().toList();
        return s.get((s.size() - 1) / 2);
    }

    /** Counts extensions whose latest state on the topic is the expected one; notes when all are. */
    static final class Observer implements WsClient.Handler {
        private int[] expected = new int[0];
        private int[] seen = new int[0];
        private int matched;
        private volatile long allAt = -1;
        final AtomicInteger events = new AtomicInteger();
        private final Map<String, Integer> index = new HashMap<>();

        synchronized void expect(int[] states) {
            if (seen.length != states.length) {
                seen = new int[states.length];
                java.util.Arrays.fill(seen, Integer.MIN_VALUE);
                for (int i = 0; i < states.length; i++) index.put(Integer.toString(10000 + i), i);
            }
            expected = states.clone();
            matched = 0;
            for (int i = 0; i < seen.length; i++) if (seen[i] == expected[i]) matched++;
            allAt = matched == expected.length ? System.nanoTime() : -1;
            events.set(0);
        }

        @Override
        public synchronized void event(WsClient client, JsonNode data, long arrivedNanos) {
            if (!"state".equals(data.path("kind").asText())) return;
            for (JsonNode x : data.path("extensions")) {
                Integer i = index.get(x.path("exten").asText());
                if (i == null) continue;
                events.incrementAndGet();
                int code = x.path("state_code").asInt();
                if (seen[i] == expected[i] && code != expected[i]) matched--;
                if (seen[i] != expected[i] && code == expected[i]) matched++;
                seen[i] = code;
            }
            if (matched == expected.length && allAt < 0) allAt = arrivedNanos;
        }

        long awaitAll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (allAt < 0 && System.nanoTime() < deadline) HeraldProcess.sleep(1);
            return allAt;
        }
    }

    private void sizesAndGet(HeraldProcess h, String token) throws Exception {
        log("sizes and GET latency");
        line("### 3c. Sizes with %,d extensions, GET latency, subscribe latency", o.extensions);
        line("");
        WsClient c = WsClient.connect(http, h.base(), token, 1);
        long[] sub = new long[o.subscribeSamples];
        int frameBytes = 0;
        for (int i = 0; i < o.subscribeSamples; i++) {
            long t = System.nanoTime();
            WsClient.Frame f = c.subscribe("blf");
            sub[i] = f.arrivedNanos() - t;
            frameBytes = f.text().getBytes(StandardCharsets.UTF_8).length;
            HeraldProcess.sleep(110); // hub.max_frames_per_second is 20
        }
        c.close();
        HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/api/v1/blf"))
                .header("Authorization", "Bearer " + HeraldProcess.API_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        int getBytes = first.body().length;
        long[] lat = new long[o.getRequests];
        long cpu0 = Cpu.processMs(h.pid);
        long wall0 = System.nanoTime();
        for (int i = 0; i < o.getRequests; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/api/v1/blf"))
                    .header("Authorization", "Bearer " + HeraldProcess.API_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
            lat[i] = System.nanoTime() - t;
            if (r.statusCode() != 200) throw new IllegalStateException("GET /api/v1/blf: " + r.statusCode());
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        long cpu = Cpu.processMs(h.pid) - cpu0;
        if (o.profile && jfrStart(h, "get")) {
            for (int i = 0; i < Math.max(1000, o.getRequests); i++) {
                http.send(HttpRequest.newBuilder(URI.create(h.base() + "/api/v1/blf"))
                        .header("Authorization", "Bearer " + HeraldProcess.API_KEY).build(), HttpResponse.BodyHandlers.discarding());
            }
            jfrStop(h, "get");
        }
        Stats g = Stats.of(lat);
        Stats s = Stats.of(sub);
        line("| what | figure |");
        line("|---|---|");
        line("| `subscribed` frame (snapshot of %,d extensions), UTF-8 bytes | %,d (%.0f per extension) |", o.extensions, frameBytes, frameBytes / (double) o.extensions);
        line("| `GET /api/v1/blf` body, bytes (no compression) | %,d |", getBytes);
        line("| GET latency p50 / p99 / max, %d sequential requests, one keep-alive connection | %s |", o.getRequests, g.summary());
        line("| GET: requests/s, Herald CPU per request | %.0f/s, %.2f ms |", o.getRequests / wall, cpu / (double) o.getRequests);
        line("| subscribe → `subscribed` frame arrived, p50 / max of %d (one every 110 ms) | %s / %s ms |", o.subscribeSamples, Stats.ms(s.percentile(50)), Stats.ms(s.max()));
        line("");
    }

    private void idleCpu(HeraldProcess h, AmiTestServer ami) {
        log("idle CPU over %d s", o.cpuWindowSeconds);
        int lists0 = countLists(ami);
        long cpu0 = Cpu.processMs(h.pid);
        Map<String, Long> th0 = Cpu.threadsMs(h.pid);
        long t0 = System.nanoTime();
        HeraldProcess.sleep(o.cpuWindowSeconds * 1000L);
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu = Cpu.processMs(h.pid) - cpu0;
        Map<String, Long> th = Cpu.delta(th0, Cpu.threadsMs(h.pid));
        int lists = countLists(ami) - lists0;
        idleCpuMsPerSecond = cpu / secs;
        idleCpuNoJitMsPerSecond = sum(th, true) / secs;
        idleAmiMsPerSecond = amiThreads(th) / secs;
        line("Idle Herald (run 1, one AMI connection, no WebSocket client, nothing changing), %.0f s: %d ms CPU = %.1f ms/s "
                + "(%.1f ms/s without JIT threads; by thread: %s); snapshots (ExtensionStateList) in that window: %d.",
                secs, cpu, idleCpuMsPerSecond, idleCpuNoJitMsPerSecond, threadList(th, 5), lists);
        line("");
    }

    private static int countLists(AmiTestServer ami) {
        return (int) ami.actionsReceived().stream().filter(a -> a.equalsIgnoreCase("ExtensionStateList")).count();
    }

    private void latencyRuns(HeraldProcess h, AmiTestServer ami, List<String> tokens) throws Exception {
        line("### 1. AMI ExtensionStatus written → WebSocket event frame received");
        line("");
        line("Latency per delivery (one change to one subscriber); 'last sub.' = per change, the latency to the last of the");
        line("subscribers. Changes go round the %,d extensions (inuse → ringing → idle → onhold …). Herald CPU from", o.extensions);
        line("/proc/<pid>/stat over the run (10 ms ticks) divided by the changes: all threads, and without the JIT compiler");
        line("threads (idle Herald's own background work, ~%.0f ms/s, is in both).", Double.isNaN(idleCpuMsPerSecond) ? 0 : idleCpuMsPerSecond);
        line("");
        line("| subscribers | run | changes | p50 / p99 / max (all deliveries) | last sub. p50 / p99 / max | missing | Herald CPU per change (without JIT) | other CPU |");
        line("|---|---|---|---|---|---|---|---|");
        Map<String, Long> threads0 = Cpu.threadsMs(h.pid);
        long runsCpu0 = Cpu.processMs(h.pid);
        runThreads.clear();
        int runsChanges = 0;
        for (int subs : o.subscribers) {
            List<WsClient> clients = new ArrayList<>();
            for (int s = 0; s < subs; s++) {
                WsClient c = WsClient.connect(http, h.base(), tokens.get(s + 1), s + 1);
                c.subscribe("blf");
                clients.add(c);
            }
            log("%d subscribers connected", subs);
            if (o.warmup > 0) latencyRun(h, ami, clients, o.warmup, o.rate, null);
            runsChanges += o.changes;
            latencyRun(h, ami, clients, o.changes, o.rate, String.format("%d/s paced", o.rate));
            if (o.burst > 0) {
                HeraldProcess.sleep(500);
                runsChanges += o.burst;
                latencyRun(h, ami, clients, o.burst, 0, "burst");
            }
            for (WsClient c : clients) c.close();
            HeraldProcess.sleep(300);
        }
        long runsCpu = Cpu.processMs(h.pid) - runsCpu0;
        Map<String, Long> threads = Cpu.delta(threads0, Cpu.threadsMs(h.pid));
        line("");
        line("Herald's CPU by thread (ms) per run:");
        line("");
        for (String t : runThreads) line("- %s", t);
        line("");
        line("All latency runs, warm-ups included: %,d ms of Herald CPU; by thread: %s.", runsCpu, threadList(threads, 8));
        line("");
        if (o.profile) {
            int subs = o.subscribers.stream().mapToInt(Integer::intValue).max().orElse(1);
            List<WsClient> clients = new ArrayList<>();
            for (int s = 0; s < subs; s++) {
                WsClient c = WsClient.connect(http, h.base(), tokens.get(s + 1), s + 1);
                c.subscribe("blf");
                clients.add(c);
            }
            if (jfrStart(h, "latency")) {
                latencyRun(h, ami, clients, o.changes, o.rate, null);
                jfrStop(h, "latency");
                line("JFR (`--profile`): an extra %d/s run of %,d changes with %d subscribers after the measured ones, "
                        + "recorded in herald-latency.jfr (summary at the end).", o.rate, o.changes, subs);
                line("");
            }
            for (WsClient c : clients) c.close();
        }
    }

    /** One run; label null = warm-up (not printed). */
    private void latencyRun(HeraldProcess h, AmiTestServer ami, List<WsClient> clients, int changes, int rate, String label)
            throws Exception {
        LatencyRun run = new LatencyRun(changes, clients.size(), current, offset);
        offset = (offset + changes) % extens.length;
        for (WsClient c : clients) c.handler((cl, data, t) -> run.onEvent(cl.id - 1, data, t, extIndex));
        Map<String, Long> th0 = Cpu.threadsMs(h.pid);
        for (WsClient c : clients) c.startRecording();
        Cpu.Window window = new Cpu.Window(h.pid, ProcessHandle.current().pid());
        long sendNanos = run.send(rate, i -> ami.setState(CONTEXT, extens[run.ext[i]], run.state[i]));
        // one frame per change per client (unless Herald closed it); frames are parsed only afterwards
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> !c.closed() && c.recorded() < changes)) {
            HeraldProcess.sleep(5);
        }
        long heraldMs = window.processMsSince(0);
        double other = window.otherPercent();
        Map<String, Long> th = Cpu.delta(th0, Cpu.threadsMs(h.pid));
        for (WsClient c : clients) c.stopRecording();
        boolean all = run.await(0);
        long drain = run.lastArrival() - run.sentNanos.get(changes - 1);
        long heraldNoJit = sum(th, true);
        for (WsClient c : clients) c.handler((cl, data, t) -> { });
        if (label == null) {
            log("warm-up: %d changes, all received: %s", changes, all);
            return;
        }
        Map<String, Integer> closes = new java.util.TreeMap<>();
        for (WsClient c : clients) if (c.closeCode >= 0) closes.merge(c.closeCode + " " + c.closeReason, 1, Integer::sum);
        StringBuilder closed = new StringBuilder();
        closes.forEach((why, n) -> closed.append(' ').append(n).append(" × ").append(why));
        Stats d = run.deliveries();
        Stats last = run.lastSubscriber();
        runThreads.add(String.format("%d subscriber%s, %s: %s", clients.size(), clients.size() == 1 ? "" : "s", label, threadList(th, 6)));
        line("| %d | %s%s | %,d | %s | %s | %d%s | %.0f µs (%.0f µs) | %.0f %% |", clients.size(), label,
                rate == 0 ? String.format(" (written in %.1f ms; last frame %.1f ms after the last write)", sendNanos / 1e6, drain / 1e6) : "",
                changes, d.summary(), clients.size() == 1 ? "(same)" : last.summary(), run.missing(),
                (run.skipped() > 0 ? ", skipped " + run.skipped() : "") + (run.unmatched() > 0 ? ", unmatched " + run.unmatched() : "")
                        + (closed.length() > 0 ? ", closed:" + closed : ""),
                heraldMs * 1000.0 / changes, heraldNoJit * 1000.0 / changes, other);
        log("%d subs %s: %s (missing %d)", clients.size(), label, d.summary(), run.missing());
        HeraldProcess.sleep(200);
    }

    // ---- (2) the browser tile --------------------------------------------------------------------------------------

    private void browserRuns(HeraldProcess h, AmiTestServer ami, String token) throws Exception {
        log("browser: launching %s", o.chromium);
        line("### 2. AMI ExtensionStatus written → tile's `data-state` changed in headless Chromium");
        line("");
        try (Browser b = Browser.launch(o)) {
            b.call("Runtime.enable", Map.of());
            b.call("Page.enable", Map.of());
            b.call("Performance.enable", Map.of());
            b.call("Runtime.addBinding", Map.of("name", "blfReport"));
            b.call("Page.navigate", Map.of("url", h.base() + "/blf/#token=" + token));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int tiles = 0;
            while (tiles < extens.length && System.nanoTime() < deadline) {
                HeraldProcess.sleep(200);
                try {
                    tiles = b.eval("document.querySelectorAll('.tile').length").asInt();
                } catch (Exception e) {
                    tiles = 0; // navigating
                }
            }
            if (tiles < extens.length) throw new IllegalStateException("the page shows " + tiles + " tiles");
            b.eval("""
                    (() => {
                      const last = new Map();
                      for (const el of document.querySelectorAll('.tile')) last.set(el.dataset.exten, el.dataset.state);
                      const panel = document.getElementById('panel');
                      new MutationObserver(() => {
                        const t = performance.timeOrigin + performance.now();
                        const out = [];
                        for (const el of panel.querySelectorAll('.tile')) {
                          const s = el.dataset.state, x = el.dataset.exten;
                          if (last.get(x) !== s) { last.set(x, s); out.push([x, s]); }
                        }
                        if (out.length) blfReport(JSON.stringify({t, c: out}));
                      }).observe(panel, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-state']});
                      const status = document.getElementById('status');
                      new MutationObserver(() => blfReport(JSON.stringify({t: performance.timeOrigin + performance.now(),
                        status: status.dataset.state}))).observe(status, {attributes: true, attributeFilter: ['data-state']});
                      return last.size;
                    })()""");
            line("Page `/blf/` with %,d tiles; a MutationObserver on `#panel` reports every tile whose `data-state` changed, "
                    + "with `performance.timeOrigin + performance.now()` (wall clock, same machine clock as the load tool's "
                    + "`Instant.now()` at the write). 'via CDP' = when the report reached the load tool (upper bound). Chromium "
                    + "pinned to core %d with the load tool. Renderer main-thread time from `Performance.getMetrics`.", extens.length, o.browserCpu);
            line("");
            Map<String, Double> idle0 = b.metrics();
            long idleStart = System.nanoTime();
            HeraldProcess.sleep(5000);
            Map<String, Double> idle1 = b.metrics();
            double idleSecs = (System.nanoTime() - idleStart) / 1e9;
            line("With no changes the renderer's main thread is busy %.1f ms/s (script %.1f, style %.1f, layout %.1f; "
                    + "the page's 1 s timer redraws every tile's 'since' timer).", 1000 * (idle1.get("TaskDuration") - idle0.get("TaskDuration")) / idleSecs,
                    1000 * (idle1.get("ScriptDuration") - idle0.get("ScriptDuration")) / idleSecs,
                    1000 * (idle1.get("RecalcStyleDuration") - idle0.get("RecalcStyleDuration")) / idleSecs,
                    1000 * (idle1.get("LayoutDuration") - idle0.get("LayoutDuration")) / idleSecs);
            line("");
            line("| rate | changes | tile changed p50 / p99 / max | via CDP p50 / p99 | missing | renderer busy per change (script / style / layout) |");
            line("|---|---|---|---|---|---|");
            Map<String, Integer> words = new HashMap<>();
            for (int code : LatencyRun.CYCLE) words.put(LatencyRun.word(code), code);
            List<Integer> rates = new ArrayList<>(o.browserRates);
            if (o.profile) rates.add(-o.browserRates.get(0)); // negative: an extra, profiled run (not in the table)
            for (int signedRate : rates) {
                int rate = Math.abs(signedRate);
                boolean profiling = signedRate < 0;
                LatencyRun run = new LatencyRun(o.browserChanges, 1, current, offset);
                offset = (offset + o.browserChanges) % extens.length;
                long[] pageMicros = new long[o.browserChanges];
                long[] cdpNanos = new long[o.browserChanges];
                b.onEvent(m -> {
                    if (!"Runtime.bindingCalled".equals(m.path("method").asText())) return;
                    try {
                        JsonNode p = WsClient.JSON.readTree(m.path("params").path("payload").asText());
                        long micros = Math.round(p.path("t").asDouble() * 1000);
                        long arrived = m.path("_arrivedNanos").asLong();
                        for (JsonNode c : p.path("c")) {
                            Integer e = extIndex.get(c.get(0).asText());
                            Integer code = words.get(c.get(1).asText());
                            if (e == null || code == null) continue;
                            int idx = run.match(0, e, code, arrived);
                            if (idx >= 0) {
                                pageMicros[idx] = micros;
                                cdpNanos[idx] = arrived;
                            }
                        }
                    } catch (Exception ex) {
                        log("browser report: %s", ex);
                    }
                });
                if (profiling) {
                    b.call("Profiler.enable", Map.of());
                    b.call("Profiler.setSamplingInterval", Map.of("interval", 200));
                    b.call("Profiler.start", Map.of());
                }
                Map<String, Double> m0 = b.metrics();
                run.send(rate, i -> ami.setState(CONTEXT, extens[run.ext[i]], run.state[i]));
                run.await(60);
                HeraldProcess.sleep(300);
                Map<String, Double> m1 = b.metrics();
                if (profiling) {
                    jsProfile = jsProfileSummary(b.call("Profiler.stop", Map.of()).path("profile"), rate);
                    b.onEvent(m -> { });
                    continue;
                }
                b.onEvent(m -> { });
                long[] page = new long[o.browserChanges];
                long[] cdp = new long[o.browserChanges];
                int k = 0;
                for (int i = 0; i < o.browserChanges; i++) {
                    if (pageMicros[i] == 0) continue;
                    page[k] = (pageMicros[i] - run.sentEpochMicros[i]) * 1000;
                    cdp[k++] = cdpNanos[i] - run.sentNanos.get(i);
                }
                Stats ps = new Stats(page, k);
                Stats cs = new Stats(cdp, k);
                double n = o.browserChanges;
                line("| %d/s | %,d | %s | %s / %s ms | %d | %.2f ms (%.2f / %.2f / %.2f) |", rate, o.browserChanges, ps.summary(),
                        Stats.ms(cs.percentile(50)), Stats.ms(cs.percentile(99)), o.browserChanges - k,
                        1000 * (m1.get("TaskDuration") - m0.get("TaskDuration")) / n,
                        1000 * (m1.get("ScriptDuration") - m0.get("ScriptDuration")) / n,
                        1000 * (m1.get("RecalcStyleDuration") - m0.get("RecalcStyleDuration")) / n,
                        1000 * (m1.get("LayoutDuration") - m0.get("LayoutDuration")) / n);
                log("browser %d/s: %s", rate, ps.summary());
                HeraldProcess.sleep(500);
            }
            reconnectToPage(b, ami);
        }
        line("");
        if (jsProfile != null) {
            out.append(jsProfile);
            line("");
        }
    }

    private String jsProfile;

    /**
     * The 3a scenario seen on the page: every extension changed while the AMI connection was down, then a reconnect;
     * Herald's snapshot sends one state event per extension. Measures t0 (the AMI server accepts the reconnection)
     * → the page shows every new state, and whether the page's connection to Herald dropped meanwhile.
     */
    private void reconnectToPage(Browser b, AmiTestServer ami) throws Exception {
        HeraldProcess.sleep(1000);
        Map<String, String> want = new HashMap<>();
        for (int i = 0; i < extens.length; i++) {
            current[i] = LatencyRun.next(current[i]);
            ami.addHint(CONTEXT, extens[i], "PJSIP/" + extens[i], current[i]); // no event: missed while "down"
            want.put(extens[i], LatencyRun.word(current[i]));
        }
        java.util.Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicLong firstMicros = new AtomicLong();
        AtomicLong lastMicros = new AtomicLong();
        List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
        b.onEvent(m -> {
            if (!"Runtime.bindingCalled".equals(m.path("method").asText())) return;
            try {
                JsonNode p = WsClient.JSON.readTree(m.path("params").path("payload").asText());
                long micros = Math.round(p.path("t").asDouble() * 1000);
                if (p.has("status")) {
                    statuses.add(p.path("status").asText());
                    return;
                }
                for (JsonNode c : p.path("c")) {
                    String x = c.get(0).asText();
                    if (c.get(1).asText().equals(want.get(x)) && done.add(x)) {
                        firstMicros.compareAndSet(0, micros);
                        lastMicros.set(micros);
                        if (done.size() == want.size()) all.countDown();
                    }
                }
            } catch (Exception ex) {
                log("browser report: %s", ex);
            }
        });
        int before = ami.connections();
        ami.dropConnections();
        while (ami.connections() == before) LockSupport.parkNanos(50_000);
        java.time.Instant t0 = java.time.Instant.now();
        long t0Micros = t0.getEpochSecond() * 1_000_000 + t0.getNano() / 1000;
        log("browser: reconnect with all %d changed; waiting for the page (up to 300 s)", extens.length);
        boolean ok = all.await(300, java.util.concurrent.TimeUnit.SECONDS);
        b.onEvent(m -> { });
        line("");
        line("Reconnect with all %,d extensions changed while down (as in 3a; one `state` event per extension): "
                + "t0 → first tile changed %s ms, → **all %,d tiles show the new state %s**%s; the page's connection "
                + "status during it: %s.", extens.length,
                firstMicros.get() == 0 ? "n/a" : String.format("%.0f", (firstMicros.get() - t0Micros) / 1000.0), extens.length,
                ok ? String.format("%.1f s", (lastMicros.get() - t0Micros) / 1e6) : "not within 300 s (" + done.size() + " did)",
                "", statuses.isEmpty() ? "stayed connected" : String.join(" → ", statuses));
        log("browser reconnect: all=%s %d done, statuses %s", ok, done.size(), statuses);
    }

    /** Self time by function of a CDP CPU profile (samples every 200 µs of the renderer's main thread). */
    private String jsProfileSummary(JsonNode profile, int rate) {
        Map<Integer, String> names = new HashMap<>();
        for (JsonNode n : profile.path("nodes")) {
            JsonNode f = n.path("callFrame");
            String url = f.path("url").asText();
            String fn = f.path("functionName").asText();
            names.put(n.path("id").asInt(), (fn.isEmpty() ? "(anonymous)" : fn)
                    + (url.isEmpty() ? "" : " " + url.substring(url.lastIndexOf('/') + 1) + ":" + (f.path("lineNumber").asInt() + 1)));
        }
        Map<String, Long> self = new HashMap<>();
        JsonNode samples = profile.path("samples");
        JsonNode deltas = profile.path("timeDeltas");
        for (int i = 0; i < samples.size(); i++) {
            // timeDeltas[i] is the time before sample i; charge the interval ending at the next sample to sample i
            long us = i + 1 < deltas.size() ? deltas.get(i + 1).asLong() : 0;
            self.merge(names.getOrDefault(samples.get(i).asInt(), "?"), us, Long::sum);
        }
        long busy = self.entrySet().stream().filter(e -> !e.getKey().startsWith("(idle)")).mapToLong(Map.Entry::getValue).sum();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Renderer main thread during an extra %d/s run of %d changes after the measured ones (CDP "
                + "Profiler, `--profile`, 200 µs sampling): %.0f ms busy (not idle); self time by function, top 12:%n%n",
                rate, o.browserChanges, busy / 1000.0));
        self.entrySet().stream().filter(e -> !e.getKey().startsWith("(idle)"))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(12)
                .forEach(e -> sb.append(String.format("- %.1f %% `%s`%n", 100.0 * e.getValue() / Math.max(1, busy), e.getKey())));
        return sb.toString();
    }

    // ---- Herald run 2: CPU per reconcile snapshot -----------------------------------------------------------------

    private void runReconcile() throws Exception {
        AmiTestServer ami = amiWithHints();
        log("starting Herald (reconcile_interval %s)", o.reconcile);
        try (HeraldProcess h = HeraldProcess.start(o, "herald-reconcile", pbxJson(ami, o.reconcile))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (WsClient.JSON.readTree(get(h, "/api/v1/blf", HeraldProcess.API_KEY).body()).path("extensions").size() == extens.length) break;
                HeraldProcess.sleep(200);
            }
            HeraldProcess.sleep(o.reconcileWarmupSeconds * 1000L); // snapshots for the JIT
            log("reconcile CPU over %d s", o.cpuWindowSeconds);
            int lists0 = countLists(ami);
            Map<String, Long> th0 = Cpu.threadsMs(h.pid);
            long[] us0 = Cpu.processUserSystemMs(h.pid);
            Cpu.Window window = new Cpu.Window(h.pid, ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            HeraldProcess.sleep(o.cpuWindowSeconds * 1000L);
            double secs = (System.nanoTime() - t0) / 1e9;
            long[] us1 = Cpu.processUserSystemMs(h.pid);
            Map<String, Long> th = Cpu.delta(th0, Cpu.threadsMs(h.pid));
            int lists = countLists(ami) - lists0;
            double other = window.otherPercent();
            long cpu = (us1[0] - us0[0]) + (us1[1] - us0[1]);
            long cpuNoJit = sum(th, true);
            line("### 3b. Herald's CPU per reconcile snapshot (%,d extensions, none changing)", o.extensions);
            line("");
            line("Herald run 2: pid %d, `reconcile_interval` %s; measured over %.0f s after %d s of warm-up; other CPU %.0f %%.",
                    h.pid, o.reconcile, secs, o.reconcileWarmupSeconds, other);
            line("");
            line("| what | figure |");
            line("|---|---|");
            line("| snapshots (ExtensionStateList actions the AMI server answered) | %d |", lists);
            if (lists > 0) {
                double ami2 = amiThreads(th) - idleAmiMsPerSecond * secs;
                line("| **CPU per snapshot on the AMI threads** (asterisk-java reader and event pump, `ami-main`), minus their idle rate (%.1f ms/s, keep-alive pings) | **%.1f ms** (%.1f µs per extension) |",
                        idleAmiMsPerSecond, ami2 / lists, ami2 * 1000 / lists / extens.length);
            }
            line("| Herald CPU in the window, user + system, all threads | %,d + %,d ms = %.1f ms/s |", us1[0] - us0[0], us1[1] - us0[1], cpu / secs);
            line("| the same without JIT compiler threads | %.1f ms/s |", cpuNoJit / secs);
            line("| idle Herald (run 1, reconcile 60 s): all threads / without JIT | %.1f / %.1f ms/s |", idleCpuMsPerSecond, idleCpuNoJitMsPerSecond);
            if (lists > 0) {
                line("| cross-check: (window without JIT − idle without JIT) / snapshots | %.1f ms (noisy: the idle rate comes from another process) |",
                        (cpuNoJit - idleCpuNoJitMsPerSecond * secs) / lists);
            }
            line("");
            line("Herald's CPU by thread in the window (ms): %s.", threadList(th, 8));
            line("");
            if (o.profile && jfrStart(h, "reconcile")) {
                HeraldProcess.sleep(o.cpuWindowSeconds * 1000L);
                jfrStop(h, "reconcile");
                line("JFR (`--profile`): %d s more of reconcile snapshots after the window, in herald-reconcile.jfr.", o.cpuWindowSeconds);
                line("");
            }
        }
        ami.close();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Starts a JFR recording (profile settings, CPU-time sampling where the JDK has it); false if it failed. */
    private boolean jfrStart(HeraldProcess h, String name) throws Exception {
        String file = "filename=" + o.work.resolve("herald-" + name + ".jfr");
        String r = h.jcmd(o, "JFR.start", "name=" + name, "settings=profile", file, "jdk.CPUTimeSample#enabled=true",
                "jdk.CPUTimeSample#throttle=2ms", "jdk.ExecutionSample#period=2ms");
        if (!r.contains("Started recording")) r = h.jcmd(o, "JFR.start", "name=" + name, "settings=profile", file);
        log("JFR %s: %s", name, r.strip().replace('\n', ' '));
        return r.contains("Started recording");
    }

    private void jfrStop(HeraldProcess h, String name) throws Exception {
        log("JFR %s: %s", name, h.jcmd(o, "JFR.stop", "name=" + name).strip().replace('\n', ' '));
    }

    /** JIT compiler and JFR threads: excluded from the "without JIT" CPU figures. */
    static boolean jitOrJfr(String thread) {
        return thread.contains("CompilerThre") || thread.startsWith("JFR ");
    }

    /** asterisk-java's threads (comm "Asterisk-Java M…") and Herald's per-PBX worker {@code ami-<id>}. */
    static long amiThreads(Map<String, Long> threads) {
        return threads.entrySet().stream().filter(e -> e.getKey().startsWith("ami-") || e.getKey().startsWith("Asterisk-Java"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static long sum(Map<String, Long> threads, boolean withoutJit) {
        return threads.entrySet().stream().filter(e -> !withoutJit || !jitOrJfr(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    static String threadList(Map<String, Long> threads, int n) {
        return threads.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(n)
                .map(e -> "`" + e.getKey() + "` " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("-");
    }

    private HttpResponse<String> get(HeraldProcess h, String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(h.base() + path)).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Client tokens admin:1 … admin:n with topic blf. */
    private List<String> tokens(HeraldProcess h, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/api/v1/tokens"))
                    .header("Authorization", "Bearer " + HeraldProcess.API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"recipient\":\"admin:" + i + "\",\"topics\":[\"blf\"],\"ttl\":\"12h\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) throw new IllegalStateException("POST /api/v1/tokens: " + r.statusCode() + " " + r.body());
            out.add(WsClient.JSON.readTree(r.body()).path("token").asText());
        }
        return out;
    }
}

package org.herald.bench.blf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The load tool's options (run.sh passes them; see its --help). */
final class Options {
    String java = "java";
    String jcmd = "jcmd";
    Path heraldJar;
    Path work;
    int heraldCpu = 0;
    List<String> heraldJvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseParallelGC"));
    int extensions = 1000;
    int changes = 2000;
    int rate = 200;
    int warmup = 1000;
    List<Integer> subscribers = List.of(1, 50);
    int burst = 2000;
    int getRequests = 500;
    int subscribeSamples = 20;
    int snapshotReps = 5;
    String reconcile = "1s";
    int cpuWindowSeconds = 30;
    boolean profile;
    int reconcileWarmupSeconds = 30;
    boolean browser;
    String chromium = "/usr/bin/chromium";
    int browserCpu = 1;
    int browserChanges = 300;
    List<Integer> browserRates = List.of(10, 200);

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (k.equals("--profile")) { o.profile = true; continue; }
            if (k.equals("--browser")) { o.browser = true; continue; }
            if (i + 1 >= args.length) throw new IllegalArgumentException(k + " needs a value");
            String v = args[++i];
            switch (k) {
                case "--java" -> o.java = v;
                case "--jcmd" -> o.jcmd = v;
                case "--herald-jar" -> o.heraldJar = Path.of(v);
                case "--work" -> o.work = Path.of(v);
                case "--herald-cpu" -> o.heraldCpu = Integer.parseInt(v);
                case "--herald-jvm" -> o.heraldJvm = List.of(v.trim().split("\\s+"));
                case "--extensions" -> o.extensions = Integer.parseInt(v);
                case "--changes" -> o.changes = Integer.parseInt(v);
                case "--rate" -> o.rate = Integer.parseInt(v);
                case "--warmup" -> o.warmup = Integer.parseInt(v);
                case "--subscribers" -> o.subscribers = ints(v);
                case "--burst" -> o.burst = Integer.parseInt(v);
                case "--get-requests" -> o.getRequests = Integer.parseInt(v);
                case "--subscribe-samples" -> o.subscribeSamples = Integer.parseInt(v);
                case "--snapshot-reps" -> o.snapshotReps = Integer.parseInt(v);
                case "--reconcile" -> o.reconcile = v;
                case "--cpu-window" -> o.cpuWindowSeconds = Integer.parseInt(v);
                case "--reconcile-warmup" -> o.reconcileWarmupSeconds = Integer.parseInt(v);
                case "--chromium" -> o.chromium = v;
                case "--browser-cpu" -> o.browserCpu = Integer.parseInt(v);
                case "--browser-changes" -> o.browserChanges = Integer.parseInt(v);
                case "--browser-rates" -> o.browserRates = ints(v);
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        if (o.heraldJar == null || o.work == null) throw new IllegalArgumentException("--herald-jar and --work are required");
        return o;
    }

    private static List<Integer> ints(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}

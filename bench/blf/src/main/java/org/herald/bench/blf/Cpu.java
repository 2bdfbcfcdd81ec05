package org.herald.bench.blf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** CPU time from /proc: a process's user + system time, per thread name, and the whole machine's busy time. */
final class Cpu {
    /** USER_HZ: /proc reports CPU time in these ticks (100 on Linux x86-64). */
    static final long HZ = clockTicks();

    private Cpu() {}

    /** utime + stime of a process (all its threads) in ms; -1 if it is gone. */
    static long processMs(long pid) {
        long[] t = userSystemTicks(Path.of("/proc/" + pid + "/stat"));
        return t == null ? -1 : (t[0] + t[1]) * 1000 / HZ;
    }

    /** {user ms, system ms} of a process. */
    static long[] processUserSystemMs(long pid) {
        long[] t = userSystemTicks(Path.of("/proc/" + pid + "/stat"));
        return t == null ? new long[] {-1, -1} : new long[] {t[0] * 1000 / HZ, t[1] * 1000 / HZ};
    }

    /** CPU ms per thread name of a process (trailing digits folded into N, so pools add up). */
    static Map<String, Long> threadsMs(long pid) {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
                    long[] t = userSystemTicks(task.resolve("stat"));
                    if (t != null) out.merge(comm, (t[0] + t[1]) * 1000 / HZ, Long::sum);
                } catch (IOException e) {
                    // the thread ended between list and read
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return out;
    }

    /** after - before per key (threads that ended count from 0, which under-counts them; fine for long-lived ones). */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    /** {busy ticks, total ticks} of all CPUs since boot, from the "cpu" line of /proc/stat. */
    static long[] machine() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]); // up to steal
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (IOException e) {
            return new long[] {0, 1};
        }
    }

    private static long[] userSystemTicks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime is field 14, stime field 15
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /**
     * The share of the machine's CPU (all cores) that processes other than the given ones used between two
     * readings: busy ticks of the machine minus the given processes' ticks.
     */
    static final class Window {
        private final long[] machineStart = machine();
        private final long[] pids;
        private final long[] startMs;
        private final long wallStart = System.nanoTime();

        Window(long... pids) {
            this.pids = pids;
            this.startMs = new long[pids.length];
            for (int i = 0; i < pids.length; i++) startMs[i] = processMs(pids[i]);
        }

        /** ms of CPU of the i-th process since the start. */
        long processMsSince(int i) {
            return processMs(pids[i]) - startMs[i];
        }

        double wallSeconds() {
            return (System.nanoTime() - wallStart) / 1e9;
        }

        /** Percent of all cores used by other processes. */
        double otherPercent() {
            long[] now = machine();
            double busyMs = (now[0] - machineStart[0]) * 1000.0 / HZ;
            double totalMs = (now[1] - machineStart[1]) * 1000.0 / HZ;
            double mine = 0;
            for (int i = 0; i < pids.length; i++) mine += processMsSince(i);
            return totalMs <= 0 ? 0 : Math.max(0, 100.0 * (busyMs - mine) / totalMs);
        }
    }
}

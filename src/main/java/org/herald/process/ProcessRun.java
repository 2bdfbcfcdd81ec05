package org.herald.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one program from an argv list (no shell: arguments reach it exactly as given), with stdout and stderr merged
 * (a command's output) or apart (a module's answer and its complaints), stdin empty or a given document that is
 * closed once written. Keeps the first {@code maxOutputBytes} of output and drains the rest. At the timeout it kills the
 * program and every process it started.
 *
 * <p>The program runs in a session of its own (through util-linux's {@code setsid}, which calls setsid(2) and then
 * execs the program, so the pid and exit status stay the program's): its process group then holds everything it
 * starts, including children that detached from it and now belong to init, and the kill reaches them all through
 * {@code kill -KILL -- -pgid}. Without {@code setsid} on the machine the descendant walk alone is used.
 */
public final class ProcessRun {
    static final Path SETSID = Path.of("/usr/bin/setsid");
    static final Path KILL = Path.of("/bin/kill");
    /** Kept of stderr when it is apart from stdout: enough for an error message. */
    static final int MAX_ERROR_OUTPUT = 4096;

    /**
     * How a run ended: exit code (null when killed or never started), output, whether output was cut, timed out, and
     * stderr when it was kept apart (else empty).
     */
    public record Result(Integer exitCode, String output, boolean truncated, boolean timedOut, String startError, String errorOutput) {}

    private ProcessRun() {}

    /** Runs with stdin empty and stderr merged into the output. */
    public static Result run(List<String> argv, Duration timeout, int maxOutputBytes) throws InterruptedException {
        return run(argv, null, true, timeout, maxOutputBytes);
    }

    /**
     * @param stdin        written to the program's stdin, which is then closed; null: stdin is /dev/null
     * @param mergeStderr  stderr into the output; else kept apart (the first {@value #MAX_ERROR_OUTPUT} bytes)
     */
    public static Result run(List<String> argv, byte[] stdin, boolean mergeStderr, Duration timeout, int maxOutputBytes)
            throws InterruptedException {
        // checked here: started through setsid, a missing program would only show as setsid's exit status
        if (!Files.isExecutable(Path.of(argv.get(0)))) {
            return new Result(null, "", false, false, "cannot start " + argv.get(0) + ": no such executable file", "");
        }
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(inOwnSession(argv)).redirectErrorStream(mergeStderr);
            if (stdin == null) builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            process = builder.start();
        } catch (IOException e) {
            return new Result(null, "", false, false, "cannot start " + argv.get(0) + ": " + e.getMessage(), "");
        }
        if (stdin != null) feed(process, stdin);
        CappedReader reader = new CappedReader(process.getInputStream(), maxOutputBytes);
        Thread readerThread = Thread.ofVirtual().name("command-output").start(reader);
        CappedReader errors = mergeStderr ? null : new CappedReader(process.getErrorStream(), MAX_ERROR_OUTPUT);
        Thread errorThread = errors == null ? null : Thread.ofVirtual().name("command-errors").start(errors);
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process); // Herald is stopping: the program must not outlive it
            throw e;
        }
        if (!finished) killTree(process);
        // a grandchild that escaped the kill may hold the pipe open: stop reading after a grace period
        readerThread.join(Duration.ofSeconds(2));
        if (readerThread.isAlive()) {
            try {
                process.getInputStream().close();
            } catch (IOException ignored) {
                // closing to unblock the reader; nothing else to do
            }
            readerThread.join(Duration.ofSeconds(1));
        }
        if (errorThread != null) {
            errorThread.join(Duration.ofSeconds(1));
            if (errorThread.isAlive()) {
                try {
                    process.getErrorStream().close();
                } catch (IOException ignored) {
                    // as above
                }
            }
        }
        Integer exit = finished ? process.exitValue() : null;
        return new Result(exit, reader.text(), reader.truncated(), !finished, null, errors == null ? "" : errors.text());
    }

    /** Writes the document and closes stdin, from a thread of its own: a program that never reads must not block us. */
    private static void feed(Process process, byte[] stdin) {
        Thread.ofVirtual().name("command-input").start(() -> {
            try (var in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the program closed its stdin or ended without reading it all: its answer tells
            }
        });
    }

    private static List<String> inOwnSession(List<String> argv) {
        if (!Files.isExecutable(SETSID)) return argv;
        List<String> out = new ArrayList<>(argv.size() + 1);
        out.add(SETSID.toString());
        out.addAll(argv);
        return out;
    }

    /**
     * Kills the program's process group (see the class comment), then the program and every descendant it had: the program first, so that it can neither start new ones
     * nor report its children's deaths into the kept output; the descendants are listed before, since once the
     * program is gone they belong to init and no longer show as its descendants.
     */
    public static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        killGroup(process.pid());
        process.destroyForcibly();
        for (ProcessHandle descendant : descendants) {
            descendant.descendants().forEach(ProcessHandle::destroyForcibly);
            descendant.destroyForcibly();
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -KILL -- -pgid}, as argv; the group exists only when the program was started through setsid. */
    private static void killGroup(long pgid) {
        if (!Files.isExecutable(SETSID) || !Files.isExecutable(KILL)) return;
        try {
            Process kill = new ProcessBuilder(KILL.toString(), "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the descendant walk below still runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a stream to its end, keeping at most {@code max} bytes. */
    private static final class CappedReader implements Runnable {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        CappedReader(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    int room = max - kept.size();
                    if (room > 0) kept.write(buf, 0, Math.min(room, n));
                    if (n > room) truncated = true;
                }
            } catch (IOException ignored) {
                // the stream was closed under us (see run): what was read is kept
            }
        }

        synchronized String text() {
            return kept.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        boolean truncated() {
            return truncated;
        }
    }
}

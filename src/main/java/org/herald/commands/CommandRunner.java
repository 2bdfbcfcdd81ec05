package org.herald.commands;

import org.herald.process.ProcessRun;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.herald.config.CommandProgramConfig;
import org.herald.config.CommandsConfig;
import org.herald.core.Durations;
import org.herald.core.Ids;
import org.herald.core.InvalidRequestException;
import org.herald.core.RecipientId;
import org.herald.store.CommandRun;
import org.herald.store.CommandStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs allow-listed programs in the background, at most {@code max_concurrent} at once, and reports each result
 * (stored, and handed to {@code onFinished}, which sends the {@code command.result} notification).
 */
public final class CommandRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
    static final int MAX_ARGS = 100;
    static final int MAX_ARG_LENGTH = 4096;

    private final Map<String, CommandProgramConfig> programs = new LinkedHashMap<>();
    private final CommandStore store;
    private final int maxOutputBytes;
    private final Semaphore slots;
    private final Consumer<CommandRun> onFinished;
    private final Clock clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public CommandRunner(CommandsConfig config, CommandStore store, Consumer<CommandRun> onFinished, Clock clock) {
        for (CommandProgramConfig p : config.programs()) programs.put(p.name(), p);
        this.store = store;
        this.maxOutputBytes = config.maxOutputBytes();
        this.slots = new Semaphore(config.maxConcurrent());
        this.onFinished = onFinished;
        this.clock = clock;
        int abandoned = store.failAbandoned(clock.instant().minus(Duration.ofMinutes(5)), "Herald stopped while the command ran");
        if (abandoned > 0) log.warn("{} commands left unfinished by an earlier Herald were marked failed", abandoned);
    }

    /**
     * Queues a run of {@code name} with {@code args} after the program's fixed arguments. {@code timeout} null: the
     * program's max_timeout.
     */
    public CommandRun submit(RecipientId to, String name, List<String> args, Duration timeout) throws CommandNotAllowedException {
        return submit(to, name, args, timeout, onFinished);
    }

    /** As {@link #submit(RecipientId, String, List, Duration)}, with the result told by {@code report} instead. */
    public CommandRun submit(RecipientId to, String name, List<String> args, Duration timeout, Consumer<CommandRun> report)
            throws CommandNotAllowedException {
        CommandProgramConfig program = programs.get(name);
        if (program == null) throw new CommandNotAllowedException(name);
        if (args.size() > MAX_ARGS) throw new InvalidRequestException("invalid_field", "args", "at most " + MAX_ARGS + " arguments");
        for (String a : args) {
            if (a.length() > MAX_ARG_LENGTH) throw new InvalidRequestException("invalid_field", "args", "an argument is longer than " + MAX_ARG_LENGTH);
            if (a.indexOf('\0') >= 0) throw new InvalidRequestException("invalid_field", "args", "arguments cannot contain NUL");
        }
        Duration max = Durations.parse(program.maxTimeout());
        if (timeout != null && (timeout.isZero() || timeout.compareTo(max) > 0)) {
            throw new InvalidRequestException("invalid_field", "timeout", "timeout must be between 1ms and " + program.maxTimeout()
                    + " for " + name);
        }
        Duration effective = timeout == null ? max : timeout;
        CommandRun run = new CommandRun(Ids.newId(clock), to, name, List.copyOf(args), effective.toMillis(), CommandRun.QUEUED,
                null, null, false, null, null, clock.instant(), null, null);
        store.insert(run);
        List<String> argv = new ArrayList<>();
        argv.add(program.path());
        argv.addAll(program.args());
        argv.addAll(args);
        executor.execute(() -> execute(run, argv, effective, report));
        return run;
    }

    private void execute(CommandRun run, List<String> argv, Duration timeout, Consumer<CommandRun> report) {
        running.add(Thread.currentThread());
        try {
            slots.acquire();
            try {
                if (closed) throw new InterruptedException();
                store.markRunning(run.id());
                ProcessRun.Result r = ProcessRun.run(argv, timeout, maxOutputBytes);
                String status = r.startError() != null ? CommandRun.FAILED : r.timedOut() ? CommandRun.TIMED_OUT
                        : r.exitCode() == 0 ? CommandRun.SUCCEEDED : CommandRun.FAILED;
                store.finish(run.id(), status, r.exitCode(), r.output(), r.truncated(), r.startError());
                if (r.startError() != null) log.warn("command {} ({}): {}", run.name(), run.id(), r.startError());
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            store.finish(run.id(), CommandRun.FAILED, null, null, false, "Herald stopped while the command ran");
        } catch (RuntimeException e) {
            log.warn("command {} ({}) could not be run: {}", run.name(), run.id(), e.toString());
            store.finish(run.id(), CommandRun.FAILED, null, null, false, "internal error: " + e.getMessage());
        } finally {
            running.remove(Thread.currentThread());
        }
        store.find(run.id()).ifPresent(done -> {
            try {
                report.accept(done);
            } catch (RuntimeException e) {
                log.warn("command {} ({}): the result notification failed: {}", run.name(), run.id(), e.toString());
            }
        });
    }

    /** The program's max_timeout, or null when it is not on the allow-list. */
    public Duration maxTimeout(String name) {
        CommandProgramConfig p = programs.get(name);
        return p == null ? null : Durations.parse(p.maxTimeout());
    }

    /** Stops: runs in progress are interrupted (their processes killed) and recorded as failed. */
    @Override
    public void close() {
        closed = true;
        running.forEach(Thread::interrupt);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) log.warn("commands still stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.herald.testing;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.herald.channel.Channel;
import org.herald.core.Outcome;
import org.herald.store.ClaimedDelivery;

/**
 * A channel whose outcomes the test decides: it answers the queued outcomes in order (then {@code delivered}),
 * records every attempt, and can hold attempts at a gate until the test releases them.
 */
public final class ScriptedChannel implements Channel {
    private final String name;
    private final Queue<Object> script = new ConcurrentLinkedQueue<>();
    private final List<ClaimedDelivery> attempts = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private String requiredContact;

    public ScriptedChannel(String name) {
        this.name = name;
    }

    public ScriptedChannel then(Outcome... outcomes) {
        script.addAll(List.of(outcomes));
        return this;
    }

    /** The next attempt throws this (as a broken channel implementation would). */
    public ScriptedChannel thenThrow(RuntimeException e) {
        script.add(e);
        return this;
    }

    /** Attempts wait until {@link #release()} from now on. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** Makes the channel need this contact (e.g. {@code phone}) from recipients. */
    public ScriptedChannel needing(String contact) {
        this.requiredContact = contact;
        return this;
    }

    @Override
    public String requiredContact() {
        return requiredContact;
    }

    public List<ClaimedDelivery> attempts() {
        return attempts;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome deliver(ClaimedDelivery delivery) throws InterruptedException {
        attempts.add(delivery);
        if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
        Object next = script.poll();
        if (next instanceof RuntimeException e) throw e;
        return next != null ? (Outcome) next : Outcome.delivered(name + "-gw");
    }
}

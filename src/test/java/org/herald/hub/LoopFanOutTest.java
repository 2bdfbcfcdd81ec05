package org.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.herald.core.RecipientId;
import org.junit.jupiter.api.Test;

/**
 * How one event loop sends a topic event to its subscribers: connection by connection while the loop is idle, coalesced
 * with the flusher when events come back to back. Netty's embedded channels record every write and flush.
 */
class LoopFanOutTest {
    /** Records, per flush, the frames it sent (by their text). */
    static final class Wire extends ChannelDuplexHandler {
        final List<String> unflushed = new ArrayList<>();
        final List<List<String>> flushes = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf frame = (ByteBuf) msg;
            unflushed.add(EncodedFrame.payload(frame));
            frame.release();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!unflushed.isEmpty()) flushes.add(List.copyOf(unflushed));
            unflushed.clear();
        }

        List<String> sent() {
            return flushes.stream().flatMap(List::stream).toList();
        }
    }

    record Subscriber(EmbeddedChannel channel, Wire wire, Session session) {}

    static List<Subscriber> subscribers(int n) {
        List<Subscriber> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Wire wire = new Wire();
            EmbeddedChannel channel = new EmbeddedChannel(wire, new ChannelDuplexHandler());
            // raw frames are written from the last handler's context, as from the frame encoder's in production
            WebSocketTransport transport = new WebSocketTransport(channel, channel.pipeline().lastContext(), false, "127.0.0.1", 1 << 20);
            out.add(new Subscriber(channel, wire, new Session("s" + i, new RecipientId("user", Integer.toString(i)), Set.of(), transport)));
        }
        return out;
    }

    /** Runs on a thread of its own: the flusher and the fan-out are per thread, like per event loop. */
    static void onFreshLoopThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new FastThreadLocalThread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() instanceof Error e) throw e;
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    static ByteBuf event(String name) {
        return EncodedFrame.text("{\"type\":\"event\",\"data\":\"" + name + "\"}");
    }

    static Session[] sessions(List<Subscriber> subs) {
        return subs.stream().map(Subscriber::session).toArray(Session[]::new);
    }

    /** Everything the loops have scheduled (the next chunks, the flusher's turns), until nothing is left. */
    static void runLoop(List<Subscriber> subs) {
        for (int round = 0; round < 100; round++) {
            boolean any = false;
            for (Subscriber s : subs) {
                s.channel().runPendingTasks();
                any |= s.channel().runScheduledPendingTasks() != -1;
            }
            if (!any) return;
        }
    }

    @Test
    void onAnIdleLoopTheFirstChunkIsSentAtOnceEachConnectionWithItsOwnFlushAndTheRestAfterTheLoopsIo() throws Exception {
        onFreshLoopThread(() -> {
            List<Subscriber> subs = subscribers(LoopFlusher.CHUNK + 10);
            LoopFanOut.current(subs.getFirst().channel().eventLoop()).publish(event("a"), sessions(subs));
            for (int i = 0; i < subs.size(); i++) {
                Wire w = subs.get(i).wire();
                if (i < LoopFlusher.CHUNK) assertThat(w.flushes).as("connection %d", i).hasSize(1);
                else assertThat(w.flushes).as("connection %d waits for the next chunk", i).isEmpty();
            }
            runLoop(subs);
            for (Subscriber s : subs) assertThat(s.wire().sent()).containsExactly("{\"type\":\"event\",\"data\":\"a\"}");
        });
    }

    @Test
    void anEventThatArrivesBeforeTheFanOutIsThroughIsCoalescedAndEveryConnectionKeepsTheOrder() throws Exception {
        onFreshLoopThread(() -> {
            List<Subscriber> subs = subscribers(LoopFlusher.CHUNK + 10);
            LoopFanOut fanOut = LoopFanOut.current(subs.getFirst().channel().eventLoop());
            fanOut.publish(event("a"), sessions(subs));
            fanOut.publish(event("b"), sessions(subs));
            fanOut.publish(event("c"), sessions(subs));
            runLoop(subs);
            for (int i = 0; i < subs.size(); i++) {
                Wire w = subs.get(i).wire();
                assertThat(w.sent()).as("connection %d", i).containsExactly(
                        "{\"type\":\"event\",\"data\":\"a\"}", "{\"type\":\"event\",\"data\":\"b\"}", "{\"type\":\"event\",\"data\":\"c\"}");
                // the first chunk got a at once; everyone else got what piled up in one flush
                assertThat(w.flushes).as("connection %d", i).hasSize(i < LoopFlusher.CHUNK ? 2 : 1);
            }
        });
    }

    @Test
    void whileFramesWaitForTheFlusherANewEventJoinsThemInsteadOfFlushingOnItsOwn() throws Exception {
        onFreshLoopThread(() -> {
            List<Subscriber> subs = subscribers(3);
            subs.getFirst().session().writeOnLoop(event("notification")); // waits for the loop's flusher
            LoopFanOut.current(subs.getFirst().channel().eventLoop()).publish(event("a"), sessions(subs));
            assertThat(subs.get(1).wire().flushes).isEmpty();
            runLoop(subs);
            assertThat(subs.getFirst().wire().flushes).containsExactly(List.of(
                    "{\"type\":\"event\",\"data\":\"notification\"}", "{\"type\":\"event\",\"data\":\"a\"}"));
            assertThat(subs.get(1).wire().flushes).hasSize(1);
        });
    }

    @Test
    void theSharedFrameIsReleasedOnceEveryConnectionHasIt() throws Exception {
        onFreshLoopThread(() -> {
            List<Subscriber> subs = subscribers(LoopFlusher.CHUNK + 1);
            ByteBuf frame = event("a");
            LoopFanOut.current(subs.getFirst().channel().eventLoop()).publish(frame, sessions(subs));
            assertThat(frame.refCnt()).as("held for the connections not written yet").isPositive();
            runLoop(subs);
            assertThat(frame.refCnt()).isZero();
        });
    }
}

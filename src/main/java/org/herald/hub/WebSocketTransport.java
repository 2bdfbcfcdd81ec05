package org.herald.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A session's transport over the Netty channel of a WebSocket ({@link WebSocketUpgrade} builds its pipeline).
 * Frames are written as pre-encoded bytes from the frame encoder's context, so they pass no handler on their way to
 * the socket; the loop's {@link LoopFlusher} flushes the channel once for however many frames were written before
 * its turn came. The outbound buffer is bounded by the channel's write-buffer high-water mark. Confined to the
 * channel's event loop except where a method says otherwise.
 */
final class WebSocketTransport implements Transport {
    /** How long a close frame waits for the client's before the TCP connection is closed anyway. */
    static final long CLOSING_TIMEOUT_MILLIS = 2_000;
    private static final ByteBuf PING = Unpooled.unreleasableBuffer(Unpooled.directBuffer(2).writeByte(0x89).writeByte(0));

    private final Channel channel;
    /** The frame encoder's context: a write from here goes straight to the socket. */
    private final ChannelHandlerContext raw;
    /** Per-message deflate was negotiated: frames are compressed for this connection by the pipeline's encoder. */
    private final boolean deflate;
    private final String address;
    /** Unflushed bytes at which a connection is flushed at once: the flusher's backlog must not count as a slow client. */
    private final int flushAtBytes;
    private boolean flushPending;
    private int unflushedBytes;
    private boolean closeSent;

    WebSocketTransport(Channel channel, ChannelHandlerContext raw, boolean deflate, String address, int outboundBufferBytes) {
        this.channel = channel;
        this.raw = raw;
        this.deflate = deflate;
        this.address = address;
        this.flushAtBytes = Math.min(16 * 1024, outboundBufferBytes / 4);
    }

    /** Called by the loop's flusher. */
    void flush() {
        flushPending = false;
        if (unflushedBytes > 0) {
            unflushedBytes = 0;
            raw.flush();
        }
    }

    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public boolean inExecutor() {
        return channel.eventLoop().inEventLoop();
    }

    /** Schedules work on the connection's event loop (timers of the protocol). */
    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return channel.eventLoop().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean writeFrame(ByteBuf frame) {
        return write(frame, false);
    }

    @Override
    public boolean writeFrameNow(ByteBuf frame) {
        return write(frame, true);
    }

    private boolean write(ByteBuf frame, boolean now) {
        if (!channel.isActive() || !channel.isWritable()) {
            frame.release();
            return !channel.isActive(); // a closed channel is not "too slow"; its close is under way
        }
        unflushedBytes += frame.readableBytes();
        if (deflate) channel.write(new TextWebSocketFrame(true, 0, EncodedFrame.payloadOf(frame)), channel.voidPromise());
        else raw.write(frame, raw.voidPromise());
        if (now || unflushedBytes >= flushAtBytes) {
            unflushedBytes = 0;
            raw.flush();
        } else if (!flushPending) {
            flushPending = true;
            LoopFlusher.current(channel.eventLoop()).add(this);
        }
        return true;
    }

    @Override
    public void writePaced(List<String> frames, Runnable then) {
        if (inExecutor()) writeFrom(frames, 0, then);
        else executor().execute(() -> writeFrom(frames, 0, then));
    }

    private void writeFrom(List<String> frames, int index, Runnable then) {
        int i = index;
        while (i < frames.size()) {
            if (!channel.isActive()) return;
            if (!channel.isWritable()) {
                // An empty write completes once everything queued before it has gone to the socket: go on then.
                int resumeAt = i;
                raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    if (f.isSuccess()) writeFrom(frames, resumeAt, then);
                });
                return;
            }
            writeFrame(EncodedFrame.text(frames.get(i++)));
        }
        then.run();
    }

    /** A WebSocket ping; the client's pong (or any frame) tells it is alive. */
    void ping() {
        if (channel.isActive() && !closeSent) raw.writeAndFlush(PING.duplicate(), raw.voidPromise());
    }

    boolean isOpen() {
        return channel.isActive() && !closeSent;
    }

    @Override
    public void close(CloseReason reason, String message) {
        if (!inExecutor()) {
            executor().execute(() -> close(reason, message));
            return;
        }
        if (closeSent || !channel.isActive()) return;
        closeSent = true;
        if (reason != CloseReason.CLIENT_CLOSED) writeFrame(EncodedFrame.text(Frames.error(reason.word(), message)));
        channel.writeAndFlush(new CloseWebSocketFrame(reason.code(), reason.word()));
        // RFC 6455 §7.1.1: the server closes the TCP connection once the client has answered the close frame
        schedule(channel::close, CLOSING_TIMEOUT_MILLIS);
    }

    /** The client sent a close frame: the answer to ours ends the connection; otherwise echo it (§5.5.1), then end it. */
    void closeReceived(CloseWebSocketFrame frame) {
        if (closeSent) {
            channel.close();
            return;
        }
        closeSent = true;
        channel.writeAndFlush(new CloseWebSocketFrame(true, 0, frame.content().retain())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String remoteAddress() {
        return address;
    }
}

package org.herald.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A session's transport over a Vert.x WebSocket. Frames go straight to the Netty channel as pre-encoded bytes (the
 * WebSocket encoder passes plain buffers through). The loop's {@link LoopFlusher} flushes it once for however many
 * frames were written before its turn came. The outbound buffer is bounded by the channel's write-buffer high-water
 * mark.
 */
final class WebSocketTransport implements Transport {
    private final ServerWebSocket ws;
    private final ChannelHandlerContext ctx;
    private final String address;
    /** Unflushed bytes at which a connection is flushed at once: the flusher's backlog must not count as a slow client. */
    private final int flushAtBytes;
    private boolean flushPending;
    private int unflushedBytes;

    WebSocketTransport(ServerWebSocket ws, String address, int outboundBufferBytes) {
        this.ws = ws;
        this.address = address;
        this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(outboundBufferBytes / 2, outboundBufferBytes));
        this.flushAtBytes = Math.min(16 * 1024, outboundBufferBytes / 4);
    }

    /** Called by the loop's flusher. */
    void flush() {
        flushPending = false;
        if (unflushedBytes > 0) {
            unflushedBytes = 0;
            ctx.flush();
        }
    }

    @Override
    public Executor executor() {
        return ctx.executor();
    }

    @Override
    public boolean inExecutor() {
        return ctx.executor().inEventLoop();
    }

    @Override
    public boolean writeFrame(ByteBuf frame) {
        if (!ctx.channel().isActive() || !ctx.channel().isWritable()) {
            frame.release();
            return !ctx.channel().isActive(); // a closed channel is not "too slow"; its close is under way
        }
        unflushedBytes += frame.readableBytes();
        ctx.write(frame, ctx.voidPromise());
        if (unflushedBytes >= flushAtBytes) {
            unflushedBytes = 0;
            ctx.flush();
        } else if (!flushPending) {
            flushPending = true;
            LoopFlusher.current(ctx.executor()).add(this);
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
            if (!ctx.channel().isActive()) return;
            if (!ctx.channel().isWritable()) {
                // An empty write completes once everything queued before it has gone to the socket: go on then.
                int resumeAt = i;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    if (f.isSuccess()) writeFrom(frames, resumeAt, then);
                });
                return;
            }
            writeFrame(EncodedFrame.text(frames.get(i++)));
        }
        then.run();
    }

    @Override
    public void close(CloseReason reason, String message) {
        // on the socket's event loop: written from another thread (Herald stopping) while the connection closes,
        // Vert.x disposes its outbound queue on the calling thread and writes there, off its event loop
        if (!inExecutor()) {
            executor().execute(() -> close(reason, message));
            return;
        }
        if (ws.isClosed()) return;
        if (reason != CloseReason.CLIENT_CLOSED) ws.writeTextMessage(Frames.error(reason.word(), message));
        ws.close((short) reason.code(), reason.word());
    }

    @Override
    public String remoteAddress() {
        return address;
    }
}

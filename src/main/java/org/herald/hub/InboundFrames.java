package org.herald.hub;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a WebSocket's pipeline: whole messages (the aggregator joins fragments) go to the connection's
 * protocol, pings are answered, a close frame completes the closing handshake. Anything else that reaches it (the
 * end of the upgrade request, decoded by the HTTP codec before it was removed) is dropped.
 */
final class InboundFrames extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(InboundFrames.class);

    private final ClientConnection connection;
    private final WebSocketTransport transport;

    InboundFrames(ClientConnection connection, WebSocketTransport transport) {
        this.connection = connection;
        this.transport = transport;
    }

    /** In the pipeline now: the protocol starts (it may write at once). */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                connection.onText(text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                connection.heard();
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof PongWebSocketFrame) {
                connection.heard();
            } else if (msg instanceof BinaryWebSocketFrame) {
                connection.onBinary();
            } else if (msg instanceof CloseWebSocketFrame close) {
                transport.closeReceived(close);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.onClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof DecoderException) {
            // the client went away, or broke the protocol (the decoder answered with a close frame)
            log.debug("websocket {}: {}", transport.remoteAddress(), cause.toString());
        } else {
            log.warn("websocket {}: closing after an unexpected error", transport.remoteAddress(), cause);
        }
        ctx.close();
    }
}

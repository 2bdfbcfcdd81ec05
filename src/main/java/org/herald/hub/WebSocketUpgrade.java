package org.herald.hub;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.net.NetSocketInternal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The opening handshake of {@code /ws} (RFC 6455 §4.2) and the switch of the connection's Netty pipeline from HTTP to
 * WebSocket frames. Vert.x parses the request and writes the {@code 101} (its {@code toNetSocket()} hands over the
 * raw connection); from then on the channel holds Netty's frame codec and Herald's handler and nothing of Vert.x's
 * HTTP or WebSocket objects, which would cost several KiB per idle connection (docs/benchmarks.md).
 */
final class WebSocketUpgrade {
    /** RFC 6455 §1.3. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Why an upgrade request is refused: the HTTP status and a message for the JSON error body. */
    record Refusal(int status, String message) {}

    private final WebSocketDecoderConfig decoderConfig;
    private final int maxMessageBytes;
    private final PerMessageDeflateServerExtensionHandshaker deflate;

    /**
     * @param maxMessageBytes longer frames are cut with close code 1009, longer fragmented messages end the connection
     * @param compression whether per-message deflate is accepted when the client offers it
     */
    WebSocketUpgrade(int maxMessageBytes, boolean compression) {
        this.maxMessageBytes = maxMessageBytes;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxMessageBytes).expectMaskedFrames(true)
                .allowMaskMismatch(false).allowExtensions(compression).closeOnProtocolViolation(true).build();
        // server_no_context_takeover when the client asks for it; the inflater stops at maxMessageBytes (no zip bombs)
        this.deflate = compression ? new PerMessageDeflateServerExtensionHandshaker(6, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                15, true, false, 15, 8, maxMessageBytes) : null;
    }

    /** What is wrong with a WebSocket upgrade request, or null when it may be accepted. */
    static Refusal check(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) return new Refusal(405, "a WebSocket upgrade must be a GET");
        String connection = request.getHeader(HttpHeaders.CONNECTION);
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            return new Refusal(400, "the Connection header must include Upgrade");
        }
        if (!"13".equals(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            return new Refusal(426, "only WebSocket version 13 is supported (Sec-WebSocket-Version: 13)");
        }
        String key = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || !isNonce(key.trim())) return new Refusal(400, "Sec-WebSocket-Key must be 16 bytes in base64");
        return null;
    }

    private static boolean isNonce(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Answers {@code 101 Switching Protocols} and builds the WebSocket pipeline; then calls {@code connected} with
     * the channel, the context raw frames are written from and whether frames are deflated. Call on the request's
     * event loop with a request that passed {@link #check}.
     */
    void accept(HttpServerRequest request, Connected connected) {
        WebSocketServerExtension extension = negotiate(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        var response = request.response().putHeader(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE)
                .putHeader(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, acceptKey(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim()));
        if (extension != null) response.putHeader(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, format(extension.newReponseData()));
        // toNetSocket writes the 101 with these headers and removes Vert.x's HTTP codec; on the event loop it
        // completes at once, before the connection reads again, so no frame can slip past the new pipeline
        request.toNetSocket().onSuccess(socket -> {
            ChannelHandlerContext vertx = ((NetSocketInternal) socket).channelHandlerContext();
            ChannelPipeline pipeline = vertx.pipeline();
            String at = vertx.name();
            WebSocket13FrameEncoder encoder = new WebSocket13FrameEncoder(false);
            pipeline.addBefore(at, "ws-encoder", encoder);
            pipeline.addBefore(at, "ws-decoder", new WebSocket13FrameDecoder(decoderConfig));
            if (extension != null) {
                pipeline.addBefore(at, "ws-deflate-encoder", extension.newExtensionEncoder());
                pipeline.addBefore(at, "ws-deflate-decoder", extension.newExtensionDecoder());
            }
            pipeline.addBefore(at, "ws-utf8", new Utf8FrameValidator(true));
            pipeline.addBefore(at, "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
            Channel channel = vertx.channel();
            // the new handler starts the protocol when it is added (Vert.x's is removed after that, with its objects)
            pipeline.replace(at, "ws-herald", connected.handler(channel, pipeline.context(encoder), extension != null));
            channel.config().setAutoRead(true);
            channel.flush();
        });
    }

    /** Makes the connection's last handler once the rest of the pipeline is in place. */
    @FunctionalInterface
    interface Connected {
        /**
         * @param raw the frame encoder's context: bytes written from it go to the socket as they are
         * @param deflate whether per-message deflate was negotiated
         */
        InboundFrames handler(Channel channel, ChannelHandlerContext raw, boolean deflate);
    }

    private WebSocketServerExtension negotiate(String offered) {
        if (deflate == null || offered == null) return null;
        for (WebSocketExtensionData data : WebSocketExtensionUtil.extractExtensions(offered)) {
            WebSocketServerExtension extension = deflate.handshakeExtension(data);
            if (extension != null) return extension;
        }
        return null;
    }

    private static String format(WebSocketExtensionData data) {
        StringBuilder out = new StringBuilder(data.name());
        for (Map.Entry<String, String> p : data.parameters().entrySet()) {
            out.append("; ").append(p.getKey());
            if (p.getValue() != null) out.append('=').append(p.getValue());
        }
        return out.toString();
    }

    static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}

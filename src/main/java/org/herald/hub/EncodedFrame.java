package org.herald.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * A server-to-client WebSocket text frame, encoded once (header and UTF-8 payload) so that the same bytes can be
 * written to thousands of connections: each write takes a retained duplicate, no copy, no re-encoding. Server frames
 * are never masked (RFC 6455 §5.1), so the bytes are the same for every client.
 */
public final class EncodedFrame {
    private EncodedFrame() {}

    /** The whole frame in one buffer with one reference, owned by the caller. */
    public static ByteBuf text(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(header + n);
        buf.writeByte(0x81); // FIN + text
        if (n < 126) {
            buf.writeByte(n);
        } else if (n < 65536) {
            buf.writeByte(126);
            buf.writeShort(n);
        } else {
            buf.writeByte(127);
            buf.writeLong(n);
        }
        buf.writeBytes(payload);
        return buf;
    }

    /** The JSON text of a frame made by {@link #text} (for a transport that re-encodes frames in its own form). */
    public static String payload(ByteBuf frame) {
        int header = headerLength(frame);
        return frame.toString(frame.readerIndex() + header, frame.readableBytes() - header, StandardCharsets.UTF_8);
    }

    /** The UTF-8 payload of a frame made by {@link #text}, sharing its bytes; takes over the caller's reference. */
    static ByteBuf payloadOf(ByteBuf frame) {
        int header = headerLength(frame);
        ByteBuf payload = frame.retainedSlice(frame.readerIndex() + header, frame.readableBytes() - header);
        frame.release();
        return payload;
    }

    private static int headerLength(ByteBuf frame) {
        int len7 = frame.getByte(frame.readerIndex() + 1) & 0x7f;
        return len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    }
}

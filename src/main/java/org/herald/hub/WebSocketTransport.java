package org.herald.hub;

import io.vertx.core.http.ServerWebSocket;

/** A session's transport over a Vert.x WebSocket, with a bounded outbound buffer. */
final class WebSocketTransport implements Transport {
    private final ServerWebSocket ws;
    private final String address;

    WebSocketTransport(ServerWebSocket ws, String address, int outboundBufferBytes) {
        this.ws = ws;
        this.address = address;
        ws.setWriteQueueMaxSize(outboundBufferBytes);
    }

    @Override
    public boolean write(String frame) {
        if (ws.writeQueueFull()) return false;
        ws.writeTextMessage(frame);
        return true;
    }

    @Override
    public void writePaced(java.util.List<String> frames, Runnable then) {
        writeFrom(frames, 0, then);
    }

    private void writeFrom(java.util.List<String> frames, int index, Runnable then) {
        int i = index;
        while (i < frames.size()) {
            if (ws.isClosed()) return;
            if (ws.writeQueueFull()) {
                int resumeAt = i;
                ws.drainHandler(v -> {
                    ws.drainHandler(null);
                    writeFrom(frames, resumeAt, then);
                });
                return;
            }
            ws.writeTextMessage(frames.get(i++));
        }
        then.run();
    }

    @Override
    public void close(CloseReason reason, String message) {
        if (ws.isClosed()) return;
        if (reason != CloseReason.CLIENT_CLOSED) ws.writeTextMessage(Frames.error(reason.word(), message));
        ws.close((short) reason.code(), reason.word());
    }

    @Override
    public String remoteAddress() {
        return address;
    }
}

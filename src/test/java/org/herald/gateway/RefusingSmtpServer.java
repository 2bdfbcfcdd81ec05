package org.herald.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An SMTP server that greets every connection with {@code 421} ("try again later") and hangs up: a busy relay. */
final class RefusingSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    private RefusingSmtpServer(ServerSocket socket) {
        this.socket = socket;
        Thread.ofVirtual().name("refusing-smtp").start(this::serve);
    }

    static RefusingSmtpServer start() throws IOException {
        return new RefusingSmtpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                connections.incrementAndGet();
                OutputStream out = s.getOutputStream();
                out.write("421 4.3.2 relay.example busy, try again later\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed, or the client left first: nothing to do
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

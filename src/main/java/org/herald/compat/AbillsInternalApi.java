package org.herald.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.JsonEventType;
import io.vertx.core.parsetools.JsonParser;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.herald.core.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ABillS's internal API listener (TCP, default 127.0.0.1:19444): JSON documents one after another with no framing,
 * on a connection the billing app keeps; each answered in order by {@link AbillsRequests}.
 */
public final class AbillsInternalApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AbillsInternalApi.class);
    /** A request larger than this is not a request: the connection is closed. */
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final AbillsRequests requests;
    private final ExecutorService blocking;
    private NetServer server;

    public AbillsInternalApi(Vertx vertx, AbillsRequests requests, ExecutorService blocking) {
        this.vertx = vertx;
        this.requests = requests;
        this.blocking = blocking;
    }

    /** Listens; returns the port (useful with port 0). */
    public int start(String host, int port) {
        server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port)).connectHandler(this::connected);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for the ABillS internal API: " + e.getMessage(), e);
        }
        log.info("ABillS internal API on {}:{}", host, server.actualPort());
        return server.actualPort();
    }

    private void connected(NetSocket socket) {
        new Connection(socket).listen();
    }

    /** One billing-app connection: a streaming JSON parser, and replies written in request order. */
    private final class Connection {
        private final NetSocket socket;
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        private JsonParser parser;
        /** Bytes received since the last complete request. */
        private int pending;

        Connection(NetSocket socket) {
            this.socket = socket;
        }

        void listen() {
            parser = newParser();
            socket.handler(data -> {
                pending += data.length();
                if (pending > MAX_REQUEST_BYTES) {
                    log.warn("ABillS internal API: more than {} bytes without a complete request; closing", MAX_REQUEST_BYTES);
                    socket.close();
                    return;
                }
                parser.handle(data);
            });
        }

        private JsonParser newParser() {
            JsonParser p = JsonParser.newParser().objectValueMode().arrayValueMode();
            java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
            p.handler(event -> {
                if (!broken.get() && event.type() == JsonEventType.VALUE) {
                    answer(event.value() instanceof io.vertx.core.json.JsonObject o ? tree(o.encode()) : null);
                }
            });
            p.exceptionHandler(e -> {
                if (broken.getAndSet(true)) return; // one answer per bad document; the rest of that input is dropped
                answer(null); // INCORRECT REQUEST, as the source said
                parser = newParser();
            });
            return p;
        }

        private void answer(JsonNode request) {
            pending = 0;
            tail = tail.thenRunAsync(() -> {
                Object reply;
                try {
                    reply = requests.handle(request);
                } catch (RuntimeException e) {
                    log.warn("ABillS internal API: request failed: {}", e.toString());
                    reply = AbillsRequests.error("Error while processing request");
                }
                // a newline after each reply: ABillS's decoder ignores it, and a streaming reader can tell where a bare
                // reply such as COMMAND's 1 ends
                if (reply != null) socket.write(Json.write(reply) + "\n");
            }, blocking);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}

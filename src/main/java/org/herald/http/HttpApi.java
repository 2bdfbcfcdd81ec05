package org.herald.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP listener: one router with every route module mounted, JSON errors for anything that goes wrong. */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /** A group of routes that mounts itself on the router. */
    @FunctionalInterface
    public interface RouteModule {
        void mount(Router router, Handlers handlers, Auth auth);
    }

    private final Vertx vertx;
    private final Router router;
    private final int maxBodyBytes;
    private final List<String> deployments = new ArrayList<>();
    private Consumer<HttpServerOptions> serverCustomizer = o -> { };
    private final Map<String, Handler<HttpServerRequest>> upgrades = new HashMap<>();

    public HttpApi(Vertx vertx, Handlers handlers, Auth auth, int maxBodyBytes, MeterRegistry metrics, List<RouteModule> modules) {
        this.vertx = vertx;
        this.router = Router.router(vertx);
        this.maxBodyBytes = maxBodyBytes;
        router.route().handler(ctx -> {
            Timer.Sample sample = Timer.start(metrics);
            ctx.addBodyEndHandler(v -> {
                String route = ctx.currentRoute() != null && ctx.currentRoute().getPath() != null ? ctx.currentRoute().getPath() : "other";
                sample.stop(metrics.timer("herald_http_requests_seconds", "method", ctx.request().method().name(),
                        "route", route, "status", String.valueOf(ctx.response().getStatusCode())));
            });
            ctx.next();
        });
        router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        for (RouteModule m : modules) m.mount(router, handlers, auth);
        router.errorHandler(404, ctx -> JsonErrors.send(ctx.response(), 404, "not_found", "no such endpoint: " + ctx.request().path(), null));
        router.errorHandler(405, ctx -> JsonErrors.send(ctx.response(), 405, "method_not_allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path(), null));
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                JsonErrors.send(ctx.response(), 413, "body_too_large", "the request body is larger than " + maxBodyBytes + " bytes", null);
            } else if (ctx.failure() != null) {
                Handlers.fail(ctx, ctx.failure());
            } else {
                int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
                JsonErrors.send(ctx.response(), status, status == 401 ? "unauthorized" : status >= 500 ? "internal" : "bad_request",
                        "request failed with status " + status, null);
            }
        });
    }

    /** Extra handlers (WebSocket upgrades, static pages) can be added before {@link #start}. */
    public void configure(Consumer<Router> configurer) {
        configurer.accept(router);
    }

    /** Adjusts the listener's options (WebSocket limits, compression) before {@link #start}. */
    public void configureServer(Consumer<HttpServerOptions> customizer) {
        this.serverCustomizer = this.serverCustomizer.andThen(customizer);
    }

    /**
     * WebSocket upgrades to {@code path} bypass the router (no body handler, no timer that would never stop): the
     * handler gets the request on the connection's event loop. Other upgrade requests are plain HTTP to the router.
     */
    public void webSocketUpgrades(String path, Handler<HttpServerRequest> handler) {
        upgrades.put(path, handler);
    }

    /**
     * Starts listening, with one listener per core; returns the bound port (useful with port 0). The first listener
     * binds the socket; the others share it, and Vert.x hands each new connection to the next listener's event loop,
     * so connections and their WebSocket fan-out spread over the cores (one listener alone keeps them all on one loop).
     */
    public int start(String host, int port) {
        // no cleartext HTTP/2 upgrades: behind a reverse proxy an accepted "Upgrade: h2c" lets a client tunnel
        // requests past the proxy's rules (h2c smuggling); Herald speaks HTTP/1.1 and WebSocket here
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false).setTcpNoDelay(true)
                // every write happens on the connection's event loop (blocking handlers hop back with runOnContext,
                // the hub writes through the channel's executor), so Vert.x may skip the HTTP connection's MPSC
                // queue: 1,024 slots, about 4 KB of heap per connection
                .setStrictThreadMode(true)
                // curl -d sends JSON as a form; let the form decoder take bodies as large as the body limit.
                .setMaxFormAttributeSize(maxBodyBytes).setMaxFormBufferedBytes(maxBodyBytes);
        serverCustomizer.accept(options);
        Map<String, Handler<HttpServerRequest>> byPath = Map.copyOf(upgrades);
        Handler<HttpServerRequest> requests = request -> {
            Handler<HttpServerRequest> upgrade = byPath.get(request.path());
            if (upgrade != null && request.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) upgrade.handle(request);
            else router.handle(request);
        };
        int listeners = Runtime.getRuntime().availableProcessors();
        int bound;
        try {
            // listeners share a socket only on a port given in advance: with 0 each would bind a port of its own
            if (port == 0 && listeners > 1) options.setPort(freePort(host));
            bound = listen(options, requests, listeners);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the HTTP listener");
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getCause().getMessage(), e.getCause());
        }
        log.info("HTTP listening on {}:{} ({} event loop{})", host, bound, listeners, listeners == 1 ? "" : "s");
        return bound;
    }

    /**
     * Deploys {@code instances} listeners, each on an event loop of its own, sharing one socket (also one random port
     * when the port is 0); returns the port.
     */
    private int listen(HttpServerOptions options, Handler<HttpServerRequest> requests, int instances)
            throws InterruptedException, ExecutionException {
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        deployments.add(vertx.deployVerticle(() -> new Listener(options, requests, ports), new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get());
        if (ports.size() != 1) throw new IllegalStateException("the listeners of one socket report the ports " + ports);
        return ports.iterator().next();
    }

    /** A port that is free now (for port 0: tests, trials); taken by another process meanwhile, the listen fails. */
    private static int freePort(String host) {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    /** One HTTP server on the event loop Vert.x gives the deployment instance. */
    private static final class Listener extends VerticleBase {
        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> requests;
        private final Set<Integer> ports;

        Listener(HttpServerOptions options, Handler<HttpServerRequest> requests, Set<Integer> ports) {
            this.options = options;
            this.requests = requests;
            this.ports = ports;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).requestHandler(requests).listen().onSuccess(s -> ports.add(s.actualPort()));
        }
    }

    /** Stops the listeners (their servers close with their deployments). */
    @Override
    public void close() {
        for (String id : deployments.reversed()) {
            try {
                vertx.undeploy(id).toCompletionStage().toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                log.warn("closing the HTTP listener: {}", e.getCause().toString());
            }
        }
        deployments.clear();
    }
}

package org.herald.app;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Prometheus registry of a node (every metric tagged with the node id) and the metrics Herald polls itself. */
final class ServerMetrics {
    private static final Logger log = LoggerFactory.getLogger(ServerMetrics.class);

    private ServerMetrics() {
    }

    static PrometheusMeterRegistry registry(String node) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("node", node);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        return metrics;
    }

    /** {@code herald_deliveries{status,channel}}, counted in the database every 15 s; close to stop counting. */
    static AutoCloseable queueDepth(PrometheusMeterRegistry metrics, DeliveryStore deliveries) {
        MultiGauge depth = MultiGauge.builder("herald_deliveries").description("deliveries by status and channel").register(metrics);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                List<MultiGauge.Row<?>> rows = new ArrayList<>();
                deliveries.countByStatusAndChannel().forEach((status, byChannel) -> byChannel.forEach((channel, n) ->
                        rows.add(MultiGauge.Row.of(Tags.of("status", status, "channel", channel), n))));
                depth.register(rows, true);
            } catch (RuntimeException e) {
                log.debug("queue depth gauge: {}", e.toString());
            }
        }, 0, 15, TimeUnit.SECONDS);
        return timer::shutdown;
    }
}

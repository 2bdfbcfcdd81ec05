package org.herald.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.herald.auth.ClientTokens;
import org.herald.pipeline.NotificationRequestParser;
import org.herald.pipeline.NotificationService;
import org.herald.store.DeliveryStore;
import org.herald.store.InboxStore;
import org.herald.store.NotificationStore;
import org.herald.store.RecipientStore;

/** What the v1 API routes need, handed over by the application wiring. */
public record ApiServices(
        NotificationService notificationService,
        NotificationRequestParser parser,
        NotificationStore notifications,
        DeliveryStore deliveries,
        RecipientStore recipients,
        InboxStore inbox,
        ClientTokens tokens,
        Duration maxTokenTtl,
        Duration retryTtl,
        Runnable wakeDispatcher,
        BooleanSupplier storageReachable,
        PrometheusMeterRegistry metrics,
        boolean metricsPublic,
        Clock clock) {

    /** The route modules of api.md. */
    public List<HttpApi.RouteModule> routes() {
        return List.of(
                new OpsRoutes(storageReachable, metrics, metricsPublic)::mount,
                new NotificationRoutes(notificationService, parser, notifications, deliveries)::mount,
                new DeliveryRoutes(deliveries, retryTtl, wakeDispatcher, notificationService::isKnownChannel)::mount,
                new RecipientRoutes(recipients, notificationService::isKnownChannel)::mount,
                new TokenRoutes(tokens, maxTokenTtl, clock)::mount,
                new InboxRoutes(inbox, deliveries)::mount);
    }
}

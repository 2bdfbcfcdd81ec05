package org.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.herald.hub.Bus;
import org.herald.hub.Frames;

/** POST /api/v1/topics/{topic}/events: an event to every client subscribed to the topic (at most once, not stored). */
public final class TopicRoutes {
    private static final String TOPIC = "[A-Za-z0-9._:-]{1,100}";

    private final Bus bus;

    public TopicRoutes(Bus bus) {
        this.bus = bus;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        // the bus never blocks: the event goes out from the request's event loop, without a hop to a virtual thread
        router.post("/api/v1/topics/:topic/events").handler(auth.serverKey()).handler(h.onLoop(this::publish));
    }

    private Reply publish(RoutingContext ctx) {
        String topic = ctx.pathParam("topic");
        if (!topic.matches(TOPIC)) throw new ApiException(400, "invalid_parameter", "topic must match " + TOPIC, "topic");
        JsonNode body = Bodies.json(ctx);
        if (!body.isObject() || !body.has("data")) throw ApiException.badRequest("missing_field", "data", "the body must be {\"data\": …}");
        bus.toTopic(topic, Frames.event(topic, body.get("data")));
        return Reply.status(202, Map.of("topic", topic));
    }
}

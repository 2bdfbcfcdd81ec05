package org.herald.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.herald.channel.Channel;
import org.herald.channel.ChannelRegistry;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Ids;
import org.herald.core.InvalidRequestException;
import org.herald.core.Json;
import org.herald.core.Notification;
import org.herald.core.RecipientId;
import org.herald.store.DuplicateIdempotencyKeyException;
import org.herald.store.GroupCommit;
import org.herald.store.GroupRead;
import org.herald.store.NotificationStore;
import org.herald.store.Recipient;
import org.herald.store.RecipientStore;

/**
 * Accepts a notification: resolves recipients and subscriptions, renders, and stores the notification with one
 * delivery per (recipient, channel) in a single transaction. Idempotent per key.
 */
public final class NotificationService {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .build();

    private final NotificationStore notifications;
    private final GroupCommit<NotificationStore.NewNotification> writer;
    private final RecipientStore recipients;
    /** The recipients' subscriptions, read for many concurrent accepts with one query. */
    private final GroupRead<RecipientId, Map<String, Map<String, Boolean>>> subscriptions;
    private final ChannelRegistry channels;
    private final Templates templates;
    private final List<String> defaultChannels;
    private final Clock clock;
    /** Told of every accepted notification, with whether it is due now (then the dispatcher is worth waking). */
    private final java.util.function.Consumer<Boolean> onAccepted;

    public NotificationService(NotificationStore notifications, GroupCommit<NotificationStore.NewNotification> writer,
                               RecipientStore recipients,
                               GroupRead<RecipientId, Map<String, Map<String, Boolean>>> subscriptions,
                               ChannelRegistry channels, Templates templates, List<String> defaultChannels, Clock clock,
                               java.util.function.Consumer<Boolean> onAccepted) {
        this.notifications = notifications;
        this.writer = writer;
        this.recipients = recipients;
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.templates = templates;
        this.defaultChannels = List.copyOf(defaultChannels);
        this.clock = clock;
        this.onAccepted = onAccepted;
    }

    public AcceptedNotification accept(NotificationRequest req) {
        String hash = req.idempotencyKey() == null ? null : hash(req);
        if (req.idempotencyKey() != null) {
            Optional<AcceptedNotification> earlier = earlierAnswer(req.idempotencyKey(), hash);
            if (earlier.isPresent()) return earlier.get();
        }
        String title = req.title();
        String text = req.text();
        String html = null;
        if (req.template() != null) {
            Templates.Rendered r = templates.render(req);
            title = r.title() != null ? r.title() : title;
            text = r.text();
            html = r.html();
        }
        Instant now = clock.instant();
        Instant due = req.sendAt() != null && req.sendAt().isAfter(now) ? req.sendAt() : now;
        Instant expires = due.plus(req.ttl());
        Notification n = new Notification(Ids.newId(clock), req.type(), title, text, html, req.data(), req.template(), req.lang(),
                req.priority(), req.provider(), now, req.sendAt(), expires);
        List<Delivery> deliveries = fanOut(req, n, due, expires);
        String response = Json.write(answer(n, deliveries));
        try {
            writer.insert(new NotificationStore.NewNotification(n, deliveries, req.idempotencyKey(), hash, response));
        } catch (DuplicateIdempotencyKeyException e) {
            return earlierAnswer(req.idempotencyKey(), hash).orElseThrow(() -> e);
        }
        onAccepted.accept(!due.isAfter(now));
        return new AcceptedNotification(n.id(), response, false);
    }

    private Optional<AcceptedNotification> earlierAnswer(String key, String hash) {
        return notifications.findByIdempotencyKey(key).map(a -> {
            if (!a.requestHash().equals(hash)) {
                throw new IdempotencyConflictException(key, a.notificationId());
            }
            return new AcceptedNotification(a.notificationId(), a.response(), true);
        });
    }

    private List<Delivery> fanOut(NotificationRequest req, Notification n, Instant due, Instant expires) {
        // the recipients' rows are read only when a channel needs a contact from them (not for inbox or browser)
        var rows = new Object() {
            Map<RecipientId, Recipient> known;

            Recipient of(RecipientId id) {
                if (known == null) known = recipients.findAll(req.to());
                return known.get(id);
            }
        };
        Map<RecipientId, Map<String, Map<String, Boolean>>> subs = subscriptions.read(req.to());
        Map<String, Map<RecipientId, String>> unreachable = new java.util.HashMap<>();
        List<Delivery> out = new ArrayList<>();
        for (RecipientId to : req.to()) {
            for (SubscriptionResolver.Decision d : SubscriptionResolver.decide(subs.getOrDefault(to, Map.of()), req.type(),
                    req.channels(), defaultChannels)) {
                String skip = d.subscribed() ? unavailable(d.channel(), () -> rows.of(to)) : "unsubscribed from " + req.type() + " on " + d.channel();
                if (skip == null) {
                    skip = unreachable.computeIfAbsent(d.channel(), ch -> channels.get(ch).orElseThrow().unreachable(req.to())).get(to);
                }
                out.add(new Delivery(Ids.newId(clock), n.id(), to, d.channel(),
                        skip == null ? DeliveryStatus.QUEUED : DeliveryStatus.SKIPPED, req.priority(), 0, skip, null,
                        n.createdAt(), due, expires, null, null, null, null));
            }
        }
        return out;
    }

    /** Why a channel cannot reach the recipient, or null when it can. */
    private String unavailable(String channelName, Supplier<Recipient> recipientRow) {
        Optional<Channel> channel = channels.get(channelName);
        if (channel.isEmpty() || !channel.get().enabled()) return "channel " + channelName + " is not enabled on this server";
        String contact = channel.get().requiredContact();
        if (contact == null) return null;
        Recipient recipient = recipientRow.get();
        Object value = recipient == null ? null : recipient.contacts().get(contact);
        return value == null || value.toString().isBlank() ? "recipient has no " + contact + " contact" : null;
    }

    private static Map<String, Object> answer(Notification n, List<Delivery> deliveries) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", n.id());
        List<Map<String, Object>> ds = new ArrayList<>();
        for (Delivery d : deliveries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("to", d.recipient().toString());
            m.put("channel", d.channel());
            m.put("status", d.status().word());
            if (d.lastError() != null) m.put("reason", d.lastError());
            ds.add(m);
        }
        body.put("deliveries", ds);
        return body;
    }

    private static String hash(NotificationRequest req) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(req).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thrown when an idempotency key is reused with a different body. */
    public static final class IdempotencyConflictException extends InvalidRequestException {
        public IdempotencyConflictException(String key, String notificationId) {
            super("idempotency_conflict", "idempotency_key", "idempotency key '" + key
                    + "' was already used with a different body (notification " + notificationId + ")");
        }
    }

    /** Whether the API accepts {@code name} as a channel (built in, or configured for an external module). */
    public boolean isKnownChannel(String name) {
        return channels.isKnown(name);
    }
}

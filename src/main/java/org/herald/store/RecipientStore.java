package org.herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.herald.core.Json;
import org.herald.core.RecipientId;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Recipients, their contacts and their subscriptions (type → channel → on/off, with "*" as the default type). */
public final class RecipientStore {
    private final Database db;
    private final Clock clock;

    public RecipientStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates or replaces a recipient. Returns true when it was created. */
    public boolean put(RecipientId id, String name, String lang, String provider, Map<String, Object> contacts) {
        long now = clock.millis();
        String json = Json.write(contacts == null ? Map.of() : contacts);
        return db.jdbi().inTransaction(h -> {
            int updated = h.createUpdate("UPDATE recipients SET name = :name, lang = :lang, provider = :provider, "
                            + "contacts = :contacts, updated_at = :now WHERE id = :id")
                    .bind("id", id.toString()).bind("name", name).bind("lang", lang).bind("provider", provider)
                    .bind("contacts", json).bind("now", now).execute();
            if (updated > 0) return false;
            h.createUpdate("INSERT INTO recipients (id, name, lang, provider, contacts, created_at, updated_at) "
                            + "VALUES (:id, :name, :lang, :provider, :contacts, :now, :now)")
                    .bind("id", id.toString()).bind("name", name).bind("lang", lang).bind("provider", provider)
                    .bind("contacts", json).bind("now", now).execute();
            return true;
        });
    }

    public Optional<Recipient> find(RecipientId id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM recipients WHERE id = :id")
                .bind("id", id.toString())
                .map((rs, ctx) -> new Recipient(RecipientId.parse(rs.getString("id")), rs.getString("name"),
                        rs.getString("lang"), rs.getString("provider"), Json.readMap(rs.getString("contacts")),
                        Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at"))))
                .findOne());
    }

    /** Finds many recipients at once (missing ones are absent from the map). */
    public Map<RecipientId, Recipient> findAll(List<RecipientId> ids) {
        Map<RecipientId, Recipient> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        db.jdbi().useHandle(h -> h.createQuery("SELECT * FROM recipients WHERE id IN (<ids>)")
                .bindList("ids", ids.stream().map(RecipientId::toString).toList())
                .map((rs, ctx) -> new Recipient(RecipientId.parse(rs.getString("id")), rs.getString("name"),
                        rs.getString("lang"), rs.getString("provider"), Json.readMap(rs.getString("contacts")),
                        Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at"))))
                .forEach(r -> out.put(r.id(), r)));
        return out;
    }

    /** Deletes the recipient and its subscriptions. Returns false when there was none. */
    /** Deletes a recipient and its subscriptions (which may exist without a recipient row); false when neither did. */
    public boolean delete(RecipientId id) {
        return db.jdbi().inTransaction(h -> {
            int subs = h.createUpdate("DELETE FROM subscriptions WHERE recipient = :id").bind("id", id.toString()).execute();
            int rows = h.createUpdate("DELETE FROM recipients WHERE id = :id").bind("id", id.toString()).execute();
            return subs + rows > 0;
        });
    }

    /** Replaces all subscriptions of a recipient. */
    public void putSubscriptions(RecipientId id, Map<String, Map<String, Boolean>> subscriptions) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM subscriptions WHERE recipient = :id").bind("id", id.toString()).execute();
            PreparedBatch batch = h.prepareBatch("INSERT INTO subscriptions (recipient, type, channel, enabled) "
                    + "VALUES (:id, :type, :channel, :enabled)");
            int rows = 0;
            for (var type : subscriptions.entrySet()) {
                for (var channel : type.getValue().entrySet()) {
                    batch.bind("id", id.toString()).bind("type", type.getKey()).bind("channel", channel.getKey())
                            .bind("enabled", channel.getValue()).add();
                    rows++;
                }
            }
            if (rows > 0) batch.execute();
        });
    }

    public Map<String, Map<String, Boolean>> subscriptions(RecipientId id) {
        return subscriptionsOf(List.of(id)).getOrDefault(id, Map.of());
    }

    /** Subscriptions of many recipients in one query. */
    public Map<RecipientId, Map<String, Map<String, Boolean>>> subscriptionsOf(java.util.Collection<RecipientId> ids) {
        Map<RecipientId, Map<String, Map<String, Boolean>>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        // read for every accepted notification: plain JDBC, one placeholder per recipient
        StringBuilder sql = new StringBuilder("SELECT recipient, type, channel, enabled FROM subscriptions WHERE recipient IN (?");
        for (int i = 1; i < ids.size(); i++) sql.append(", ?");
        sql.append(") ORDER BY recipient, type, channel");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 0;
            for (RecipientId id : ids) ps.setString(++i, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(RecipientId.parse(rs.getString(1)), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new LinkedHashMap<>())
                            .put(rs.getString(3), rs.getBoolean(4));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading the subscriptions of " + ids.size() + " recipient(s) failed: " + e.getMessage(), e);
        }
        return out;
    }
}

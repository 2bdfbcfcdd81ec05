package org.herald.store;

import java.time.Clock;
import java.util.List;
import org.herald.core.Ids;

/** Server API keys created with {@code herald keys create}; only SHA-256 hashes are stored. */
public final class ApiKeyStore {
    private final Database db;
    private final Clock clock;

    public ApiKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void add(String name, String keyHash) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO api_keys (id, name, key_hash, created_at) VALUES (:id, :name, :hash, :now)")
                .bind("id", Ids.newId(clock)).bind("name", name).bind("hash", keyHash).bind("now", clock.millis()).execute());
    }

    public boolean exists(String keyHash) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_keys WHERE key_hash = :hash")
                .bind("hash", keyHash).mapTo(Integer.class).one() > 0);
    }

    public int count() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_keys").mapTo(Integer.class).one());
    }

    public List<String> names() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT name FROM api_keys ORDER BY id").mapTo(String.class).list());
    }
}

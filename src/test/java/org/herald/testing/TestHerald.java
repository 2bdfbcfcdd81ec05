package org.herald.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.app.HeraldServer;
import org.herald.channel.Channel;
import org.herald.config.ConfigLoader;
import org.herald.config.HeraldConfig;

/**
 * Herald started in the test's JVM on a free port with a fresh database, configured through the same
 * {@code HERALD_*} variables an operator uses. Close it to stop the server and drop the database.
 */
public final class TestHerald implements AutoCloseable {
    public static final String API_KEY = "test-server-key-0123456789";
    public static final String CLIENT_SECRET = "test-client-secret-0123456789abcdef0123";

    private final HeraldServer server;
    private final TestDatabase database;
    private final Path dataDir;
    private final HeraldConfig config;
    /** Whether closing drops the database (false for one shared with other nodes). */
    private final boolean ownsDatabase;

    private TestHerald(HeraldServer server, TestDatabase database, Path dataDir, HeraldConfig config, boolean ownsDatabase) {
        this.server = server;
        this.database = database;
        this.dataDir = dataDir;
        this.config = config;
        this.ownsDatabase = ownsDatabase;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestHerald start() {
        return builder().start();
    }

    public ApiClient api() {
        return new ApiClient(baseUrl(), API_KEY);
    }

    public ApiClient anonymous() {
        return new ApiClient(baseUrl(), null);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public HeraldServer server() {
        return server;
    }

    public HeraldConfig config() {
        return config;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.close();
        if (ownsDatabase) database.close();
    }

    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<Channel> channels = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private TestDatabase.Kind db = TestDatabase.Kind.H2;
        private TestDatabase shared;

        Builder() {
            env.put("HERALD_PORT", "0");
            env.put("HERALD_HTTP_HOST", "127.0.0.1");
            env.put("HERALD_API_KEY", API_KEY);
            env.put("HERALD_CLIENT_SECRET", CLIENT_SECRET);
            env.put("HERALD_QUEUE_POLL_INTERVAL", "50ms");
            env.put("HERALD_QUEUE_NODE_ID", "test-node");
            env.put("HERALD_WEBPUSH_SUBJECT", "mailto:tests@herald.invalid");
        }

        /** Sets a configuration variable, e.g. {@code env("HERALD_QUEUE_MAX_ATTEMPTS", "3")}. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder channel(Channel channel) {
            channels.add(channel);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder database(TestDatabase.Kind kind) {
            this.db = kind;
            return this;
        }

        /** Runs on {@code database}, which other nodes share; the caller drops it. */
        public Builder sharedDatabase(TestDatabase database) {
            this.shared = database;
            return this;
        }

        public TestHerald start() {
            try {
                Path dir = Files.createTempDirectory("herald-test");
                TestDatabase database = shared != null ? shared : TestDatabase.create(db);
                Map<String, String> vars = new LinkedHashMap<>(env);
                vars.put("HERALD_DATA_DIR", dir.toString());
                vars.put("HERALD_DB_URL", database.url());
                vars.put("HERALD_DB_USER", database.user());
                HeraldConfig config = ConfigLoader.load(null, vars);
                HeraldServer server = new HeraldServer(config, clock, channels).start();
                return new TestHerald(server, database, dir, config, shared == null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}

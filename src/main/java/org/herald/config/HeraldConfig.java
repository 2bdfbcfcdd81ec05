package org.herald.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The whole configuration tree. Keys are the snake_case names of these components; see docs/configuration.md. */
public record HeraldConfig(
        @Doc(value = "Directory for the embedded database, the generated client secret and other state.",
                aliases = "HERALD_DATA_DIR")
        String dataDir,
        HttpConfig http,
        DbConfig db,
        AuthConfig auth,
        QueueConfig queue,
        NotificationsConfig notifications,
        HubConfig hub,
        ClusterConfig cluster,
        WebPushConfig webpush,
        BlfConfig blf,
        CommandsConfig commands,
        TemplatesConfig templates,
        @Doc("Email (and later SMS) gateways (a list; as an environment variable, a JSON list).")
        List<GatewayConfig> gateways,
        IncomingConfig incoming,
        AbillsConfig abills,
        @Doc("Receivers of delivery.status and incoming.message events (a list; as an environment variable, a JSON list).")
        List<WebhookConfig> webhooks,
        WebhookDeliveryConfig webhookDelivery,
        LogConfig log) {

    public static final String DEFAULT_DATA_DIR = "./data";

    public HeraldConfig {
        dataDir = Objects.requireNonNullElse(dataDir, DEFAULT_DATA_DIR);
        http = Objects.requireNonNullElseGet(http, () -> new HttpConfig(null, null, null));
        db = Objects.requireNonNullElseGet(db, () -> new DbConfig(null, null, null, null));
        auth = Objects.requireNonNullElseGet(auth, () -> new AuthConfig(null, null, null, null));
        queue = Objects.requireNonNullElseGet(queue, () -> new QueueConfig(null, null, null, null, null, null, null, null, null, null, null));
        notifications = Objects.requireNonNullElseGet(notifications, () -> new NotificationsConfig(null, null, null, null));
        hub = Objects.requireNonNullElseGet(hub, () -> new HubConfig(null, null, null, null, null, null, null, null, null));
        cluster = Objects.requireNonNullElseGet(cluster, () -> new ClusterConfig(null, null, null, null));
        abills = Objects.requireNonNullElseGet(abills, () -> new AbillsConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null));
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        incoming = Objects.requireNonNullElseGet(incoming, () -> new IncomingConfig(null, null));
        templates = Objects.requireNonNullElseGet(templates, () -> new TemplatesConfig(null, null, null));
        commands = Objects.requireNonNullElseGet(commands, () -> new CommandsConfig(null, null, null));
        blf = Objects.requireNonNullElseGet(blf, () -> new BlfConfig(null, null, null, null, null));
        webpush = Objects.requireNonNullElseGet(webpush, () -> new WebPushConfig(null, null, null, null, null, null, null, null, null, null, null, null));
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        webhookDelivery = Objects.requireNonNullElseGet(webhookDelivery, () -> new WebhookDeliveryConfig(null, null, null));
        log = Objects.requireNonNullElseGet(log, () -> new LogConfig(null, null, null));
    }

    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    /** The template directory in effect. */
    public java.nio.file.Path templatesPath() {
        return templates.dir() != null ? Path.of(templates.dir()).toAbsolutePath().normalize() : dataPath().resolve("templates");
    }

    /** The JDBC URL in effect: the configured one, or the embedded H2 file database under the data directory. */
    public String jdbcUrl() {
        if (db.url() != null) return db.url();
        return "jdbc:h2:file:" + dataPath().resolve("herald") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }
}

package org.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path f = dir.resolve("herald.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void anEmptyConfigurationGivesTheDocumentedDefaults() {
        HeraldConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.http().port()).isEqualTo(HttpConfig.DEFAULT_PORT);
        assertThat(c.dataDir()).isEqualTo("./data");
        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:").contains("data/herald");
        assertThat(c.notifications().defaultChannels()).containsExactly("inbox");
        assertThat(c.queue().maxAttempts()).isEqualTo(QueueConfig.DEFAULT_MAX_ATTEMPTS);
    }

    @Test
    void theFileIsReadAndTheEnvironmentWins() throws Exception {
        Path f = yaml("""
                http:
                  port: 9000
                queue:
                  max_attempts: 4
                notifications:
                  default_channels: [inbox, email]
                """);
        HeraldConfig c = ConfigLoader.load(f, Map.of("HERALD_QUEUE_MAX_ATTEMPTS", "6"));
        assertThat(c.http().port()).isEqualTo(9000);
        assertThat(c.queue().maxAttempts()).isEqualTo(6);
        assertThat(c.notifications().defaultChannels()).containsExactly("inbox", "email");
    }

    @Test
    void theShortVariablesOperatorsRelyOnWork() {
        HeraldConfig c = ConfigLoader.load(null, Map.of(
                "HERALD_PORT", "8181",
                "HERALD_DATA_DIR", "/var/lib/herald",
                "HERALD_DB_URL", "jdbc:postgresql://db/herald",
                "HERALD_API_KEY", "key-from-env-0123456789",
                "HERALD_CLIENT_SECRET", "0123456789abcdef0123456789abcdef"));
        assertThat(c.http().port()).isEqualTo(8181);
        assertThat(c.dataDir()).isEqualTo("/var/lib/herald");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db/herald");
        assertThat(c.auth().apiKeys()).containsExactly("key-from-env-0123456789");
        assertThat(c.auth().clientSecret()).isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void herald_api_keyAddsToTheKeysOfTheFile() throws Exception {
        Path f = yaml("auth:\n  api_keys: [\"file-key-0123456789ab\"]\n");
        HeraldConfig c = ConfigLoader.load(f, Map.of("HERALD_API_KEY", "env-key-0123456789abc"));
        assertThat(c.auth().apiKeys()).containsExactly("file-key-0123456789ab", "env-key-0123456789abc");
    }

    @Test
    void webhooksCanBeGivenAsAJsonListInTheEnvironment() {
        HeraldConfig c = ConfigLoader.load(null, Map.of("HERALD_WEBHOOKS",
                "[{\"url\":\"https://billing.example/hook\",\"secret\":\"0123456789abcdef\"}]"));
        assertThat(c.webhooks()).hasSize(1);
        assertThat(c.webhooks().getFirst().url()).isEqualTo("https://billing.example/hook");
    }

    @Test
    void anUnknownKeyIsNamed() throws Exception {
        Path f = yaml("http:\n  prot: 80\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'http.prot'");
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() throws Exception {
        Path f = yaml("queue:\n  batch_size: many\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("queue.batch_size");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HERALD_PORT", "eighty")))
                .hasMessageContaining("HERALD_PORT").hasMessageContaining("http.port");
    }

    @Test
    void invalidValuesAreAllReportedWithTheirKeys() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(
                "HERALD_PORT", "70000",
                "HERALD_QUEUE_LEASE", "10s",
                "HERALD_QUEUE_ATTEMPT_TIMEOUT", "30s",
                "HERALD_NOTIFICATIONS_DEFAULT_TTL", "forever",
                "HERALD_NOTIFICATIONS_DEFAULT_CHANNELS", "inbox,fax",
                "HERALD_CLIENT_SECRET", "short",
                "HERALD_DB_URL", "postgres://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port")
                .hasMessageContaining("queue.lease: must be longer than queue.attempt_timeout")
                .hasMessageContaining("notifications.default_ttl")
                .hasMessageContaining("notifications.default_channels: unknown channel 'fax'")
                .hasMessageContaining("auth.client_secret")
                .hasMessageContaining("db.url");
    }

    @Test
    void clusterSettingsAreCheckedAndAClusterNeedsASharedDatabase() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(
                "HERALD_CLUSTER_REDIS", "http://127.0.0.1:6379",
                "HERALD_CLUSTER_PRESENCE_TTL", "100ms",
                "HERALD_CLUSTER_LEADER_LEASE", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.redis: must be a redis://, rediss://, redis-sentinel:// or redis-cluster:// URL")
                .hasMessageContaining("cluster.redis: a cluster needs a database its nodes share")
                .hasMessageContaining("cluster.presence_ttl: must be at least 1s")
                .hasMessageContaining("cluster.leader_lease");
        HeraldConfig ok = ConfigLoader.load(null, Map.of("HERALD_CLUSTER_REDIS", "redis-sentinel://127.0.0.1:26379/0#main",
                "HERALD_DB_URL", "jdbc:postgresql://127.0.0.1/herald"));
        assertThat(ok.cluster().enabled()).isTrue();
    }

    @Test
    void aWebhookWithoutHttpUrlOrSecretIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HERALD_WEBHOOKS", "[{\"url\":\"ftp://x/\"}]")))
                .hasMessageContaining("webhooks[0].url").hasMessageContaining("webhooks[0].secret");
    }

    @Test
    void aMissingFileOrBrokenYamlIsAClearError() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of())).hasMessageContaining("does not exist");
        Path f = yaml("http: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("not valid YAML");
    }

    @Test
    void smppAndExternalModuleGatewaysAreCheckedKeyByKey() throws Exception {
        assertThat(ConfigLoader.load(yaml("gateways:\n  - {id: s, channel: sms, module: smpp, settings: {host: smsc.example, port: \"2775\"}}\n"),
                Map.of()).gateways().get(0).module()).isEqualTo("smpp");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("gateways:\n  - {id: s, channel: sms, module: smpp, settings: {port: x}}\n"), Map.of()))
                .hasMessageContaining("gateways[0].settings.host").hasMessageContaining("gateways[0].settings.port: must be a whole number");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("gateways:\n  - {id: e, channel: xmpp, module: external, settings: {program: bin/gwx}}\n"),
                Map.of())).hasMessageContaining("gateways[0].settings.program: is required: the module's absolute path");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("gateways:\n  - {id: e, channel: xmpp, module: external, "
                + "settings: {program: /nonexistent/gwx}}\n"), Map.of())).hasMessageContaining("/nonexistent/gwx is not an executable file");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("gateways:\n  - {id: e, channel: xmpp, module: smtp, settings: {}}\n"), Map.of()))
                .hasMessageContaining("gateways[0].module: a gateway of channel xmpp must be an external module");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("gateways:\n  - {id: e, channel: browser, module: external, settings: {}}\n"), Map.of()))
                .hasMessageContaining("gateways[0].channel");
        assertThat(ConfigLoader.load(yaml("gateways:\n  - {id: e, channel: xmpp, module: external, settings: {program: /bin/true}}\n"),
                Map.of()).gateways().get(0).channel()).isEqualTo("xmpp");
    }

    @Test
    void aGatewayRateLimitIsReadAndANonPositiveOneNamesItsKey() throws Exception {
        String gateway = "gateways:\n  - {id: sms1, channel: sms, module: http, rate_limit: %s, settings: {url: \"https://sms.example/send\"}}\n";
        assertThat(ConfigLoader.load(yaml(gateway.formatted("5")), Map.of()).gateways().get(0).rateLimit()).isEqualTo(5);
        assertThat(ConfigLoader.load(yaml(gateway.formatted("null")), Map.of()).gateways().get(0).rateLimit()).isNull();
        Path bad = yaml(gateway.formatted("0"));
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateways[0].rate_limit");
    }
}

package org.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md carries the generated table of keys; it must match the configuration tree. */
class ConfigDocsTest {
    @Test
    void docsConfigurationMdListsExactlyTheKeysOfTheConfigurationTree() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        int begin = doc.indexOf(ConfigDocs.BEGIN);
        int end = doc.indexOf(ConfigDocs.END);
        assertThat(begin).as("generated block markers in docs/configuration.md").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String block = doc.substring(begin + ConfigDocs.BEGIN.length(), end).strip();
        assertThat(block).as("regenerate with: ./herald config docs").isEqualTo(ConfigDocs.table().strip());
    }

    @Test
    void everyKeyHasAnEnvironmentVariableAndADescription() {
        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            assertThat(key.envVar()).isEqualTo(ConfigSchema.envName(key.path()));
            assertThat(key.doc()).isNotBlank();
        }
        assertThat(ConfigSchema.keys()).extracting(ConfigSchema.Key::path)
                .contains("http.port", "db.url", "auth.api_keys", "auth.client_secret", "data_dir", "queue.lease");
    }
}

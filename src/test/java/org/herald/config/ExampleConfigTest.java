package org.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleConfigTest {
    @Test
    void theSampleConfigurationLoadsAndEqualsTheDefaults() {
        HeraldConfig sample = ConfigLoader.load(Path.of("herald.example.yaml"), Map.of());
        assertThat(sample).isEqualTo(ConfigLoader.load(null, Map.of()));
    }
}

package org.herald.config;

import java.util.List;
import java.util.stream.Collectors;

/** Renders the table of keys in docs/configuration.md from {@link ConfigSchema}; a test keeps the file equal to it. */
public final class ConfigDocs {
    public static final String BEGIN = "<!-- BEGIN GENERATED KEYS (herald config docs) -->";
    public static final String END = "<!-- END GENERATED KEYS -->";

    private ConfigDocs() {}

    public static String table() {
        StringBuilder out = new StringBuilder();
        out.append("| key | environment | default | meaning |\n|---|---|---|---|\n");
        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            row(out, key);
            for (ConfigSchema.Key element : key.elementKeys()) row(out, element);
        }
        return out.toString();
    }

    private static void row(StringBuilder out, ConfigSchema.Key key) {
        String env = key.path().contains("[]") ? "(in the list)" :
                key.envVars().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
        out.append("| `").append(key.path()).append("` | ").append(env).append(" | ")
                .append(defaultText(key)).append(" | ").append(key.doc().replace("|", "\\|")).append(" |\n");
    }

    private static String defaultText(ConfigSchema.Key key) {
        Object d = key.defaultValue();
        if (d == null || "".equals(d)) return "(empty)";
        if (d instanceof List<?> list) return list.isEmpty() ? "(empty)" : "`" + list.stream().map(String::valueOf).collect(Collectors.joining(",")) + "`";
        return "`" + d + "`";
    }
}

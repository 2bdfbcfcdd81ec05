package org.herald.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the YAML file, applies the {@code HERALD_*} environment on top, binds the record tree and validates it. */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ConfigLoader() {}

    /**
     * @param file the YAML file, or null for none
     * @param env  the environment (System.getenv() in production)
     */
    public static HeraldConfig load(Path file, Map<String, String> env) {
        ObjectNode root = readFile(file);
        for (ConfigSchema.Key key : ConfigSchema.keys()) {
            for (String var : key.envVars()) {
                String value = env.get(var);
                if (value != null) apply(root, key, var, value);
            }
        }
        HeraldConfig config = bind(root, file);
        ConfigValidator.validate(config);
        return config;
    }

    private static ObjectNode readFile(Path file) {
        if (file == null) return JsonNodeFactory.instance.objectNode();
        if (!Files.isRegularFile(file)) throw new ConfigException("configuration file " + file + " does not exist");
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) return JsonNodeFactory.instance.objectNode();
            if (!node.isObject()) throw new ConfigException(file + ": the top level must be a mapping of keys");
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static void apply(ObjectNode root, ConfigSchema.Key key, String var, String value) {
        JsonNode node = switch (key.kind()) {
            case STRING -> JsonNodeFactory.instance.textNode(value);
            case INTEGER -> {
                try {
                    yield JsonNodeFactory.instance.numberNode(Integer.parseInt(value.trim()));
                } catch (NumberFormatException e) {
                    throw new ConfigException(var + " (" + key.path() + "): '" + value + "' is not a whole number");
                }
            }
            case BOOLEAN -> switch (value.trim().toLowerCase()) {
                case "true", "yes", "1", "on" -> JsonNodeFactory.instance.booleanNode(true);
                case "false", "no", "0", "off" -> JsonNodeFactory.instance.booleanNode(false);
                default -> throw new ConfigException(var + " (" + key.path() + "): '" + value + "' is not true or false");
            };
            case STRING_LIST -> stringList(value);
            case STRING_MAP -> structured(var, key, value, JsonNode::isObject, "object");
            case OBJECT_LIST -> structured(var, key, value, JsonNode::isArray, "list");
        };
        String[] parts = key.path().split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = parent.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = JsonNodeFactory.instance.objectNode();
                parent.set(parts[i], child);
            }
            parent = (ObjectNode) child;
        }
        String leaf = parts[parts.length - 1];
        boolean appendAlias = key.kind() == ConfigSchema.Kind.STRING_LIST && !var.equals(key.envVar());
        if (appendAlias && parent.get(leaf) instanceof ArrayNode existing) {
            existing.addAll((ArrayNode) node);
        } else {
            parent.set(leaf, node);
        }
    }

    /** A list given as YAML/JSON flow ({@code [a, b]}) or comma-separated ({@code a,b}). */
    private static ArrayNode stringList(String value) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        String trimmed = value.trim();
        if (trimmed.startsWith("[")) {
            try {
                JsonNode parsed = YAML.readTree(trimmed);
                parsed.forEach(n -> list.add(n.asText()));
                return list;
            } catch (IOException e) {
                throw new ConfigException("not a list: " + value);
            }
        }
        for (String part : trimmed.split(",")) if (!part.isBlank()) list.add(part.trim());
        return list;
    }

    private static HeraldConfig bind(ObjectNode root, Path file) {
        String where = file == null ? "configuration" : file.toString();
        try {
            return YAML.treeToValue(root, HeraldConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(where + ": unknown configuration key '" + path(e) + "'");
        } catch (JsonMappingException e) {
            throw new ConfigException(where + ": configuration key '" + path(e) + "' has a value of the wrong type: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(where + ": " + firstLine(e.getMessage()));
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** A JSON/YAML value of an environment variable that must be a list or an object. */
    private static JsonNode structured(String var, ConfigSchema.Key key, String value, java.util.function.Predicate<JsonNode> shape, String what) {
        JsonNode parsed;
        try {
            parsed = YAML.readTree(value);
        } catch (IOException e) {
            throw new ConfigException(var + " (" + key.path() + "): not a JSON/YAML " + what + ": " + firstLine(e.getMessage()));
        }
        if (parsed == null || !shape.test(parsed)) throw new ConfigException(var + " (" + key.path() + "): must be a JSON/YAML " + what);
        return parsed;
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

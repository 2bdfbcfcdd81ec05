package org.herald.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The list of configuration keys, read off the record tree of {@link HeraldConfig}: path, environment variables,
 * type, default and documentation. The environment overrides and docs/configuration.md both come from here.
 */
public final class ConfigSchema {

    public enum Kind { STRING, INTEGER, BOOLEAN, STRING_LIST, OBJECT_LIST, STRING_MAP }

    /** One key. {@code defaultValue} is what an empty configuration yields, or null. */
    public record Key(String path, Kind kind, List<String> envVars, Object defaultValue, String doc, boolean secret,
                      List<Key> elementKeys) {
        public String envVar() {
            return envVars.getFirst();
        }
    }

    private ConfigSchema() {}

    public static List<Key> keys() {
        return keysOf(HeraldConfig.class, "");
    }

    /** {@code http.port} → {@code HERALD_HTTP_PORT}. */
    public static String envName(String path) {
        return "HERALD_" + path.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static List<Key> keysOf(Class<?> recordType, String prefix) {
        Object defaults = emptyInstance(recordType);
        List<Key> keys = new ArrayList<>();
        for (RecordComponent c : recordType.getRecordComponents()) {
            String path = prefix + snake(c.getName());
            Class<?> type = c.getType();
            if (type.isRecord()) {
                keys.addAll(keysOf(type, path + "."));
                continue;
            }
            Doc doc = c.getAnnotation(Doc.class);
            if (doc == null) throw new IllegalStateException("configuration key " + path + " has no @Doc");
            List<String> env = new ArrayList<>();
            env.add(envName(path));
            for (String alias : doc.aliases()) if (!env.contains(alias)) env.add(alias);
            Object dflt = valueOf(c, defaults);
            Kind kind;
            List<Key> elementKeys = List.of();
            if (type == String.class) kind = Kind.STRING;
            else if (type == Integer.class) kind = Kind.INTEGER;
            else if (type == Boolean.class) kind = Kind.BOOLEAN;
            else if (type == List.class) {
                Type element = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                if (element == String.class) kind = Kind.STRING_LIST;
                else {
                    kind = Kind.OBJECT_LIST;
                    elementKeys = keysOf((Class<?>) element, path + "[].");
                }
            } else if (type == java.util.Map.class) {
                kind = Kind.STRING_MAP;
            } else throw new IllegalStateException("unsupported configuration type " + type + " at " + path);
            keys.add(new Key(path, kind, List.copyOf(env), dflt, doc.value(), doc.secret(), elementKeys));
        }
        return keys;
    }

    private static Object valueOf(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record built with every component null, i.e. with its defaults. */
    private static Object emptyInstance(Class<?> recordType) {
        try {
            Class<?>[] types = Arrays.stream(recordType.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Constructor<?> ctor = recordType.getDeclaredConstructor(types);
            return ctor.newInstance(new Object[types.length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.herald.config;

import java.util.List;
import java.util.Objects;

public record BlfConfig(
        @Doc("Asterisk servers to watch, one AMI connection each (a list; as an environment variable, a JSON list). "
                + "Empty: the BLF panel is off.")
        List<PbxConfig> pbxs,
        @Doc("Names and groups of the extensions (a list of {exten, context, pbx, name, group}).")
        List<OperatorConfig> operators,
        @Doc("A CSV file with more of them: `exten,context,name,group[,pbx]` per line, `#` comments; read at start.")
        String operatorsCsv,
        @Doc("memcached servers (`host:port`, a list) to copy the states to, as the source did; empty: none.")
        List<String> memcached,
        @Doc("Prefix of the memcached keys (see docs/blf.md).")
        String memcachedPrefix) {

    public static final String DEFAULT_MEMCACHED_PREFIX = "herald:blf:";

    public BlfConfig {
        pbxs = pbxs == null ? List.of() : List.copyOf(pbxs);
        operators = operators == null ? List.of() : List.copyOf(operators);
        memcached = memcached == null ? List.of() : List.copyOf(memcached);
        memcachedPrefix = Objects.requireNonNullElse(memcachedPrefix, DEFAULT_MEMCACHED_PREFIX);
    }

    public boolean enabled() {
        return !pbxs.isEmpty();
    }
}

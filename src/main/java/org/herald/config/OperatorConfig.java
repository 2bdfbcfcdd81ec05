package org.herald.config;

public record OperatorConfig(
        @Doc("Extension number, as in the hint (`101`).")
        String exten,
        @Doc("Dialplan context of the hint; empty: any context.")
        String context,
        @Doc("PBX id; empty: any PBX.")
        String pbx,
        @Doc("Name shown on the tile.")
        String name,
        @Doc("Group (department) the tile is shown under.")
        String group) {}

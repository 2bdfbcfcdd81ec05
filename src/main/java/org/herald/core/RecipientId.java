package org.herald.core;

import java.util.regex.Pattern;

/** A recipient address {@code kind:id}, e.g. {@code admin:42}. */
public record RecipientId(String kind, String id) {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    public RecipientId {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("recipient kind must match [a-z][a-z0-9_-]{0,31}");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("recipient id must match [A-Za-z0-9._@-]{1,128}");
        }
    }

    /** Parses {@code kind:id}; throws {@link IllegalArgumentException} with a human message when malformed. */
    public static RecipientId parse(String text) {
        if (text == null) throw new IllegalArgumentException("recipient must be a string 'kind:id'");
        int colon = text.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("recipient '" + text + "' must look like 'kind:id', e.g. 'admin:42'");
        return new RecipientId(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return kind + ":" + id;
    }
}

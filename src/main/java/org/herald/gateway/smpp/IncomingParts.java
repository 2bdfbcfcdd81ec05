package org.herald.gateway.smpp;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Puts long incoming SMS back together: the parts of one message share the sender and the concatenation reference
 * of their UDH ({@code 00 03 ref total seq}, or {@code 08 04 ref16 total seq}). Parts that never complete are
 * dropped after {@link #MAX_PENDING} newer messages, so a lost part cannot grow memory.
 */
final class IncomingParts {
    static final int MAX_PENDING = 256;

    private record Key(String sender, int ref) {}

    private final Map<Key, String[]> pending = new LinkedHashMap<>();

    /** The whole text once every part is in; empty while parts are missing. A message without a UDH is whole. */
    synchronized Optional<String> add(String sender, byte[] message, boolean udh, boolean ucs2) {
        if (!udh || message.length == 0) return Optional.of(SmsSegments.decode(message, ucs2));
        int udhLength = (message[0] & 0xFF) + 1;
        if (udhLength > message.length) return Optional.of(SmsSegments.decode(message, ucs2));
        byte[] text = java.util.Arrays.copyOfRange(message, udhLength, message.length);
        int[] concat = concatenation(message, udhLength);
        if (concat == null || concat[1] <= 1) return Optional.of(SmsSegments.decode(text, ucs2));
        Key key = new Key(sender, concat[0]);
        String[] parts = pending.computeIfAbsent(key, k -> new String[concat[1]]);
        if (parts.length != concat[1] || concat[2] < 1 || concat[2] > parts.length) return Optional.of(SmsSegments.decode(text, ucs2));
        parts[concat[2] - 1] = SmsSegments.decode(text, ucs2);
        for (String p : parts) if (p == null) {
            trim();
            return Optional.empty();
        }
        pending.remove(key);
        return Optional.of(String.join("", parts));
    }

    /** {ref, total, seq} from the concatenation element of the UDH, null when there is none. */
    private static int[] concatenation(byte[] m, int udhLength) {
        for (int i = 1; i + 1 < udhLength; ) {
            int iei = m[i] & 0xFF, len = m[i + 1] & 0xFF;
            if (iei == 0x00 && len == 3 && i + 4 < udhLength + 1) return new int[] {m[i + 2] & 0xFF, m[i + 3] & 0xFF, m[i + 4] & 0xFF};
            if (iei == 0x08 && len == 4 && i + 5 < udhLength + 1) {
                return new int[] {((m[i + 2] & 0xFF) << 8) | (m[i + 3] & 0xFF), m[i + 4] & 0xFF, m[i + 5] & 0xFF};
            }
            i += 2 + len;
        }
        return null;
    }

    private void trim() {
        Iterator<Key> oldest = pending.keySet().iterator();
        while (pending.size() > MAX_PENDING && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}

package org.herald.gateway.smpp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which delivery an SMSC message id belongs to, so a delivery receipt can find it. Kept in memory, bounded (the
 * oldest ids go first): a receipt that arrives after a restart, or for an id pushed out, is logged and ignored.
 */
final class SmppReceipts {
    static final int MAX_IDS = 100_000;

    private final Map<String, String> deliveryByMessageId = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_IDS;
        }
    };

    synchronized void remember(String messageId, String deliveryId) {
        deliveryByMessageId.put(normalize(messageId), deliveryId);
    }

    /** The delivery of a message id, or null. A delivery's other segments keep their own ids. */
    synchronized String deliveryOf(String messageId) {
        return deliveryByMessageId.get(normalize(messageId));
    }

    synchronized void forget(String messageId) {
        deliveryByMessageId.remove(normalize(messageId));
    }

    /** SMSCs differ in case and leading zeros between submit_sm_resp and the receipt's {@code id:}. */
    static String normalize(String id) {
        String s = id.strip().toLowerCase();
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') i++;
        return s.substring(i);
    }
}

package org.herald.gateway.smpp;

import java.time.Duration;
import java.util.Map;
import org.herald.core.Durations;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;

/**
 * An SMPP gateway's settings: where the SMSC is, how Herald binds, the sender, and the session timers. The sender's
 * type of number follows its form unless given: letters → alphanumeric, digits → international.
 */
record SmppSettings(String host, int port, String systemId, String password, String systemType, String sourceAddr,
                    TypeOfNumber sourceTon, NumberingPlanIndicator sourceNpi, boolean receipts, Duration enquireLink,
                    Duration responseTimeout, Duration bindTimeout, Duration rebindDelay) {

    static SmppSettings from(String gateway, Map<String, String> s) {
        String host = s.get("host");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("gateway " + gateway + ": settings.host is required");
        String source = s.getOrDefault("source_addr", "");
        boolean alphanumeric = !source.replaceFirst("^\\+", "").chars().allMatch(Character::isDigit);
        TypeOfNumber ton = s.containsKey("source_ton") ? TypeOfNumber.valueOf(Byte.parseByte(s.get("source_ton")))
                : source.isEmpty() ? TypeOfNumber.UNKNOWN : alphanumeric ? TypeOfNumber.ALPHANUMERIC : TypeOfNumber.INTERNATIONAL;
        NumberingPlanIndicator npi = s.containsKey("source_npi") ? NumberingPlanIndicator.valueOf(Byte.parseByte(s.get("source_npi")))
                : ton == TypeOfNumber.INTERNATIONAL ? NumberingPlanIndicator.ISDN : NumberingPlanIndicator.UNKNOWN;
        return new SmppSettings(host, Integer.parseInt(s.getOrDefault("port", "2775")), s.getOrDefault("system_id", ""),
                s.getOrDefault("password", ""), s.getOrDefault("system_type", ""), source.replaceFirst("^\\+", ""), ton, npi,
                Boolean.parseBoolean(s.getOrDefault("delivery_receipts", "true")),
                Durations.parse(s.getOrDefault("enquire_link", "30s")),
                Durations.parse(s.getOrDefault("response_timeout", "10s")),
                Durations.parse(s.getOrDefault("bind_timeout", "10s")),
                Durations.parse(s.getOrDefault("rebind_delay", "5s")));
    }
}

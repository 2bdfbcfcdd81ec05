package org.herald.gateway.smpp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a text goes into short messages: GSM-7 (the GSM 03.38 default alphabet, one unpacked byte a character) when
 * every character is in the basic table, UCS2 otherwise; one message up to 160 / 70 characters, else segments of
 * 153 / 67 characters each behind a concatenation UDH ({@code 05 00 03 ref total seq}). Characters of the GSM
 * extension table (€, [, ] …) send the text as UCS2, which every handset reads.
 */
public final class SmsSegments {
    /** The GSM 03.38 basic table, index = septet value (0x1B, the escape to the extension table, is not a character). */
    static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    static final int GSM_SINGLE = 160, GSM_SEGMENT = 153, UCS2_SINGLE = 70, UCS2_SEGMENT = 67;

    /** One short message: its bytes (with the UDH when {@code udh}) and whether it is UCS2. */
    public record Segment(byte[] bytes, boolean ucs2, boolean udh) {}

    private SmsSegments() {}

    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u001B' || GSM_BASIC.indexOf(c) < 0) return false;
        }
        return true;
    }

    /** The segments of {@code text}; {@code ref} is the concatenation reference (0-255) when there are several. */
    public static List<Segment> split(String text, int ref) {
        boolean gsm = isGsm7(text);
        int single = gsm ? GSM_SINGLE : UCS2_SINGLE, each = gsm ? GSM_SEGMENT : UCS2_SEGMENT;
        if (text.length() <= single) return List.of(new Segment(encode(text, gsm), !gsm, false));
        List<String> parts = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(start + each, text.length());
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end--; // keep a pair together
            parts.add(text.substring(start, end));
            start = end;
        }
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(new byte[] {0x05, 0x00, 0x03, (byte) ref, (byte) parts.size(), (byte) (i + 1)});
            b.writeBytes(encode(parts.get(i), gsm));
            out.add(new Segment(b.toByteArray(), !gsm, true));
        }
        return out;
    }

    static byte[] encode(String text, boolean gsm) {
        if (!gsm) return text.getBytes(StandardCharsets.UTF_16BE);
        byte[] b = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) b[i] = (byte) GSM_BASIC.indexOf(text.charAt(i));
        return b;
    }

    /** The text of an incoming short message: UCS2 (data coding 8), else GSM-7 unpacked (extension escapes dropped). */
    public static String decode(byte[] bytes, boolean ucs2) {
        if (bytes == null) return "";
        if (ucs2) return new String(bytes, StandardCharsets.UTF_16BE);
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            int v = x & 0x7F;
            if (v != 0x1B) s.append(GSM_BASIC.charAt(v));
        }
        return s.toString();
    }
}

package org.herald.telephony;

/** One hint of one PBX: what a BLF tile stands for. */
public record ExtensionKey(String pbx, String context, String exten) implements Comparable<ExtensionKey> {
    @Override
    public int compareTo(ExtensionKey o) {
        int c = pbx.compareTo(o.pbx);
        if (c != 0) return c;
        c = context.compareTo(o.context);
        if (c != 0) return c;
        c = Integer.compare(exten.length(), o.exten.length()); // 99 before 101
        return c != 0 ? c : exten.compareTo(o.exten);
    }
}

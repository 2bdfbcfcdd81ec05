package org.herald.telephony;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.herald.config.OperatorConfig;

/**
 * Who sits behind an extension: its name and group on the panel, from the configuration and an optional CSV file
 * ({@code exten,context,name,group[,pbx]}). The most specific entry wins (pbx and context given over left empty).
 */
public final class Operators {
    private final List<OperatorConfig> entries;

    public Operators(List<OperatorConfig> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Operators load(List<OperatorConfig> configured, String csvFile) {
        List<OperatorConfig> all = new ArrayList<>(configured);
        if (csvFile != null && !csvFile.isBlank()) all.addAll(readCsv(Path.of(csvFile)));
        return new Operators(all);
    }

    /** Name and group for a key; either may be null. */
    public OperatorConfig lookup(ExtensionKey key) {
        OperatorConfig best = null;
        int bestScore = -1;
        for (OperatorConfig o : entries) {
            if (!key.exten().equals(o.exten())) continue;
            if (!blankOr(o.context(), key.context()) || !blankOr(o.pbx(), key.pbx())) continue;
            int score = (isBlank(o.context()) ? 0 : 2) + (isBlank(o.pbx()) ? 0 : 1);
            if (score > bestScore) {
                best = o;
                bestScore = score;
            }
        }
        return best;
    }

    static List<OperatorConfig> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blf.operators_csv " + file, e);
        }
        List<OperatorConfig> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(",", -1);
            if (f.length < 4 || f[0].isBlank()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected exten,context,name,group[,pbx]");
            }
            out.add(new OperatorConfig(f[0].strip(), f[1].strip(), f.length > 4 ? f[4].strip() : null, f[2].strip(), f[3].strip()));
        }
        return out;
    }

    private static boolean blankOr(String configured, String actual) {
        return isBlank(configured) || configured.equals(actual);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}

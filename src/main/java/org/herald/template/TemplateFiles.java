package org.herald.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.herald.core.InvalidRequestException;

/**
 * The template files: {@code <dir>/<name>/<lang>/<part>.<engine>} with part {@code subject}, {@code text} or
 * {@code html} and engine {@code mustache}, {@code xsl}, or {@code tpl} (the engine told by the content, as BILLmanager
 * tells its XSLT and text templates apart: an XSLT stylesheet, else Mustache). Names and languages are checked, so a
 * path never leaves the directory.
 */
public final class TemplateFiles {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern LANG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?");
    static final List<String> ENGINES = List.of("mustache", "xsl", "tpl");
    static final Pattern FILE = Pattern.compile("(subject|text|html)\\.(mustache|xsl|tpl)");

    private final Path dir;

    public TemplateFiles(Path dir) {
        this.dir = dir;
    }

    /** The file of a part, if there is one in either engine. */
    public Optional<Path> find(String name, String lang, String part) {
        for (String engine : ENGINES) {
            Path p = path(name, lang, part + "." + engine);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    public boolean hasLanguage(String name, String lang) {
        return find(name, lang, "text").isPresent();
    }

    /** {@code <dir>/<name>/<lang>/<file>}, after checking each piece. */
    public Path path(String name, String lang, String file) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidRequestException("invalid_field", "template", "template names are letters, digits, . _ - (up to 100)");
        }
        if (lang == null || !LANG.matcher(lang).matches()) throw new InvalidRequestException("invalid_field", "lang", "lang must look like ru or pt-BR");
        if (!FILE.matcher(file).matches()) {
            throw new InvalidRequestException("invalid_field", "part", "a template file is subject, text or html, .mustache, .xsl or .tpl (engine told by the content)");
        }
        return dir.resolve(name).resolve(lang).resolve(file);
    }

    public String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file, e);
        }
    }

    public void write(String name, String lang, String file, String content) {
        Path p = path(name, lang, file);
        try {
            Files.createDirectories(p.getParent());
            // one engine per part: writing text.xsl replaces a text.mustache
            String part = file.substring(0, file.indexOf('.'));
            for (String engine : ENGINES) {
                Path other = p.resolveSibling(part + "." + engine);
                if (!other.equals(p)) Files.deleteIfExists(other);
            }
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write template " + p, e);
        }
    }

    public boolean delete(String name, String lang, String file) {
        try {
            return Files.deleteIfExists(path(name, lang, file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** name → lang → files. */
    public Map<String, Map<String, List<String>>> list() {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.walk(dir, 3)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                Path rel = dir.relativize(f);
                if (rel.getNameCount() != 3 || !FILE.matcher(rel.getName(2).toString()).matches()) return;
                out.computeIfAbsent(rel.getName(0).toString(), n -> new TreeMap<>())
                        .computeIfAbsent(rel.getName(1).toString(), l -> new ArrayList<>()).add(rel.getName(2).toString());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.values().forEach(m -> m.values().forEach(l -> l.sort(null)));
        return out;
    }
}

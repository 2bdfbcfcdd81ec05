package org.herald.template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.herald.core.InvalidRequestException;
import org.herald.pipeline.NotificationRequest;
import org.herald.pipeline.Templates;

/**
 * Templates from files: the notification's language, then its base language ({@code ru} for {@code ru-UA}), then the
 * default language. {@code text} is required; {@code subject} becomes the title and {@code html} the HTML form of
 * the text when present. Compiled templates are
 * kept until their file changes.
 */
public final class FileTemplates implements Templates {
    private record Entry(FileTime modified, Engines.Compiled compiled) {}

    private final TemplateFiles files;
    private static final java.util.regex.Pattern MACRO = java.util.regex.Pattern.compile("%([A-Z][A-Z0-9_]*)%");

    private final String defaultLang;
    private final Map<String, String> macros;
    private final Map<Path, Entry> cache = new ConcurrentHashMap<>();

    /** @param macros {@code %NAME%} → value, replaced in what the engines rendered */
    public FileTemplates(TemplateFiles files, String defaultLang, Map<String, String> macros) {
        this.files = files;
        this.defaultLang = defaultLang;
        this.macros = Map.copyOf(macros);
    }

    public FileTemplates(TemplateFiles files, String defaultLang) {
        this(files, defaultLang, Map.of());
    }

    @Override
    public Rendered render(NotificationRequest req) {
        String name = req.template();
        String lang = chooseLanguage(name, req.lang()).orElseThrow(() -> new InvalidRequestException("unknown_template",
                "template", "no template '" + name + "' in " + languagesTried(req.lang())));
        Map<String, Object> context = context(req);
        String title = files.find(name, lang, "subject").map(p -> render(name, lang, p, context).strip()).orElse(null);
        String text = render(name, lang, files.find(name, lang, "text").orElseThrow(), context);
        if (text.isBlank()) throw new TemplateException("template '" + name + "' (" + lang + ") rendered an empty text");
        String html = files.find(name, lang, "html").map(p -> render(name, lang, p, context)).orElse(null);
        return new Rendered(title, text, html);
    }

    /** Compiles a template source without keeping it: the API refuses a file that would not compile. */
    public static void check(String label, String file, String source) {
        Engines.compile(label, file.substring(file.indexOf('.') + 1), source, file.startsWith("html"));
    }

    private Optional<String> chooseLanguage(String name, String requested) {
        for (String lang : candidates(requested)) {
            try {
                if (files.hasLanguage(name, lang)) return Optional.of(lang);
            } catch (InvalidRequestException e) {
                if ("template".equals(e.field())) throw e; // a bad name is the caller's error; a bad lang just skips
            }
        }
        return Optional.empty();
    }

    private List<String> candidates(String requested) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (requested != null) {
            out.add(requested);
            if (requested.contains("-")) out.add(requested.substring(0, requested.indexOf('-')));
        }
        out.add(defaultLang);
        return new ArrayList<>(out);
    }

    private String languagesTried(String requested) {
        return "language" + (candidates(requested).size() > 1 ? "s " : " ") + String.join(", ", candidates(requested));
    }

    private String render(String name, String lang, Path file, Map<String, Object> context) {
        String fileName = file.getFileName().toString();
        String label = "template '" + name + "' (" + lang + ") " + fileName;
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Entry e = cache.get(file);
        if (e == null || !e.modified().equals(modified)) {
            e = new Entry(modified, Engines.compile(label, fileName.substring(fileName.indexOf('.') + 1), files.read(file),
                    fileName.startsWith("html")));
            cache.put(file, e);
        }
        return substituteMacros(e.compiled().render(context));
    }

    String substituteMacros(String rendered) {
        if (macros.isEmpty() || rendered.indexOf('%') < 0) return rendered;
        return MACRO.matcher(rendered).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(macros.getOrDefault(m.group(1), m.group())));
    }

    /** What a template sees: the data's fields at the top, and {@code type}, {@code title}, {@code text}, {@code data}. */
    static Map<String, Object> context(NotificationRequest req) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (req.data() != null) c.putAll(req.data());
        c.put("type", req.type());
        if (req.title() != null) c.put("title", req.title());
        if (req.text() != null) c.put("text", req.text());
        c.put("data", req.data() == null ? new HashMap<>() : req.data());
        return c;
    }
}

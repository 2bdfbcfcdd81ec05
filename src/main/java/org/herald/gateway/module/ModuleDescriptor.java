package org.herald.gateway.module;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A module's {@code billmgr_mod_*.xml}: the settings form of its gateway ({@code metadata name="gateway.NAME"}) and
 * the labels of the fields per language.
 */
public record ModuleDescriptor(String plugin, List<Field> fields, Map<String, Map<String, String>> labels) {
    /** A settings field: its name, input type (text, password, select …) and whether it is required. */
    public record Field(String name, String type, boolean required) {}

    public static ModuleDescriptor read(Path file) throws IOException, SafeXml.XmlException {
        Document d = SafeXml.parse(Files.readAllBytes(file));
        Element root = d.getDocumentElement();
        Element plugin = SafeXml.child(root, "plugin");
        String name = plugin == null ? "" : plugin.getAttribute("name");
        List<Field> fields = new ArrayList<>();
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (Element metadata : SafeXml.children(root, "metadata")) {
            if (!metadata.getAttribute("name").startsWith("gateway.")) continue;
            Element form = SafeXml.child(metadata, "form");
            if (form == null) continue;
            for (Element field : SafeXml.children(form, "field")) {
                Element input = firstInput(field);
                fields.add(new Field(field.getAttribute("name"), input == null ? "text" : input.getTagName().equals("input")
                        ? input.getAttribute("type") : input.getTagName(), input != null && "yes".equals(input.getAttribute("required"))));
            }
        }
        for (Element lang : SafeXml.children(root, "lang")) {
            Map<String, String> msgs = labels.computeIfAbsent(lang.getAttribute("name"), k -> new LinkedHashMap<>());
            for (Element messages : SafeXml.children(lang, "messages")) {
                if (!messages.getAttribute("name").startsWith("gateway.")) continue;
                for (Element msg : SafeXml.children(messages, "msg")) msgs.put(msg.getAttribute("name"), msg.getTextContent().strip());
            }
        }
        return new ModuleDescriptor(name, List.copyOf(fields), labels);
    }

    private static Element firstInput(Element field) {
        for (String tag : List.of("input", "select", "textarea")) {
            Element e = SafeXml.child(field, tag);
            if (e != null) return e;
        }
        return null;
    }

    /** The required fields the settings lack. */
    public List<String> missing(Map<String, String> settings) {
        return fields.stream().filter(f -> f.required() && (settings.get(f.name()) == null || settings.get(f.name()).isBlank()))
                .map(Field::name).toList();
    }

    /** A field's label in {@code lang}, else in English, else its name. */
    public String label(String field, String lang) {
        Map<String, String> in = labels.getOrDefault(lang, Map.of());
        return in.getOrDefault(field, labels.getOrDefault("en", Map.of()).getOrDefault(field, field));
    }
}

package org.herald.billmanager;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Herald as a BILLmanager gateway module: one {@link #run} per invocation of {@code gwherald --command <cmd>},
 * the document BILLmanager wrote on stdin in, the document it reads from stdout out.
 */
public final class GatewayModule {
    public static final List<String> FEATURES = List.of("outgoing", "check_connection", "formtune");

    /** The document to print, and whether the command succeeded (an error document when it did not). */
    public record Answer(String xml, boolean ok) {}

    private final HttpClient http;

    public GatewayModule(HttpClient http) {
        this.http = http;
    }

    /** Whether {@code command} reads a document from stdin. */
    public static boolean takesInput(String command) {
        return !"features".equals(command);
    }

    public Answer run(String command, byte[] input) {
        try {
            return new Answer(switch (command) {
                case "features" -> features();
                case "formtune" -> SafeXml.write(ModuleFailure.parse(input, "input"));
                case "check_connection" -> checkConnection(ModuleFailure.parse(input, "input"));
                case "outgoing" -> outgoing(ModuleFailure.parse(input, "input"));
                default -> throw new ModuleFailure("value", "command", "unknown command '" + command + "'; this module has " + String.join(", ", FEATURES) + " and features");
            }, true);
        } catch (ModuleFailure f) {
            return new Answer(ErrorDocument.of(f), false);
        }
    }

    static String features() {
        Document doc = SafeXml.newDocument("doc");
        Element features = doc.createElement("features");
        for (String name : FEATURES) {
            Element f = doc.createElement("feature");
            f.setAttribute("name", name);
            features.appendChild(f);
        }
        Element notify = doc.createElement("notify_module");
        notify.setTextContent("ntsms");
        doc.getDocumentElement().appendChild(features);
        doc.getDocumentElement().appendChild(notify);
        return SafeXml.write(doc);
    }

    /** Herald is up, the key is accepted, and some gateway of Herald's serves the configured channel. */
    private String checkConnection(Document form) throws ModuleFailure {
        GatewaySettings settings = GatewaySettings.from(form);
        HeraldApi api = new HeraldApi(http, settings);
        api.ready();
        JsonNode gateways = api.gateways();
        boolean served = gateways != null && gateways.valueStream().anyMatch(g -> settings.channel().equals(g.path("channel").asText()));
        if (!served) throw new ModuleFailure("value", "channel", "Herald at " + settings.url() + " has no gateway for the channel " + settings.channel());
        return SafeXml.write(form);
    }

    private String outgoing(Document doc) throws ModuleFailure {
        GatewaySettings settings = GatewaySettings.from(doc);
        OutgoingRequest request = OutgoingRequest.from(doc);
        String rid = request.recipientId(settings.channel());
        HeraldApi api = new HeraldApi(http, settings);
        api.putRecipient(rid, recipient(api.recipient(rid), request, settings));
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("to", rid);
        if (request.subject() != null) notification.put("title", request.subject());
        notification.put("text", request.message());
        notification.put("channels", List.of(settings.channel()));
        api.postNotification(notification, IdempotencyKeys.of(doc));
        Document ok = SafeXml.newDocument("doc");
        ok.getDocumentElement().appendChild(ok.createElement("ok"));
        return SafeXml.write(ok);
    }

    /** The recipient as Herald has it, with BILLmanager's contacts, lang and provider laid over it (a PUT replaces). */
    private static Map<String, Object> recipient(JsonNode existing, OutgoingRequest request, GatewaySettings settings) {
        Map<String, Object> contacts = new LinkedHashMap<>();
        if (existing != null && existing.path("contacts").isObject()) {
            existing.path("contacts").properties().forEach(e -> contacts.put(e.getKey(), e.getValue().asText()));
        }
        if (request.phone() != null) contacts.put("phone", request.phone());
        if (request.email() != null) contacts.put("email", request.email());
        Map<String, Object> body = new LinkedHashMap<>();
        String name = existing == null ? null : existing.path("name").asText(null);
        String lang = request.lang() != null ? request.lang() : existing == null ? null : existing.path("lang").asText(null);
        String provider = settings.provider() != null ? settings.provider() : existing == null ? null : existing.path("provider").asText(null);
        if (name != null) body.put("name", name);
        if (lang != null) body.put("lang", lang);
        if (provider != null) body.put("provider", provider);
        body.put("contacts", contacts);
        return body;
    }
}

package org.herald.billmanager;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The gateway's settings as BILLmanager passes them: the connection parameters as an XML string in
 * {@code <xmlparams>} (parsed a second time), the gateway's columns under {@code <gateway>}, and — in
 * {@code check_connection} — the form's fields at the root. The first non-blank value wins in that order.
 */
public record GatewaySettings(URI url, String apiKey, String channel, String provider) {
    public static final Set<String> CHANNELS = Set.of("sms", "email");
    static final String DEFAULT_CHANNEL = "sms";

    public static GatewaySettings from(Document doc) throws ModuleFailure {
        List<Element> sources = sources(doc.getDocumentElement());
        String url = first(sources, "url");
        String apiKey = first(sources, "api_key");
        String channel = first(sources, "channel");
        String provider = first(sources, "provider");
        if (url == null) throw new ModuleFailure("missed", "url", "the Herald URL (setting url) is not set");
        if (apiKey == null) throw new ModuleFailure("missed", "api_key", "the Herald API key (setting api_key) is not set");
        channel = channel == null ? DEFAULT_CHANNEL : channel.toLowerCase(Locale.ROOT);
        if (!CHANNELS.contains(channel)) throw new ModuleFailure("value", "channel", "channel must be sms or email, not '" + channel + "'");
        return new GatewaySettings(baseUrl(url), apiKey, channel, provider);
    }

    private static List<Element> sources(Element root) throws ModuleFailure {
        Element gateway = SafeXml.child(root, "gateway");
        List<Element> sources = new ArrayList<>();
        for (Element holder : new Element[] {gateway, root}) {
            String params = SafeXml.childText(holder, "xmlparams");
            if (params != null) sources.add(ModuleFailure.parse(params, "xmlparams").getDocumentElement());
        }
        if (gateway != null) sources.add(gateway);
        sources.add(root);
        return sources;
    }

    private static String first(List<Element> sources, String name) {
        for (Element e : sources) {
            String v = SafeXml.childText(e, name);
            if (v != null) return v;
        }
        return null;
    }

    private static URI baseUrl(String text) throws ModuleFailure {
        try {
            URI uri = URI.create(text.replaceAll("/+$", ""));
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ModuleFailure("value", "url", "'" + text + "' is not a Herald base URL such as https://herald.example:8080");
        }
    }
}

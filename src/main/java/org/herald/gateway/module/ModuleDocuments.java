package org.herald.gateway.module;

import java.util.Map;
import org.herald.gateway.OutgoingMessage;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The documents Herald writes to a module's stdin, shaped as BILLmanager writes them (compat-billmanager.md): the
 * gateway's columns under {@code <gateway>}, the connection parameters once more as one XML string in
 * {@code <xmlparams>}, the message, and the recipient's contact at the root and under {@code <user>}.
 */
final class ModuleDocuments {
    private final String gatewayId;
    private final Map<String, String> columns;

    /** @param columns the module's own settings (Herald's settings such as {@code program} left out) */
    ModuleDocuments(String gatewayId, Map<String, String> columns) {
        this.gatewayId = gatewayId;
        this.columns = columns;
    }

    String outgoing(OutgoingMessage m, String contact, String provider) {
        Document d = SafeXml.newDocument("doc");
        Element root = d.getDocumentElement();
        gateway(root);
        SafeXml.add(root, "message", m.text() == null ? "" : m.text());
        SafeXml.add(root, "subject", m.subject() == null ? "" : m.subject());
        if (SafeXml.isName(contact)) SafeXml.add(root, contact, m.to());
        Element user = SafeXml.add(root, "user", null);
        m.contacts().forEach((type, value) -> {
            if (SafeXml.isName(type)) SafeXml.add(user, type, value);
        });
        if (!m.contacts().containsKey(contact) && SafeXml.isName(contact)) SafeXml.add(user, contact, m.to());
        Element project = SafeXml.add(root, "project", null);
        if (provider != null) SafeXml.add(project, "name", provider);
        return SafeXml.write(d);
    }

    /** {@code <doc><gateway>…</gateway></doc>}: the input of {@code ingoing}. */
    String gatewayOnly() {
        Document d = SafeXml.newDocument("doc");
        gateway(d.getDocumentElement());
        return SafeXml.write(d);
    }

    /** The settings form with the entered values and the xmlparams: the input of {@code check_connection}. */
    String form() {
        Document d = SafeXml.newDocument("doc");
        Element root = d.getDocumentElement();
        columns.forEach((k, v) -> {
            if (SafeXml.isName(k)) SafeXml.add(root, k, v);
        });
        SafeXml.add(root, "xmlparams", xmlParams());
        return SafeXml.write(d);
    }

    private void gateway(Element root) {
        Element gateway = SafeXml.add(root, "gateway", null);
        if (!columns.containsKey("id")) SafeXml.add(gateway, "id", gatewayId);
        if (!columns.containsKey("name")) SafeXml.add(gateway, "name", gatewayId);
        columns.forEach((k, v) -> {
            if (SafeXml.isName(k)) SafeXml.add(gateway, k, v);
        });
        SafeXml.add(gateway, "xmlparams", xmlParams());
    }

    private String xmlParams() {
        Document p = SafeXml.newDocument("doc");
        columns.forEach((k, v) -> {
            if (SafeXml.isName(k)) SafeXml.add(p.getDocumentElement(), k, v);
        });
        return SafeXml.write(p);
    }
}

package org.herald.billmanager;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The Idempotency-Key of an {@code outgoing} document: a digest of its elements, attributes and non-blank text,
 * so BILLmanager repeating the same document (after a timeout or a crash) creates one notification, while
 * indentation and line breaks make no difference.
 */
public final class IdempotencyKeys {
    private IdempotencyKeys() {}

    public static String of(Document doc) {
        StringBuilder canonical = new StringBuilder();
        append(doc.getDocumentElement(), canonical);
        return "billmgr-" + OutgoingRequest.sha256(canonical.toString());
    }

    private static void append(Element e, StringBuilder out) {
        out.append('<').append(e.getTagName());
        NamedNodeMap attributes = e.getAttributes();
        List<String> sorted = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node a = attributes.item(i);
            sorted.add(a.getNodeName() + "=" + quote(a.getNodeValue()));
        }
        sorted.sort(null);
        sorted.forEach(a -> out.append(' ').append(a));
        out.append('>');
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) append(child, out);
            else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                String text = n.getNodeValue().strip();
                if (!text.isEmpty()) out.append(quote(text));
            }
        }
        out.append("</>");
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}

package org.herald.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * XML from programs and files Herald does not control, read with every door shut: no DOCTYPE at all (so no entity,
 * internal or external, is ever expanded), no external DTD or schema, no XInclude. Also writes documents.
 */
public final class SafeXml {
    private SafeXml() {}

    /** Unreadable or refused XML, with the parser's reason (line and column where it knows them). */
    public static final class XmlException extends Exception {
        public XmlException(String message) {
            super(message);
        }
    }

    public static Document parse(String xml) throws XmlException {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    public static Document parse(byte[] xml) throws XmlException {
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(null); // the exception carries the reason; no echo on stderr
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (org.xml.sax.SAXParseException e) {
            throw new XmlException("line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException e) {
            throw new XmlException(e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new empty document whose root is {@code root}. */
    public static Document newDocument(String root) {
        try {
            Document d = factory().newDocumentBuilder().newDocument();
            d.appendChild(d.createElement(root));
            return d;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(false);
        return f;
    }

    public static String write(Document d) {
        return write((Node) d.getDocumentElement());
    }

    public static String write(Node n) {
        try {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            var t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "no");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(n), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends {@code <name>text</name>} to {@code parent} and returns it. */
    public static Element add(Element parent, String name, String text) {
        Element e = parent.getOwnerDocument().createElement(name);
        if (text != null) e.setTextContent(text);
        parent.appendChild(e);
        return e;
    }

    /** The child elements of {@code parent} with that name (all children when null). */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) out.add(e);
        }
        return out;
    }

    /** The first child element with that name, or null (also when {@code parent} is null). */
    public static Element child(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    /** The trimmed text of the first child element called {@code name}, or null when absent or blank. */
    public static String childText(Element parent, String name) {
        Element child = child(parent, name);
        if (child == null) return null;
        String text = child.getTextContent().strip();
        return text.isEmpty() ? null : text;
    }

    /** Whether {@code s} is a usable XML element name (settings become elements). */
    public static boolean isName(String s) {
        return s != null && s.matches("[A-Za-z_][A-Za-z0-9_.-]*") && !s.toLowerCase().startsWith("xml");
    }
}

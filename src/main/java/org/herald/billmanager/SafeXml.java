package org.herald.billmanager;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * XML in and out for the module protocol. Parsing refuses any DOCTYPE, so no entity (internal or external) and no
 * DTD is ever read; XInclude is off and the JDK's secure-processing limits apply.
 */
public final class SafeXml {
    private SafeXml() {}

    /** Parses a document; a malformed one, or one with a DOCTYPE, is a {@link ModuleFailure} of type {@code xml}. */
    public static Document parse(byte[] xml, String what) throws ModuleFailure {
        try {
            return builder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new ModuleFailure("xml", what, what + " is not a well-formed XML document without a DOCTYPE: " + e.getMessage());
        } catch (IOException e) {
            throw new ModuleFailure("xml", what, what + " could not be read: " + e.getMessage());
        }
    }

    public static Document parse(String xml, String what) throws ModuleFailure {
        return parse(xml.getBytes(StandardCharsets.UTF_8), what);
    }

    public static Document newDocument(String rootName) {
        Document doc = builder().newDocument();
        doc.appendChild(doc.createElement(rootName));
        return doc;
    }

    /** The document as UTF-8 text with an XML declaration. */
    public static String write(Document doc) {
        try {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter().append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write XML: " + e.getMessage(), e);
        }
    }

    /** The trimmed text of {@code parent}'s first child element called {@code name}, or null when absent or blank. */
    public static String childText(Element parent, String name) {
        Element child = child(parent, name);
        if (child == null) return null;
        String text = child.getTextContent().strip();
        return text.isEmpty() ? null : text;
    }

    public static Element child(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(SILENT);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature: " + e.getMessage(), e);
        }
    }

    // The default handler prints "[Fatal Error]" lines to stderr; the failure is reported in the error document instead.
    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}

package org.herald.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Collection;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Templates;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The two template engines: Mustache (logic-less; a missing variable is an error, not an empty string) and XSLT over
 * the notification as XML (secure processing, no external DTDs, entities or stylesheets). Compile errors and render
 * errors name the file and the line.
 */
final class Engines {
    private Engines() {}

    /** A compiled template that renders a context (the notification's fields and its data) to text. */
    interface Compiled {
        String render(Map<String, Object> context);
    }

    static Compiled compile(String label, String engine, String source, boolean html) {
        boolean xsl = engine.equals("xsl") || engine.equals("tpl") && isStylesheet(source);
        return xsl ? xslt(label, source) : mustache(label, source, html);
    }

    private static final java.util.regex.Pattern STYLESHEET = java.util.regex.Pattern.compile(
            "\\A\\uFEFF?\\s*(<\\?xml[^>]*\\?>\\s*)?(<!--.*?-->\\s*|<!DOCTYPE[^\\[>]*(\\[.*?])?\\s*>\\s*)*<(xsl:)?(stylesheet|transform)\\b", java.util.regex.Pattern.DOTALL);

    /** Whether a template's text is an XSLT stylesheet (its root element, after a declaration and comments). */
    static boolean isStylesheet(String source) {
        return STYLESHEET.matcher(source).find();
    }

    private static Compiled mustache(String label, String source, boolean html) {
        com.samskivert.mustache.Template t;
        try {
            t = Mustache.compiler().escapeHTML(html).strictSections(true).compile(source);
        } catch (MustacheException e) {
            throw new TemplateException(label + ": " + e.getMessage());
        }
        return context -> {
            try {
                return t.execute(context);
            } catch (MustacheException e) {
                throw new TemplateException(label + ": " + e.getMessage());
            }
        };
    }

    private static Compiled xslt(String label, String source) {
        TransformerFactory f = TransformerFactory.newInstance();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        } catch (TransformerConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("the XSLT processor cannot be made safe: " + e.getMessage(), e);
        }
        f.setErrorListener(new javax.xml.transform.ErrorListener() {
            public void warning(TransformerException e) { }
            public void error(TransformerException e) throws TransformerException { throw e; }
            public void fatalError(TransformerException e) throws TransformerException { throw e; }
        });
        Templates xsl;
        try {
            xsl = f.newTemplates(new StreamSource(new StringReader(source)));
        } catch (TransformerConfigurationException e) {
            throw new TemplateException(label + ": " + describe(e));
        }
        return context -> {
            try {
                StringWriter out = new StringWriter();
                xsl.newTransformer().transform(new DOMSource(toXml(context)), new StreamResult(out));
                return out.toString();
            } catch (TransformerException e) {
                throw new TemplateException(label + ": " + describe(e));
            }
        };
    }

    /** The context as {@code <notification><type>…</type><data><uid>1001</uid>…</data></notification>}. */
    static Document toXml(Map<String, Object> context) {
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc = dbf.newDocumentBuilder().newDocument();
            Element root = doc.createElement("notification");
            doc.appendChild(root);
            for (Map.Entry<String, Object> e : context.entrySet()) append(doc, root, e.getKey(), e.getValue());
            return doc;
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void append(Document doc, Element parent, String name, Object value) {
        if (value == null) return;
        String tag = name.matches("[A-Za-z_][A-Za-z0-9_.-]*") ? name : "field";
        Element el = doc.createElement(tag);
        if (!tag.equals(name)) el.setAttribute("name", name);
        parent.appendChild(el);
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) append(doc, el, String.valueOf(e.getKey()), e.getValue());
        } else if (value instanceof Collection<?> c) {
            for (Object item : c) append(doc, el, "item", item);
        } else {
            el.setTextContent(String.valueOf(value));
        }
    }

    private static String describe(TransformerException e) {
        var loc = e.getLocator();
        String where = loc != null && loc.getLineNumber() > 0 ? "line " + loc.getLineNumber() + ": " : "";
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String msg = cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return where + msg;
    }
}

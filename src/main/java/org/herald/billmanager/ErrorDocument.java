package org.herald.billmanager;

import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * BILLmanager's error document:
 * {@code <doc><error type="T" object="O"><param name="object" type="msg" msg="O">O</param><param name="value">V</param></error></doc>}.
 */
public final class ErrorDocument {
    private ErrorDocument() {}

    public static String of(ModuleFailure failure) {
        Document doc = SafeXml.newDocument("doc");
        Element error = doc.createElement("error");
        error.setAttribute("type", failure.type());
        error.setAttribute("object", failure.object());
        Element object = doc.createElement("param");
        object.setAttribute("name", "object");
        object.setAttribute("type", "msg");
        object.setAttribute("msg", failure.object());
        object.setTextContent(failure.object());
        Element value = doc.createElement("param");
        value.setAttribute("name", "value");
        value.setTextContent(failure.value());
        error.appendChild(object);
        error.appendChild(value);
        doc.getDocumentElement().appendChild(error);
        return SafeXml.write(doc);
    }
}

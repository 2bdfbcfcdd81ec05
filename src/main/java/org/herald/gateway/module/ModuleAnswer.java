package org.herald.gateway.module;

import java.util.ArrayList;
import java.util.List;
import org.herald.process.ProcessRun;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What a module's run said: a document, or why the run failed (exit status, timeout, output cut or unreadable, an
 * error document). The reason names the module and the command, for the delivery's last_error and the log.
 */
record ModuleAnswer(Document document, String failure) {
    boolean ok() {
        return failure == null;
    }

    static ModuleAnswer of(String what, ProcessRun.Result r, java.time.Duration timeout) {
        if (r.startError() != null) return new ModuleAnswer(null, what + ": " + r.startError());
        if (r.timedOut()) return new ModuleAnswer(null, what + ": no answer within " + timeout + "; killed");
        if (r.exitCode() != 0) {
            return new ModuleAnswer(null, what + ": exit status " + r.exitCode() + stderr(r) + errorIn(r.output()));
        }
        if (r.truncated()) return new ModuleAnswer(null, what + ": answer larger than the output cap; not read");
        String out = r.output().strip();
        if (out.isEmpty()) return new ModuleAnswer(null, null); // success without a document (outgoing)
        Document d;
        try {
            d = SafeXml.parse(out);
        } catch (SafeXml.XmlException e) {
            return new ModuleAnswer(null, what + ": the answer is not XML (" + e.getMessage() + "): " + excerpt(out) + stderr(r));
        }
        Element error = SafeXml.child(d.getDocumentElement(), "error");
        if (error != null) return new ModuleAnswer(d, what + ": the module reports " + describe(error));
        return new ModuleAnswer(d, null);
    }

    /** {@code error type="T" object="O"} with its params, as one line. */
    static String describe(Element error) {
        StringBuilder s = new StringBuilder("error");
        if (!error.getAttribute("type").isEmpty()) s.append(" ").append(error.getAttribute("type"));
        if (!error.getAttribute("object").isEmpty()) s.append(" (object ").append(error.getAttribute("object")).append(")");
        List<String> params = new ArrayList<>();
        for (Element p : SafeXml.children(error, "param")) {
            String text = p.getTextContent().strip();
            if (!text.isEmpty()) params.add(p.getAttribute("name") + "=" + text);
        }
        for (Element m : SafeXml.children(error, "msg")) params.add(m.getTextContent().strip());
        if (!params.isEmpty()) s.append(": ").append(String.join(", ", params));
        return s.toString();
    }

    private static String errorIn(String output) {
        try {
            Element error = SafeXml.child(SafeXml.parse(output.strip()).getDocumentElement(), "error");
            return error == null ? "" : "; " + describe(error);
        } catch (SafeXml.XmlException e) {
            return output.isBlank() ? "" : ": " + excerpt(output);
        }
    }

    private static String stderr(ProcessRun.Result r) {
        return r.errorOutput().isBlank() ? "" : " (stderr: " + excerpt(r.errorOutput()) + ")";
    }

    private static String excerpt(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}

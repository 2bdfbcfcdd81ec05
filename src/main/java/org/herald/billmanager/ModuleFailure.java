package org.herald.billmanager;

/**
 * A command that could not be carried out, reported to BILLmanager as an error document:
 * {@code type} is the kind of failure ({@code xml}, {@code missed}, {@code value}, {@code auth}, {@code connection},
 * {@code herald}), {@code object} what it concerns (a setting such as {@code api_key}, or {@code input}), and
 * {@code value} the human-readable reason.
 */
public final class ModuleFailure extends Exception {
    private final String type;
    private final String object;

    public ModuleFailure(String type, String object, String value) {
        super(value);
        this.type = type;
        this.object = object;
    }

    public String type() {
        return type;
    }

    public String object() {
        return object;
    }

    public String value() {
        return getMessage();
    }

    /** Parses a document BILLmanager gave: a malformed one, or one with a DOCTYPE, is a failure of type {@code xml}. */
    static org.w3c.dom.Document parse(byte[] xml, String what) throws ModuleFailure {
        try {
            return org.herald.xml.SafeXml.parse(xml);
        } catch (org.herald.xml.SafeXml.XmlException e) {
            throw new ModuleFailure("xml", what, what + " is not a well-formed XML document without a DOCTYPE: " + e.getMessage());
        }
    }

    static org.w3c.dom.Document parse(String xml, String what) throws ModuleFailure {
        return parse(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8), what);
    }
}

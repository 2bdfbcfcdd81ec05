package org.herald.billmanager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.herald.xml.SafeXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What {@code outgoing} is asked to send: the text and subject, and the user's contacts from {@code <user>}
 * (or, as in the jabber example, at the document's root, named after the contact type).
 */
public record OutgoingRequest(String message, String subject, String userId, String phone, String email, String lang) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Pattern PHONE = Pattern.compile("\\+[0-9]{7,15}");

    public static OutgoingRequest from(Document doc) throws ModuleFailure {
        Element root = doc.getDocumentElement();
        Element user = SafeXml.child(root, "user");
        String message = SafeXml.childText(root, "message");
        if (message == null) throw new ModuleFailure("missed", "message", "the document has no <message> to send");
        String phone = either(user, root, "phone", "sms");
        String email = either(user, root, "email", "email");
        return new OutgoingRequest(message, SafeXml.childText(root, "subject"), SafeXml.childText(user, "id"),
                phone == null ? null : e164(phone), email, SafeXml.childText(user, "lang"));
    }

    /** The contact the given channel sends to, or a failure naming the missing one. */
    public String contactFor(String channel) throws ModuleFailure {
        String contact = channel.equals("email") ? email : phone;
        if (contact == null) {
            String name = channel.equals("email") ? "email" : "phone";
            throw new ModuleFailure("missed", name, "the user has no " + name + " (looked in <user><" + name + "> and <" + (channel.equals("email") ? "email" : "sms") + ">)");
        }
        return contact;
    }

    /**
     * {@code user:<id>} for a BILLmanager user, so the recipient is the same one other integrations address;
     * otherwise {@code billmgr:} and the contact, or its digest when the contact has characters ids cannot hold.
     */
    public String recipientId(String channel) throws ModuleFailure {
        if (userId != null && ID.matcher(userId).matches()) return "user:" + userId;
        String contact = contactFor(channel).toLowerCase(Locale.ROOT);
        if (contact.startsWith("+")) contact = contact.substring(1);
        return "billmgr:" + (ID.matcher(contact).matches() ? contact : sha256(contact).substring(0, 40));
    }

    private static String either(Element user, Element root, String userField, String rootField) {
        String v = SafeXml.childText(user, userField);
        return v != null ? v : SafeXml.childText(root, rootField);
    }

    // BILLmanager keeps phones as typed ("+38 (050) 123-45-67", "380501234567"); Herald wants E.164.
    private static String e164(String phone) throws ModuleFailure {
        String digits = "+" + phone.replaceAll("[^0-9]", "");
        if (!PHONE.matcher(digits).matches()) throw new ModuleFailure("value", "phone", "'" + phone + "' is not a phone number (7 to 15 digits)");
        return digits;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

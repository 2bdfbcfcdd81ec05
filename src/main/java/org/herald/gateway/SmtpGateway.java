package org.herald.gateway;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.herald.config.GatewayConfig;
import org.herald.core.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Email through an SMTP server (Angus Mail): STARTTLS or implicit TLS, optional authentication, a {@code Message-ID}
 * made from the delivery id (so a reply can be tied back to it), UTF-8 text, with its HTML form as
 * multipart/alternative when the template has one. SMTP 4xx and network errors are
 * temporary, 5xx and refused addresses permanent; an authentication failure is permanent and logged loudly.
 */
public final class SmtpGateway extends ConfiguredGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpGateway.class);

    private final Session session;
    private final SmtpConnections connections;
    private final InternetAddress from;
    private final String messageIdDomain;

    public SmtpGateway(GatewayConfig config) {
        super(config);
        Map<String, String> s = config.settings();
        String security = s.getOrDefault("security", "starttls");
        String proto = security.equals("tls") ? "smtps" : "smtp";
        long timeout = Durations.parse(s.getOrDefault("timeout", "30s")).toMillis();
        Properties p = new Properties();
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", s.get("host"));
        p.put("mail." + proto + ".port", s.getOrDefault("port", security.equals("tls") ? "465" : "587"));
        p.put("mail." + proto + ".connectiontimeout", Long.toString(timeout));
        p.put("mail." + proto + ".timeout", Long.toString(timeout));
        p.put("mail." + proto + ".writetimeout", Long.toString(timeout));
        p.put("mail." + proto + ".auth", Boolean.toString(s.get("username") != null));
        if (security.equals("starttls")) p.put("mail.smtp.starttls.required", "true");
        if (security.equals("starttls")) p.put("mail.smtp.starttls.enable", "true");
        String trust = s.get("tls_trust");
        if (!security.equals("none")) p.put("mail." + proto + ".ssl.checkserveridentity", Boolean.toString(trust == null));
        // a relay with a self-signed certificate, named on purpose: its certificate is accepted without a CA
        if (trust != null) p.put("mail." + proto + ".ssl.trust", trust);
        this.session = Session.getInstance(p);
        this.connections = new SmtpConnections(session, s.get("username"), s.get("password"), config.maxConcurrency());
        try {
            this.from = new InternetAddress(s.get("from"), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("gateway " + config.id() + ": settings.from is not an address: " + e.getMessage());
        }
        String domain = from.getAddress().substring(from.getAddress().indexOf('@') + 1);
        this.messageIdDomain = domain.isBlank() ? "herald" : domain;
    }

    @Override
    public String module() {
        return "smtp";
    }

    @Override
    public SendResult send(OutgoingMessage m) {
        String messageId = "<" + m.deliveryId() + "@" + messageIdDomain + ">";
        try {
            MimeMessage msg = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId); // tied to the delivery: a retry keeps it, a reply quotes it
                }
            };
            msg.setFrom(from);
            msg.setRecipient(Message.RecipientType.TO, new InternetAddress(m.to(), true));
            msg.setSubject(m.subject() == null ? "" : m.subject(), "UTF-8");
            setContent(msg, m);
            msg.setHeader("X-Herald-Delivery", m.deliveryId());
            msg.saveChanges();
            Transport t = connections.take();
            try {
                t.sendMessage(msg, msg.getAllRecipients());
            } catch (MessagingException | RuntimeException e) {
                connections.discard(t); // the session's state after a failure is not worth trusting
                throw e;
            }
            connections.giveBack(t);
            return new SendResult.Accepted(messageId);
        } catch (AddressException e) {
            return new SendResult.Permanent("not an email address: " + m.to());
        } catch (AuthenticationFailedException e) {
            log.warn("gateway {}: the SMTP server refused the login: {}", config.id(), e.getMessage());
            return new SendResult.Permanent(config.id() + ": SMTP authentication failed");
        } catch (SMTPSendFailedException e) {
            String reason = config.id() + ": SMTP " + e.getReturnCode() + " " + oneLine(e.getMessage());
            return e.getReturnCode() >= 500 ? new SendResult.Permanent(reason) : new SendResult.Temporary(reason);
        } catch (SendFailedException e) {
            return new SendResult.Permanent(config.id() + ": " + oneLine(e.getMessage()));
        } catch (MessagingException e) {
            Throwable cause = e.getNextException() != null ? e.getNextException() : e.getCause();
            return new SendResult.Temporary(config.id() + ": " + oneLine(e.getMessage())
                    + (cause != null ? " (" + cause.getClass().getSimpleName() + ")" : ""));
        }
    }

    /** Plain UTF-8 text, or multipart/alternative (text first, then HTML: mail readers show the last they can). */
    private static void setContent(MimeMessage msg, OutgoingMessage m) throws MessagingException {
        String text = m.text() == null ? "" : m.text();
        if (m.html() == null) {
            msg.setText(text, "UTF-8");
            return;
        }
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(m.html(), "UTF-8", "html");
        msg.setContent(new MimeMultipart("alternative", plain, html));
    }

    @Override
    public void close() {
        connections.close();
    }

    @Override
    public java.util.List<String> features() {
        return MailInbox.wanted(config) ? java.util.List.of("outgoing", "ingoing", "check_connection")
                : java.util.List.of("outgoing", "check_connection");
    }

    @Override
    public String check() {
        try (Transport t = session.getTransport()) {
            t.connect(config.settings().get("username"), config.settings().get("password"));
            return null;
        } catch (MessagingException e) {
            return oneLine(e.getMessage());
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}

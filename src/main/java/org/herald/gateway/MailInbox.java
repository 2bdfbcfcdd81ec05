package org.herald.gateway;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herald.config.GatewayConfig;
import org.herald.core.Durations;
import org.herald.core.Ids;
import org.herald.store.IncomingMessage;
import org.herald.store.IncomingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incoming half of an email gateway: polls a mailbox and stores each new message as an incoming message (linked
 * to the delivery it replies to, found in In-Reply-To or References — Herald's Message-ID carries the delivery id).
 * Over IMAP (settings {@code imap_*}) it reads the unseen messages of a folder and marks them seen; over POP3
 * ({@code pop3_*}), which has no flags, it reads every message, skips those already stored (by Message-ID) and
 * deletes each stored one from the server unless {@code pop3_keep} is true.
 */
public final class MailInbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailInbox.class);
    /** Herald's Message-ID: {@code <delivery-id@domain>}, the delivery id a UUID. */
    static final Pattern HERALD_ID = Pattern.compile("<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^>]+>");
    static final int MAX_BODY_CHARS = 64 * 1024;

    private final GatewayConfig gateway;
    private final IncomingStore incoming;
    private final Clock clock;
    private final Session session;
    /** {@code imap} or {@code pop3}: the settings' prefix and the protocol. */
    private final String kind;
    /** The Jakarta Mail protocol name: {@code imap}, {@code imaps}, {@code pop3} or {@code pop3s}. */
    private final String protocol;
    private final ScheduledExecutorService timer;

    public MailInbox(GatewayConfig gateway, IncomingStore incoming, Clock clock) {
        this.gateway = gateway;
        this.incoming = incoming;
        this.clock = clock;
        Map<String, String> s = gateway.settings();
        this.kind = s.get("imap_host") != null ? "imap" : "pop3";
        String security = s.getOrDefault(kind + "_security", "tls");
        this.protocol = security.equals("tls") ? kind + "s" : kind;
        String defaultPort = switch (protocol) {
            case "imaps" -> "993";
            case "imap" -> "143";
            case "pop3s" -> "995";
            default -> "110";
        };
        Properties p = new Properties();
        long timeout = Durations.parse(s.getOrDefault("timeout", "30s")).toMillis();
        p.put("mail." + protocol + ".host", s.get(kind + "_host"));
        p.put("mail." + protocol + ".port", s.getOrDefault(kind + "_port", defaultPort));
        p.put("mail." + protocol + ".connectiontimeout", Long.toString(timeout));
        p.put("mail." + protocol + ".timeout", Long.toString(timeout));
        if (security.equals("starttls")) {
            p.put("mail." + kind + ".starttls.enable", "true");
            p.put("mail." + kind + ".starttls.required", "true");
        }
        this.session = Session.getInstance(p);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(kind + "-" + gateway.id()).factory());
    }

    /** Whether a gateway's settings ask for incoming mail (an {@code imap_host} or a {@code pop3_host}). */
    public static boolean wanted(GatewayConfig g) {
        return g.settings().get("imap_host") != null || g.settings().get("pop3_host") != null;
    }

    public void start() {
        long every = Durations.parse(gateway.settings().getOrDefault("poll_interval", "60s")).toMillis();
        timer.scheduleWithFixedDelay(this::pollQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            int n = poll();
            if (n > 0) log.info("gateway {}: {} incoming messages", gateway.id(), n);
        } catch (MessagingException | IOException | RuntimeException e) {
            log.warn("gateway {}: reading the mailbox failed: {}", gateway.id(), e.getMessage());
        }
    }

    /** One pass over the new messages; returns how many were stored. */
    int poll() throws MessagingException, IOException {
        Map<String, String> s = gateway.settings();
        boolean pop3 = kind.equals("pop3");
        boolean delete = pop3 && !Boolean.parseBoolean(s.getOrDefault("pop3_keep", "false"));
        int stored = 0;
        try (Store store = session.getStore(protocol)) {
            store.connect(s.get(kind + "_username"), s.get(kind + "_password"));
            Folder folder = store.getFolder(pop3 ? "INBOX" : s.getOrDefault("imap_folder", "INBOX"));
            folder.open(Folder.READ_WRITE);
            try {
                Message[] news = pop3 ? folder.getMessages() : folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
                for (Message m : news) {
                    if (incoming.add(toIncoming(m))) stored++;
                    // stored now or before: either way it is safe in the database
                    m.setFlag(delete ? Flags.Flag.DELETED : Flags.Flag.SEEN, true);
                }
            } finally {
                folder.close(delete); // POP3 deletes the flagged messages only when the folder closes with expunge
            }
        }
        return stored;
    }

    private IncomingMessage toIncoming(Message m) throws MessagingException, IOException {
        String messageId = first(m.getHeader("Message-ID"));
        String replyTo = String.join(" ", nonNull(first(m.getHeader("In-Reply-To"))), nonNull(first(m.getHeader("References"))));
        Matcher herald = HERALD_ID.matcher(replyTo);
        String body = text(m.getContent());
        if (body.length() > MAX_BODY_CHARS) body = body.substring(0, MAX_BODY_CHARS);
        return new IncomingMessage(Ids.newId(clock), gateway.id(), gateway.channel(), address(m.getFrom()),
                address(m.getAllRecipients()), m.getSubject(), body, messageId, herald.find() ? herald.group(1) : null, clock.instant());
    }

    /** The plain text of a message: the text itself, or the first text/plain part of a multipart. */
    static String text(Object content) throws MessagingException, IOException {
        if (content instanceof String s) return s;
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart part = mp.getBodyPart(i);
                if (part.isMimeType("text/plain")) return text(part.getContent());
                if (part.isMimeType("multipart/*")) return text(part.getContent());
            }
        }
        return "";
    }

    private static String address(Address[] addresses) {
        return addresses == null || addresses.length == 0 ? "" : addresses[0].toString();
    }

    private static String first(String[] values) {
        return values == null || values.length == 0 ? null : values[0];
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package org.herald.gateway;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Open SMTP connections kept for the next message, so that a busy gateway pays the connect, EHLO, STARTTLS and
 * login once per connection instead of once per email. A connection idle for longer than {@link #IDLE_NANOS} is
 * closed rather than reused (servers drop idle clients), and one that fails a NOOP is replaced.
 */
final class SmtpConnections implements AutoCloseable {
    static final long IDLE_NANOS = java.time.Duration.ofSeconds(30).toNanos();

    private record Idle(Transport transport, long since) {}

    private final Session session;
    private final String username;
    private final String password;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SmtpConnections(Session session, String username, String password, int maxIdle) {
        this.session = session;
        this.username = username;
        this.password = password;
        this.maxIdle = maxIdle;
    }

    /** A connected transport: the most recently used idle one that still answers, else a new connection. */
    Transport take() throws MessagingException {
        for (Idle i; (i = idle.pollFirst()) != null; ) {
            if (System.nanoTime() - i.since() < IDLE_NANOS && i.transport().isConnected()) return i.transport();
            discard(i.transport());
        }
        Transport t = session.getTransport();
        t.connect(username, password);
        return t;
    }

    void giveBack(Transport t) {
        if (closed || idle.size() >= maxIdle) {
            discard(t);
            return;
        }
        idle.addFirst(new Idle(t, System.nanoTime()));
        if (closed) close(); // closed meanwhile: do not leave this one open
    }

    void discard(Transport t) {
        try {
            t.close();
        } catch (MessagingException ignored) {
            // the connection is gone either way
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Idle i; (i = idle.pollFirst()) != null; ) discard(i.transport());
    }
}

package org.herald.config;

import java.util.Map;
import java.util.Objects;

public record GatewayConfig(
        @Doc("Name of the gateway (in the API, in the deliveries' `gateway` column, as another gateway's `fallback`).")
        String id,
        @Doc("The channel it serves: `email`, `sms`, or another contact channel served by an external module (e.g. `xmpp`: "
                + "it sends to the recipient's contact of that name).")
        String channel,
        @Doc("How it sends: `smtp` (email), `http` (sms through a provider's HTTP API), `smpp` (sms through an SMSC) or "
                + "`external` (a BILLmanager gateway module, any channel).")
        String module,
        @Doc("The provider (brand, project) whose recipients it serves; unset: any provider without a gateway of its own.")
        String provider,
        @Doc("Another gateway's id, tried when this one fails an attempt.")
        String fallback,
        @Doc("Failed attempts through this gateway before a delivery moves to the fallback: 0 tries the fallback in the "
                + "same attempt, N retries here N times (with the queue's back-off) and sends later attempts through the fallback.")
        Integer fallbackAfter,
        @Doc("Messages in flight through this gateway at once.")
        Integer maxConcurrency,
        @Doc("Messages per second at most, a whole number (sends are spaced evenly and wait for their turn); unset: no limit.")
        Integer rateLimit,
        @Doc(value = "The module's settings. smtp: host, port, security (none, starttls, tls), username, password, from, "
                + "timeout (e.g. 30s), tls_trust (hosts, space-separated, whose self-signed certificate is accepted without "
                + "a CA or a name check; unset: the JDK's CAs and the host name are checked); for replies also imap_host, imap_port, imap_security (tls, starttls, none), "
                + "imap_username, imap_password, imap_folder (INBOX), poll_interval (60s) — or the same over POP3: pop3_host, "
                + "pop3_port, pop3_security, pop3_username, pop3_password, pop3_keep (false: delete what was read). http: url, method (POST), "
                + "content_type, body, header.<Name>, success_status, timeout — url, body and headers are Mustache "
                + "templates over to, to_digits, text, subject, delivery_id and settings. smpp: host, port (2775), system_id, password, "
                + "system_type, source_addr (the sender: digits or letters), source_ton, source_npi, delivery_receipts (true), "
                + "enquire_link (30s), response_timeout (10s), bind_timeout (10s), rebind_delay (5s). external: program (the "
                + "module's absolute path), descriptor (its billmgr_mod_*.xml), timeout (30s), max_output (bytes, 1048576), "
                + "poll (ingoing, 60s; 0s: never), contact (the recipient's contact it sends to; default phone for sms, email "
                + "for email, else the channel); every other setting goes to the module as a column of its gateway.", secret = true)
        Map<String, String> settings) {

    public GatewayConfig {
        maxConcurrency = Objects.requireNonNullElse(maxConcurrency, 4);
        fallbackAfter = Objects.requireNonNullElse(fallbackAfter, 0);
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
}

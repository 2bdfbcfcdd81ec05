package org.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replies to Herald's emails come back over IMAP (GreenMail) as incoming messages linked to their delivery, posted
 * to the webhook and put in the operators' inbox.
 */
class EmailRepliesTest {
    static GreenMail mail;
    static TestHerald herald;
    static ApiClient api;
    static HttpServer webhookReceiver;
    static final List<JsonNode> webhookEvents = new CopyOnWriteArrayList<>();
    static List<Map<String, Object>> gateways;

    @BeforeAll
    static void start() throws Exception {
        webhookReceiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhookReceiver.createContext("/hook", exchange -> {
            webhookEvents.add(Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhookReceiver.start();
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP), new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3)});
        mail.start();
        mail.setUser("support@isp.example", "support", "imap-secret");
        mail.setUser("billing@isp.example", "billing", "pop3-secret");
        Map<String, String> pop3 = Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()),
                "security", "none", "from", "ISP billing <billing@isp.example>",
                "pop3_host", "127.0.0.1", "pop3_port", Integer.toString(mail.getPop3().getPort()), "pop3_security", "none",
                "pop3_username", "billing", "pop3_password", "pop3-secret", "poll_interval", "200ms");
        Map<String, String> settings = Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()),
                "security", "none", "from", "ISP support <support@isp.example>",
                "imap_host", "127.0.0.1", "imap_port", Integer.toString(mail.getImap().getPort()), "imap_security", "none",
                "imap_username", "support", "imap_password", "imap-secret", "poll_interval", "200ms");
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", Json.write(gateways = List.of(Map.of("id", "smtp-support", "channel", "email", "module", "smtp",
                        "settings", settings), Map.of("id", "smtp-billing", "channel", "email", "module", "smtp",
                        "provider", "billing", "settings", pop3))))
                .env("HERALD_WEBHOOKS", "[{\"url\":\"http://127.0.0.1:" + webhookReceiver.getAddress().getPort()
                        + "/hook\",\"secret\":\"webhook-secret-0123456789\",\"events\":[\"incoming.message\"]}]")
                .env("HERALD_INCOMING_NOTIFY_RECIPIENTS", "admin:1,admin:2")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
        mail.stop();
        webhookReceiver.stop(0);
    }

    @Test
    void aReplyBecomesAnIncomingMessageLinkedToItsDelivery() throws Exception {
        api.put("/api/v1/recipients/user:77", "{\"contacts\":{\"email\":\"ann@example.net\"}}");
        String id = api.post("/api/v1/notifications", "{\"to\":\"user:77\",\"channels\":[\"email\"],\"title\":\"Ticket #42\","
                + "\"text\":\"Your router is back online.\"}").json().get("id").asText();
        JsonNode delivery = await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/notifications/" + id).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals("sent"));
        MimeMessage original = await().atMost(Duration.ofSeconds(10)).until(() -> List.of(mail.getReceivedMessages()).stream()
                .filter(m -> subject(m).equals("Ticket #42")).findFirst().orElse(null), java.util.Objects::nonNull);

        // Ann answers from her mail client
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(mail.getSmtp().getPort()));
        MimeMessage reply = new MimeMessage(Session.getInstance(p));
        reply.setFrom(new InternetAddress("ann@example.net"));
        reply.setRecipient(Message.RecipientType.TO, new InternetAddress("support@isp.example"));
        reply.setSubject("Re: Ticket #42");
        reply.setHeader("In-Reply-To", original.getMessageID());
        reply.setText("Thanks, it works again.\n> Your router is back online.", "UTF-8");
        Transport.send(reply);

        JsonNode in = await().atMost(Duration.ofSeconds(15)).until(() -> incoming("", "smtp-support"), list -> list.size() == 1).get(0);
        assertThat(in.get("gateway").asText()).isEqualTo("smtp-support");
        assertThat(in.get("channel").asText()).isEqualTo("email");
        assertThat(in.get("from").asText()).isEqualTo("ann@example.net");
        assertThat(in.get("subject").asText()).isEqualTo("Re: Ticket #42");
        assertThat(in.get("text").asText()).startsWith("Thanks, it works again.");
        assertThat(in.get("delivery_id").asText()).isEqualTo(delivery.get("id").asText());

        // the billing system hears of it, and so do the operators, in their inbox
        JsonNode event = await().atMost(Duration.ofSeconds(15)).until(() -> webhookEvents.stream()
                .filter(e -> e.get("event").asText().equals("incoming.message"))
                .filter(e -> e.get("message").get("gateway").asText().equals("smtp-support")).findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(event.get("message").get("id").asText()).isEqualTo(in.get("id").asText());
        assertThat(event.get("message").get("delivery_id").asText()).isEqualTo(delivery.get("id").asText());
        for (String operator : List.of("admin:1", "admin:2")) {
            String token = api.clientToken(operator);
            JsonNode item = await().atMost(Duration.ofSeconds(15)).until(() -> toList(api.as(token).get("/api/v1/inbox").json()
                    .get("items")).stream().filter(i -> i.get("data").get("incoming_id").asText().equals(in.get("id").asText()))
                    .toList(), items -> items.size() == 1).get(0);
            assertThat(item.get("type").asText()).isEqualTo("incoming.message");
            assertThat(item.get("title").asText()).isEqualTo("EMAIL from ann@example.net: Re: Ticket #42");
            assertThat(item.get("text").asText()).startsWith("Thanks, it works again.");
            assertThat(item.get("data").get("incoming_id").asText()).isEqualTo(in.get("id").asText());
        }

        // marked seen on the server, so later polls pass it over; stored once; since= pages on
        await().atMost(Duration.ofSeconds(10)).until(() -> mail.getManagers().getImapHostManager()
                .getInbox(mail.getUserManager().getUser("support")).getMessages().stream()
                .allMatch(m -> m.getFlags().contains(jakarta.mail.Flags.Flag.SEEN)));
        assertThat(incoming("", "smtp-support")).hasSize(1);
        assertThat(incoming("?since=" + in.get("id").asText(), "smtp-support")).isEmpty();
    }

    @Test
    void overPop3AReplyIsStoredOnceAndDeletedFromTheServer() throws Exception {
        api.put("/api/v1/recipients/user:88", "{\"provider\":\"billing\",\"contacts\":{\"email\":\"bob@example.net\"}}");
        String id = api.post("/api/v1/notifications", "{\"to\":\"user:88\",\"channels\":[\"email\"],\"title\":\"Invoice 7\","
                + "\"text\":\"Invoice 7 is due.\"}").json().get("id").asText();
        JsonNode delivery = await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/notifications/" + id).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals("sent"));
        assertThat(delivery.get("gateway").asText()).isEqualTo("smtp-billing");
        MimeMessage original = await().atMost(Duration.ofSeconds(10)).until(() -> List.of(mail.getReceivedMessages()).stream()
                .filter(m -> subject(m).equals("Invoice 7")).findFirst().orElse(null), java.util.Objects::nonNull);

        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(mail.getSmtp().getPort()));
        MimeMessage reply = new MimeMessage(Session.getInstance(p));
        reply.setFrom(new InternetAddress("bob@example.net"));
        reply.setRecipient(Message.RecipientType.TO, new InternetAddress("billing@isp.example"));
        reply.setSubject("Re: Invoice 7");
        reply.setHeader("References", original.getMessageID());
        reply.setText("Paid yesterday.", "UTF-8");
        Transport.send(reply);

        JsonNode in = await().atMost(Duration.ofSeconds(15)).until(() -> incoming("", "smtp-billing"), list -> list.size() == 1).get(0);
        assertThat(in.get("from").asText()).isEqualTo("bob@example.net");
        assertThat(in.get("subject").asText()).isEqualTo("Re: Invoice 7");
        assertThat(in.get("text").asText()).startsWith("Paid yesterday.");
        assertThat(in.get("delivery_id").asText()).isEqualTo(delivery.get("id").asText());
        // read and deleted: the mailbox on the server is empty again, and the message was stored once
        await().atMost(Duration.ofSeconds(10)).until(() -> mail.getManagers().getImapHostManager()
                .getInbox(mail.getUserManager().getUser("billing")).getMessageCount() == 0);
        assertThat(incoming("", "smtp-billing")).hasSize(1);
    }

    @Test
    void aReloadThatAddsAGatewayWithAMailboxStartsReadingIt() throws Exception {
        mail.setUser("sales@isp.example", "sales", "sales-secret");
        List<Map<String, Object>> more = new java.util.ArrayList<>(gateways);
        more.add(Map.of("id", "smtp-sales", "channel", "email", "module", "smtp", "provider", "sales", "settings",
                Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()), "security", "none",
                        "from", "sales@isp.example", "imap_host", "127.0.0.1", "imap_port", Integer.toString(mail.getImap().getPort()),
                        "imap_security", "none", "imap_username", "sales", "imap_password", "sales-secret", "poll_interval", "200ms")));
        herald.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", Json.write(more))));
        try {
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", Integer.toString(mail.getSmtp().getPort()));
            MimeMessage m = new MimeMessage(Session.getInstance(p));
            m.setFrom(new InternetAddress("carl@example.net"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("sales@isp.example"));
            m.setSubject("Quote, please");
            m.setText("How much for 100 Mbit/s?", "UTF-8");
            Transport.send(m);
            JsonNode in = await().atMost(Duration.ofSeconds(15)).until(() -> incoming("", "smtp-sales"), list -> list.size() == 1).get(0);
            assertThat(in.get("from").asText()).isEqualTo("carl@example.net");
        } finally {
            herald.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", Json.write(gateways))));
        }
    }

    /** The incoming messages of one gateway, as GET /api/v1/incoming{query} lists them. */
    static List<JsonNode> incoming(String query, String gateway) {
        return toList(api.get("/api/v1/incoming" + query).json().get("messages")).stream()
                .filter(m -> m.get("gateway").asText().equals(gateway)).toList();
    }

    static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject() == null ? "" : m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}

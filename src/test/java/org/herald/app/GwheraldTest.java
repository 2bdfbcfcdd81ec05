package org.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.herald.xml.SafeXml;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code herald gwherald} driven as BILLmanager drives a gateway module: a separate process, the command in argv,
 * the document on stdin, the answer on stdout; a real Herald behind it sending SMS to a local HTTP provider.
 */
class GwheraldTest {
    static HttpServer provider;
    static final List<String> smsBodies = new CopyOnWriteArrayList<>();
    static TestHerald herald;
    static ApiClient api;

    record Run(int exit, String out, String err) {
        Document doc() throws Exception {
            return SafeXml.parse(out);
        }

        Element error() throws Exception {
            return SafeXml.child(doc().getDocumentElement(), "error");
        }
    }

    @BeforeAll
    static void start() throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/sms", exchange -> {
            smsBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] reply = "{\"message_id\":\"m1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        provider.start();
        Map<String, String> settings = Map.of("url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/sms",
                "content_type", "application/json", "body", "{\"to\":\"{{to}}\",\"text\":\"{{text}}\"}");
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", Json.write(List.of(Map.of("id", "sms-http", "channel", "sms", "module", "http", "settings", settings))))
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
        provider.stop(0);
    }

    static Run module(String stdin, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "org.herald.app.Main", "gwherald"));
        argv.addAll(List.of(args));
        return run(new ProcessBuilder(argv), stdin);
    }

    static Run run(ProcessBuilder pb, String stdin) throws Exception {
        Path err = Files.createTempFile("gwherald", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the module did not end within 60 s");
        }
        String errText = Files.readString(err);
        Files.delete(err);
        return new Run(p.exitValue(), out, errText);
    }

    /** An outgoing document as BILLmanager writes it: columns and the escaped xmlparams under gateway. */
    static String outgoing(String url, String key, String userXml, String message) {
        String params = "<doc><url>" + url + "</url><api_key>" + key + "</api_key><channel>sms</channel></doc>";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc>\n  <gateway><id>7</id><name>Herald</name><xmlparams>"
                + params.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</xmlparams></gateway>\n"
                + "  <message>" + message + "</message>\n  <subject>Billing</subject>\n  <user>" + userXml + "</user>\n</doc>\n";
    }

    static JsonNode deliveries(String to) {
        return api.get("/api/v1/deliveries?channel=sms&to=" + to).json().get("deliveries");
    }

    @Test
    void featuresNamesWhatTheModuleOffersAndItsNotifyModule() throws Exception {
        Run r = module(null, "--command", "features");
        assertThat(r.exit()).as(r.err()).isZero();
        Element root = r.doc().getDocumentElement();
        NodeList features = root.getElementsByTagName("feature");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < features.getLength(); i++) names.add(((Element) features.item(i)).getAttribute("name"));
        assertThat(names).containsExactly("outgoing", "check_connection", "formtune");
        assertThat(SafeXml.childText(root, "notify_module")).isEqualTo("ntsms");
    }

    @Test
    void formtuneEchoesTheFormBack() throws Exception {
        String form = "<doc><url>http://h.example</url><api_key>k</api_key><slist name=\"channel\"><val key=\"sms\">sms</val></slist></doc>";
        Run r = module(form, "--command", "formtune", "--gate", "7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(form.substring("<doc>".length()));
    }

    @Test
    void outgoingSendsTheSmsThroughHeraldAndAnswersOk() throws Exception {
        String text = "Invoice 501 paid: 12.50 USD & thanks";
        Run r = module(outgoing(herald.baseUrl(), TestHerald.API_KEY,
                "<id>501</id><phone>+38 (050) 111-05-01</phone><email>c501@example.net</email><lang>ru</lang>",
                "Invoice 501 paid: 12.50 USD &amp; thanks"), "--command", "outgoing", "--gate", "7");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(SafeXml.child(r.doc().getDocumentElement(), "ok")).as(r.out()).isNotNull();

        await().atMost(Duration.ofSeconds(15)).until(() -> smsBodies.stream().anyMatch(b -> b.contains("+380501110501")));
        JsonNode sms = Json.MAPPER.readTree(smsBodies.stream().filter(b -> b.contains("+380501110501")).findFirst().orElseThrow());
        assertThat(sms.get("text").asText()).isEqualTo(text);
        JsonNode d = await().atMost(Duration.ofSeconds(15)).until(() -> deliveries("user:501"),
                ds -> ds.size() == 1 && ds.get(0).get("status").asText().equals("sent")).get(0);
        assertThat(d.get("gateway").asText()).isEqualTo("sms-http");
        JsonNode recipient = api.get("/api/v1/recipients/user:501").json();
        assertThat(recipient.get("lang").asText()).isEqualTo("ru");
        assertThat(recipient.get("contacts").get("phone").asText()).isEqualTo("+380501110501");
        assertThat(recipient.get("contacts").get("email").asText()).isEqualTo("c501@example.net");
        JsonNode notification = api.get("/api/v1/notifications/" + d.get("notification_id").asText()).json();
        assertThat(notification.get("title").asText()).isEqualTo("Billing");
    }

    @Test
    void aUserWithoutAnIdBecomesARecipientNamedAfterTheirPhone() throws Exception {
        Run r = module(outgoing(herald.baseUrl(), TestHerald.API_KEY, "<phone>380501110599</phone>", "no id"), "--command", "outgoing");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(deliveries("billmgr:380501110599")).hasSize(1);
    }

    @Test
    void theSameDocumentSentTwiceIsOneNotification() throws Exception {
        String doc = outgoing(herald.baseUrl(), TestHerald.API_KEY, "<id>502</id><phone>+380501110502</phone>", "Your code is 502502");
        Run first = module(doc, "--command", "outgoing");
        Run again = module(doc.replace("\n  ", "\n\t"), "--command", "outgoing");
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("<ok/>");
        assertThat(deliveries("user:502")).hasSize(1);

        Run other = module(doc.replace("502502", "502503"), "--command", "outgoing");
        assertThat(other.exit()).as(other.out()).isZero();
        assertThat(deliveries("user:502")).as("a different message is a new notification").hasSize(2);
    }

    @Test
    void checkConnectionReturnsTheFormWhenHeraldAcceptsTheKey() throws Exception {
        String form = "<doc><url>" + herald.baseUrl() + "</url><api_key>" + TestHerald.API_KEY + "</api_key><channel>sms</channel></doc>";
        Run r = module(form, "--command", "check_connection");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(SafeXml.childText(r.doc().getDocumentElement(), "url")).isEqualTo(herald.baseUrl());
        assertThat(SafeXml.child(r.doc().getDocumentElement(), "error")).isNull();
    }

    @Test
    void checkConnectionWithAWrongKeyIsAnErrorNamingTheKey() throws Exception {
        String params = "&lt;doc&gt;&lt;url&gt;" + herald.baseUrl() + "&lt;/url&gt;&lt;api_key&gt;wrong-key&lt;/api_key&gt;&lt;/doc&gt;";
        Run r = module("<doc><xmlparams>" + params + "</xmlparams></doc>", "--command", "check_connection");
        assertThat(r.exit()).isEqualTo(1);
        Element error = r.error();
        assertThat(error).as(r.out()).isNotNull();
        assertThat(error.getAttribute("type")).isEqualTo("auth");
        assertThat(error.getAttribute("object")).isEqualTo("api_key");
        assertThat(param(error, "value")).contains("401").contains("API key");
    }

    @Test
    void checkConnectionForAChannelHeraldHasNoGatewayForNamesTheChannel() throws Exception {
        String form = "<doc><url>" + herald.baseUrl() + "</url><api_key>" + TestHerald.API_KEY + "</api_key><channel>email</channel></doc>";
        Element error = module(form, "--command", "check_connection").error();
        assertThat(error.getAttribute("object")).isEqualTo("channel");
        assertThat(param(error, "value")).contains("no gateway for the channel email");
    }

    @Test
    void anUnreachableHeraldIsAConnectionError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run r = module(outgoing("http://127.0.0.1:" + closed, TestHerald.API_KEY, "<id>504</id><phone>+380501110504</phone>", "x"),
                "--command", "outgoing");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.error().getAttribute("type")).isEqualTo("connection");
        assertThat(r.error().getAttribute("object")).isEqualTo("url");
        assertThat(param(r.error(), "value")).contains("unreachable").contains(String.valueOf(closed));
    }

    @Test
    void heraldRefusingTheRecipientIsAnErrorWithHeraldsReason() throws Exception {
        Run r = module(outgoing(herald.baseUrl(), TestHerald.API_KEY,
                "<id>505</id><phone>+380501110505</phone><lang>a-language-tag-far-too-long</lang>", "x"), "--command", "outgoing");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.error().getAttribute("object")).isEqualTo("lang");
        assertThat(param(r.error(), "value")).contains("400").contains("invalid_field");
        assertThat(deliveries("user:505")).isEmpty();
    }

    @Test
    void anEntityInTheInputIsRefusedAndNeverResolved() throws Exception {
        String xxe = outgoing(herald.baseUrl(), TestHerald.API_KEY, "<id>506</id><phone>+380501110506</phone>", "&x;")
                .replace("<doc>", "<!DOCTYPE doc [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<doc>");
        Run r = module(xxe, "--command", "outgoing");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.error().getAttribute("type")).isEqualTo("xml");
        assertThat(param(r.error(), "value")).contains("DOCTYPE");
        assertThat(r.out() + r.err()).doesNotContain("root:").doesNotContain("/bin/");
        assertThat(deliveries("user:506")).isEmpty();
        assertThat(smsBodies).noneMatch(b -> b.contains("root:"));
    }

    @Test
    void malformedInputIsAnErrorDocumentNotAStackTrace() throws Exception {
        Run r = module("<doc><message>unclosed</doc>", "--command", "outgoing");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.error().getAttribute("type")).isEqualTo("xml");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        Run empty = module("", "--command", "check_connection");
        assertThat(empty.error().getAttribute("type")).isEqualTo("xml");
    }

    @Test
    void theDescriptorParsesAndNamesTheSettings() throws Exception {
        Document d = SafeXml.parse(Files.readAllBytes(Path.of("dist/billmanager/billmgr_mod_gwherald.xml")));
        Element plugin = SafeXml.child(d.getDocumentElement(), "plugin");
        assertThat(plugin.getAttribute("name")).isEqualTo("gwherald");
        assertThat(SafeXml.childText(plugin, "group")).isEqualTo("gateway");
        Element metadata = SafeXml.child(d.getDocumentElement(), "metadata");
        assertThat(metadata.getAttribute("name")).isEqualTo("gateway.gwherald");
        List<String> fields = attributes(metadata.getElementsByTagName("field"), "name");
        assertThat(fields).containsExactly("url", "api_key", "channel", "provider");
        Element apiKey = (Element) metadata.getElementsByTagName("input").item(1);
        assertThat(apiKey.getAttribute("name")).isEqualTo("api_key");
        assertThat(apiKey.getAttribute("type")).isEqualTo("password");
        assertThat(attributes(metadata.getElementsByTagName("val"), "key")).containsExactly("sms", "email");
        NodeList langs = d.getElementsByTagName("lang");
        assertThat(attributes(langs, "name")).containsExactly("ru", "en");
        for (int i = 0; i < langs.getLength(); i++) {
            assertThat(attributes(((Element) langs.item(i)).getElementsByTagName("msg"), "name")).containsAll(fields);
        }
    }

    @Test
    void theDistScriptRunsHeraldsJarFromHeraldHome(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("target"));
        Files.createDirectories(home.resolve("scripts"));
        Files.copy(Path.of("scripts/java-home.sh"), home.resolve("scripts/java-home.sh"));
        launcherJar(home.resolve("target/herald.jar"));
        Path gate = home.resolve("gate");
        Files.createDirectories(gate);
        Files.copy(Path.of("dist/billmanager/gwherald"), gate.resolve("gwherald"));
        assertThat(gate.resolve("gwherald").toFile().setExecutable(true)).isTrue();
        assertThat(Path.of("dist/billmanager/gwherald")).isExecutable();

        ProcessBuilder pb = new ProcessBuilder(gate.resolve("gwherald").toString(), "--command", "features", "--gate", "all");
        pb.environment().put("HERALD_HOME", home.toString());
        Run r = run(pb, null);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("<feature name=\"outgoing\"/>").contains("<notify_module>ntsms</notify_module>");

        pb.environment().put("HERALD_HOME", home.resolve("nowhere").toString());
        Files.delete(home.resolve("target/herald.jar"));
        Run missing = run(pb, null);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.error().getAttribute("object")).isEqualTo("jar");
    }

    /** A jar whose manifest runs Herald's Main from this test's class path, standing in for the built herald.jar. */
    static void launcherJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.herald.app.Main");
        String classPath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" "));
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
    }

    static String param(Element error, String name) {
        NodeList params = error.getElementsByTagName("param");
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            if (p.getAttribute("name").equals(name)) return p.getTextContent();
        }
        return null;
    }

    static List<String> attributes(NodeList nodes, String attribute) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) out.add(((Element) nodes.item(i)).getAttribute(attribute));
        return out;
    }
}

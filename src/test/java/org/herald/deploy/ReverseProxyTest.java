package org.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.herald.core.Json;
import org.herald.testing.AbillsSessions;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald behind Debian's nginx and Apache (mod_proxy_wstunnel), configured as docs/deploy.md shows (without TLS): the HTTP API and
 * the WebSocket both work through each proxy, a notification reaches a browser connected through it, and so does an
 * ABillS admin page on {@code /admin/wss/} (its session in a real MariaDB) a message sent through ABillS's internal API.
 */
class ReverseProxyTest {
    static AbillsSessions abillsDb;
    static TestHerald herald;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        abillsDb = AbillsSessions.withAdmins(Map.of(31, "nginx0031sid", 32, "apache032sid"));
        herald = abillsDb.herald().start();
    }

    @AfterAll
    static void stop() {
        herald.close();
        abillsDb.close();
    }

    @Test
    void throughNginx() throws Exception {
        int port = freePort();
        Path conf = nginxConf(dir, """
                    server {
                        listen 127.0.0.1:%2$d;
                        client_max_body_size 1m;
                        proxy_http_version 1.1;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        location / {
                            proxy_pass http://127.0.0.1:%3$d;
                            proxy_set_header Connection "";
                        }
                        location = /ws {
                            proxy_pass http://127.0.0.1:%3$d;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_read_timeout 75s;
                        }
                        location /admin/wss/ {
                            proxy_pass http://127.0.0.1:%4$d/wss/admin/;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_read_timeout 75s;
                        }
                    }
                """.formatted(dir, port, herald.server().port(), herald.server().abills().adminPages().port()));
        try (Proxy nginx = Proxy.start(port, dir.resolve("nginx-error.log"), "/usr/sbin/nginx", "-p", dir.toString(), "-c", conf.toString(),
                "-g", "daemon off;")) {
            aNotificationReachesABrowserThrough(port, "admin:301");
            anAbillsAdminPageGetsItsMessageThrough(port, 31, "nginx0031sid");
        }
    }

    @Test
    void throughApache() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("apache.conf");
        String modules = "/usr/lib/apache2/modules/";
        Files.writeString(conf, """
                ServerRoot "%1$s"
                DefaultRuntimeDir "%1$s"
                PidFile "%1$s/apache.pid"
                ErrorLog "%1$s/apache-error.log"
                Mutex file:%1$s default
                Listen 127.0.0.1:%2$d
                ServerName localhost
                LoadModule mpm_event_module %4$smod_mpm_event.so
                LoadModule authz_core_module %4$smod_authz_core.so
                LoadModule headers_module %4$smod_headers.so
                LoadModule proxy_module %4$smod_proxy.so
                LoadModule proxy_http_module %4$smod_proxy_http.so
                LoadModule proxy_wstunnel_module %4$smod_proxy_wstunnel.so
                User www-data
                Group www-data
                ProxyPreserveHost On
                ProxyPass        /ws ws://127.0.0.1:%3$d/ws
                ProxyPassReverse /ws ws://127.0.0.1:%3$d/ws
                ProxyPass        /admin/wss/ ws://127.0.0.1:%5$d/wss/admin/
                ProxyPass        /   http://127.0.0.1:%3$d/
                ProxyPassReverse /   http://127.0.0.1:%3$d/
                RequestHeader set X-Forwarded-Proto "http"
                """.formatted(dir, port, herald.server().port(), modules, herald.server().abills().adminPages().port()));
        try (Proxy apache = Proxy.start(port, dir.resolve("apache-error.log"), "/usr/sbin/apache2", "-f", conf.toString(), "-DFOREGROUND")) {
            aNotificationReachesABrowserThrough(port, "admin:302");
            anAbillsAdminPageGetsItsMessageThrough(port, 32, "apache032sid");
        }
    }

    static void aNotificationReachesABrowserThrough(int proxyPort, String recipient) {
        ApiClient api = new ApiClient("http://127.0.0.1:" + proxyPort, TestHerald.API_KEY);
        assertThat(api.get("/health/ready").status()).isEqualTo(200);
        String token = api.clientToken(recipient);
        try (WsClient ws = WsClient.open("http://127.0.0.1:" + proxyPort, "token=" + token)) {
            ws.awaitConnected();
            var sent = api.post("/api/v1/notifications", "{\"to\":\"" + recipient + "\",\"channels\":[\"browser\"],\"text\":\"through the proxy\"}");
            assertThat(sent.status()).as(sent.text()).isEqualTo(202);
            JsonNode frame = ws.nextOfType("notification");
            assertThat(frame.get("notification").get("text").asText()).isEqualTo("through the proxy");
            ws.send("{\"type\":\"ping\"}");
            assertThat(ws.nextOfType("pong")).isNotNull();
        }
    }

    /** As ABillS's admin page does: the session cookie on the handshake, PING, then a message from the billing code. */
    static void anAbillsAdminPageGetsItsMessageThrough(int proxyPort, int aid, String sid) throws Exception {
        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", "sid=" + sid)
                .buildAsync(URI.create("ws://127.0.0.1:" + proxyPort + "/admin/wss/"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("{\"TYPE\":\"PING\"}", true).join();
            assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"DATA\":\"RESPONCE\",\"TYPE\":\"PONG\"}");
            String reply = internalApi("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":" + aid
                    + ",\"DATA\":{\"TITLE\":\"Proxied\",\"TEXT\":\"through the proxy to ABillS\"}}");
            assertThat(reply).contains("\"RESULT\":[1]");
            JsonNode m = Json.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
            assertThat(m.get("TYPE").asText()).isEqualTo("MESSAGE");
            assertThat(m.get("TEXT").asText()).isEqualTo("through the proxy to ABillS");
        } finally {
            ws.abort();
        }
    }

    /** One request to ABillS's internal API as its Perl code sends it: raw JSON over TCP, one reply object back. */
    static String internalApi(String json) throws Exception {
        try (Socket s = new Socket("127.0.0.1", herald.server().abills().internalApi().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return Json.MAPPER.readerFor(JsonNode.class).readValues(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8)).next().toString();
        }
    }

    /** An nginx.conf in {@code dir} that runs unprivileged there, with {@code http} (upstreams, servers) in its http block. */
    static Path nginxConf(Path dir, String http) throws IOException {
        for (String d : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) Files.createDirectories(dir.resolve(d));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                error_log %1$s/nginx-error.log;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                """.formatted(dir) + http + "}\n");
        return conf;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A proxy server process of Debian's, stopped when closed; its error log is printed when it does not come up. */
    record Proxy(Process process) implements AutoCloseable {
        static Proxy start(int port, Path errorLog, String... command) throws Exception {
            if (!Files.isExecutable(Path.of(command[0]))) {
                throw new AssertionError(command[0] + " is missing: apt-get install -y nginx apache2 (CI installs them)");
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return new Proxy(p);
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        String log = Files.exists(errorLog) ? Files.readString(errorLog) : "(no error log)";
                        throw new AssertionError(command[0] + " did not start (exit " + (p.isAlive() ? "-" : p.exitValue()) + "): " + log);
                    }
                    Thread.sleep(50);
                }
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}

package org.herald.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.app.HeraldServer;
import org.herald.config.ConfigLoader;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.Chromium;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page (web/demo/) and the JS client (web/herald.js) in a real Chromium, against a real Herald: toasts for
 * live notifications and the ack that marks them delivered, the inbox, a handler registered by a page script, and
 * resuming after a server restart. Needs Debian's {@code chromium} and {@code chromium-driver} packages.
 */
class DemoPageBrowserTest {
    static final String API_KEY = "browser-test-server-key-0123456789";
    static final String CLIENT_SECRET = "browser-test-client-secret-0123456789abcdef";
    static final Duration UI_WAIT = Duration.ofSeconds(15);

    static Path dir;
    static int port;
    static Node herald;
    static ApiClient api;
    static Chromium chromium;
    static WebDriver driver;

    @BeforeAll
    static void startServerAndBrowser() throws IOException {
        dir = Files.createTempDirectory("herald-browser-test");
        port = freePort();
        herald = Node.start(port, "node-a");
        api = herald.api();
        chromium = Chromium.start(dir);
        driver = chromium.driver();
    }

    @AfterAll
    static void stopAll() {
        if (chromium != null) chromium.close();
        if (herald != null) herald.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.out.println("could not remove " + dir + ": " + e);
            }
        }
    }

    @BeforeEach
    void freshPage() {
        driver.get(base() + "/demo/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.navigate().refresh();
        waitFor().until(d -> d.findElement(By.id("signin")).isDisplayed());
    }

    @AfterEach
    void printBrowserConsole(TestInfo test) {
        chromium.printConsole(test.getDisplayName());
    }

    /**
     * The toast of a delivery once it shows: a toast fades in from opacity 0, and Selenium reads no text from an element
     * it does not consider displayed.
     */
    WebElement visibleToast(String deliveryId, String message) {
        return waitFor().withMessage(message).until(d -> d.findElements(By.cssSelector(".herald-toast[data-delivery='" + deliveryId + "']"))
                .stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    @Test
    void aNotificationAppearsAsAToastIsAckedAndLandsInTheInbox() throws IOException {
        screenshot("demo-signin.png");
        signIn(token("admin:101"));

        // Markup in server data must show as text.
        JsonNode sent = send("admin:101", "ticket.new", "New ticket <b>#42</b>", "Router down at <img src=x onerror=alert(1)> Main St",
                Map.of("ticket", 42), "browser", "inbox");
        String browserDelivery = deliveryOf(sent, "browser");

        WebElement toast = visibleToast(browserDelivery, "a toast for delivery " + browserDelivery);
        assertThat(toast.findElement(By.className("herald-toast-title")).getText()).isEqualTo("New ticket <b>#42</b>");
        assertThat(toast.findElement(By.className("herald-toast-text")).getText()).isEqualTo("Router down at <img src=x onerror=alert(1)> Main St");
        assertThat(toast.findElements(By.tagName("img"))).as("server text is never parsed as HTML").isEmpty();

        // The client acked it: the browser delivery is delivered.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(browserDelivery)).isEqualTo("delivered"));

        // The inbox copy: the unread badge follows live, and "mark all read" clears it.
        waitFor().withMessage("unread badge 1").until(d -> d.findElement(By.id("unread-badge")).getText().equals("1"));
        WebElement item = waitFor().until(d -> d.findElement(By.cssSelector("#inbox-list li.unread")));
        assertThat(item.findElement(By.className("title")).getText()).isEqualTo("New ticket <b>#42</b>");
        driver.findElement(By.id("mark-all")).click();
        waitFor().withMessage("unread badge 0 after mark all read").until(d -> d.findElement(By.id("unread-badge")).getText().equals("0"));
        waitFor().until(d -> !d.findElements(By.cssSelector("#inbox-list li.read")).isEmpty());
        String inboxDelivery = deliveryOf(sent, "inbox");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(status(inboxDelivery)).isEqualTo("read"));

        // The toast closes itself.
        waitFor().withMessage("the toast closes itself").until(d -> d.findElements(By.cssSelector(".herald-toast[data-delivery='" + browserDelivery + "']")).isEmpty());
    }

    @Test
    void aHandlerRegisteredByAPageScriptHandlesItsType() throws IOException {
        signIn(token("admin:102"));

        JsonNode payment = send("admin:102", "payment.received", "Payment received", "Client 1001 paid 10.00 USD",
                Map.of("uid", 1001, "amount", "10.00", "currency", "USD"), "browser");
        String delivery = deliveryOf(payment, "browser");

        // payments.js (a classic script, registered through window.Herald before the module loaded) added a row.
        WebElement row = waitFor().withMessage("a payments row added by payments.js").until(d -> d.findElement(By.cssSelector("#payments tbody tr[data-delivery='" + delivery + "']")));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(cells).hasSize(3);
        assertThat(cells.get(1).getText()).isEqualTo("1001");
        assertThat(cells.get(2).getText()).isEqualTo("10.00 USD");
        assertThat(driver.findElement(By.id("payments-empty")).isDisplayed()).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(delivery)).isEqualTo("delivered"));

        // A handler added at run time by another script, for a type the page did not know.
        ((JavascriptExecutor) driver).executeScript(
                "window.Herald.extend({TYPE: 'crm.lead', CALLBACK: function (n) {"
                        + "  var p = document.createElement('p'); p.id = 'lead'; p.textContent = 'Lead: ' + n.data.name;"
                        + "  document.getElementById('log-card').appendChild(p); }});");
        send("admin:102", "crm.lead", "New lead", "Someone wants fibre", Map.of("name", "Alice <script>"), "browser");
        WebElement lead = waitFor().withMessage("the run-time crm.lead handler's paragraph").until(d -> d.findElement(By.id("lead")));
        assertThat(lead.getText()).isEqualTo("Lead: Alice <script>");
        assertThat(driver.findElements(By.cssSelector(".herald-toast[data-type='crm.lead']")))
                .as("a type with its own handler gets no default toast").isEmpty();

        // Something for the inbox too, then a screenshot of the page with content in every panel.
        send("admin:102", "message", "Maintenance tonight", "The billing will be read-only from 02:00 to 02:30.", Map.of(), "browser", "inbox");
        waitFor().until(d -> d.findElement(By.id("unread-badge")).getText().equals("1"));
        waitFor().until(d -> d.findElements(By.cssSelector(".herald-toast")).size() >= 2);
        screenshot("demo-page.png");
    }

    @Test
    void aRefusedTokenIsReportedOnTheSignInForm() {
        String real = token("admin:104");
        String forged = real.substring(0, real.lastIndexOf('.') + 1) + "c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ"; // wrong signature
        WebElement field = driver.findElement(By.id("token"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", field, forged);
        driver.findElement(By.id("connect")).click();
        waitFor().until(d -> "stopped".equals(d.findElement(By.id("status")).getAttribute("data-state")));
        assertThat(driver.findElement(By.id("signin-error")).getText()).startsWith("Herald refused the token");
        assertThat(driver.findElement(By.id("signin")).isDisplayed()).isTrue();
        assertThat((String) ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('herald-demo-token')")).isNull();
    }

    @Test
    void afterAServerRestartThePageReconnectsAndGetsWhatItMissed() throws Exception {
        String token = token("admin:103");
        signIn(token);
        JsonNode first = send("admin:103", "message", "Before the restart", "one", Map.of(), "browser");
        String firstDelivery = deliveryOf(first, "browser");
        waitFor().until(d -> d.findElement(By.cssSelector(".herald-toast[data-delivery='" + firstDelivery + "']")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(firstDelivery)).isEqualTo("delivered"));

        long t0 = System.nanoTime();
        herald.close();
        waitFor().withMessage("the page notices the server is gone").until(d -> List.of("reconnecting", "connecting").contains(d.findElement(By.id("status")).getAttribute("data-state")));

        // While this page's server is down, another node on the same database takes two notifications: one that
        // another tab of the same admin receives there (so it is `sent`, and only a resume with `since` brings it to
        // this page), and one while nobody is connected (it waits as `queued`).
        String missedSent;
        String missedQueued;
        try (Node other = Node.start(freePort(), "node-c")) {
            ApiClient otherApi = other.api();
            try (WsClient otherTab = WsClient.open(other.baseUrl(), "token=" + token)) {
                otherTab.nextOfType("connected");
                missedSent = deliveryOf(send(otherApi, "admin:103", "message", "Sent while down", "two", Map.of(), "browser"), "browser");
                assertThat(otherTab.nextOfType("notification").get("delivery").asText()).isEqualTo(missedSent);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !otherApi.get("/api/v1/presence/admin:103").json().get("online").asBoolean());
            missedQueued = deliveryOf(send(otherApi, "admin:103", "message", "Queued while down", "three", Map.of(), "browser"), "browser");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    otherApi.get("/api/v1/deliveries/" + missedQueued).json().path("last_error").asText("").contains("offline"));
            assertThat(otherApi.get("/api/v1/deliveries/" + missedSent).json().get("status").asText()).isEqualTo("sent");
        }

        herald = Node.start(port, "node-a");
        api = herald.api();
        long restarted = System.nanoTime();

        waitFor(Duration.ofSeconds(45)).withMessage("the page reconnects to the restarted server").until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
        long reconnected = System.nanoTime();
        WebElement sentToast = visibleToast(missedSent, "the notification another tab got while this page was away (resume with since)");
        WebElement queuedToast = visibleToast(missedQueued, "the notification queued while nobody was connected");
        assertThat(sentToast.findElement(By.className("herald-toast-text")).getText()).isEqualTo("two");
        assertThat(queuedToast.findElement(By.className("herald-toast-text")).getText()).isEqualTo("three");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status(missedSent)).isEqualTo("delivered");
            assertThat(status(missedQueued)).isEqualTo("delivered");
        });
        // The notification from before the restart was not shown twice.
        List<WebElement> logLines = driver.findElements(By.xpath("//ol[@id='log']/li[contains(., 'Before the restart')]"));
        assertThat(logLines).hasSize(1);
        System.out.printf("restart: down %d ms, page reconnected %d ms after the new server was up%n",
                (restarted - t0) / 1_000_000, (reconnected - restarted) / 1_000_000);
    }

    // ----------------------------------------------------------------------------------------------------------------

    static void screenshot(String name) throws IOException {
        Path shot = Paths.get("target", "browser", name);
        Files.createDirectories(shot.getParent());
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    }

    static WebDriverWait waitFor() {
        return waitFor(UI_WAIT);
    }

    static WebDriverWait waitFor(Duration d) {
        WebDriverWait w = new WebDriverWait(driver, d, Duration.ofMillis(50));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    static void signIn(String token) {
        WebElement field = driver.findElement(By.id("token"));
        field.clear();
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", field, token); // sendKeys of 200 chars is slow
        driver.findElement(By.id("connect")).click();
        waitFor().withMessage("the demo page connects").until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
        assertThat(driver.findElement(By.id("app")).isDisplayed()).isTrue();
    }

    static String base() {
        return herald.baseUrl();
    }

    static String token(String recipient) {
        var r = api.post("/api/v1/tokens", "{\"recipient\":\"" + recipient + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    static JsonNode send(String to, String type, String title, String text, Map<String, Object> data, String... channels) {
        return send(api, to, type, title, text, data, channels);
    }

    static JsonNode send(ApiClient client, String to, String type, String title, String text, Map<String, Object> data, String... channels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("type", type);
        body.put("title", title);
        body.put("text", text);
        body.put("data", data);
        body.put("channels", List.of(channels));
        var r = client.post("/api/v1/notifications", Json.write(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json();
    }

    static String deliveryOf(JsonNode accepted, String channel) {
        for (JsonNode d : accepted.get("deliveries")) if (channel.equals(d.get("channel").asText())) return d.get("id").asText();
        throw new AssertionError("no " + channel + " delivery in " + accepted);
    }

    static String status(String deliveryId) {
        return api.get("/api/v1/deliveries/" + deliveryId).json().get("status").asText();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A Herald on a fixed port over the test's H2 file database, so it can be stopped and started again. */
    static final class Node implements AutoCloseable {
        private final HeraldServer server;

        private Node(HeraldServer server) {
            this.server = server;
        }

        static Node start(int port, String nodeId) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HERALD_PORT", String.valueOf(port));
            env.put("HERALD_HTTP_HOST", "127.0.0.1");
            env.put("HERALD_API_KEY", API_KEY);
            env.put("HERALD_CLIENT_SECRET", CLIENT_SECRET);
            env.put("HERALD_QUEUE_POLL_INTERVAL", "50ms");
            env.put("HERALD_QUEUE_NODE_ID", nodeId);
            env.put("HERALD_DATA_DIR", dir.toString());
            env.put("HERALD_DB_URL", "jdbc:h2:file:" + dir.resolve("herald").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
            return new Node(new HeraldServer(ConfigLoader.load(null, env)).start());
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        ApiClient api() {
            return new ApiClient(baseUrl(), API_KEY);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}

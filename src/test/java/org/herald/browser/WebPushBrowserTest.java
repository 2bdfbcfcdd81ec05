package org.herald.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.Cdp;
import org.herald.testing.Chromium;
import org.herald.testing.MockPushService;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Web Push in a real Chromium: the demo page's "Enable notifications" button subscribes through herald.js and the
 * service worker; Herald pushes to a local push service, and what that service decrypted is delivered to the real
 * service worker over DevTools (a trusted push event), which shows the notification; a click opens its URL.
 *
 * <p>Headless Chromium cannot subscribe at its real push service offline (Google's FCM), so the page's
 * {@code PushManager.subscribe} is replaced by one that returns a subscription on the local push service, with keys
 * the test holds; everything else — permission, service worker, IndexedDB, Herald's API, encryption, VAPID — is real.
 */
class WebPushBrowserTest {
    static Path dir;
    static MockPushService push;
    static TestHerald herald;
    static ApiClient api;
    static Chromium chromium;
    static ChromeDriver driver;
    static Cdp cdp;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-webpush-browser");
        push = MockPushService.start();
        herald = TestHerald.builder().env("HERALD_WEBPUSH_ALLOWED_ENDPOINTS", push.origin()).start();
        api = herald.api();
        chromium = Chromium.start(dir);
        driver = chromium.driver();
        cdp = Cdp.connect(chromium.debuggerAddress());
        cdp.send(null, "Browser.grantPermissions", Map.of("origin", herald.baseUrl(), "permissions", List.of("notifications")));
    }

    @AfterAll
    static void stop() {
        if (cdp != null) cdp.close();
        if (chromium != null) chromium.close();
        if (herald != null) herald.close();
        if (push != null) push.close();
    }

    @AfterEach
    void printBrowserConsole(TestInfo test) {
        chromium.printConsole(test.getDisplayName());
    }

    @Test
    void theDemoButtonSubscribesAndTheServiceWorkerShowsPushesAndOpensTheirUrl() throws Exception {
        String me = "admin:push1";
        MockPushService.Subscription browser = push.newSubscription();
        openDemoSignedIn(me);
        stubPushService(browser);

        // the user clicks "Enable notifications"
        waitFor().until(d -> d.findElement(By.id("push")).isDisplayed() && d.findElement(By.id("push")).isEnabled());
        assertThat(driver.findElement(By.id("push")).getText()).isEqualTo("Enable notifications");
        driver.findElement(By.id("push")).click();
        waitFor().withMessage("the button turns into 'Disable notifications'")
                .until(d -> d.findElement(By.id("push")).getText().equals("Disable notifications"));
        @SuppressWarnings("unchecked")
        Map<String, Object> asked = (Map<String, Object>) js("return window.__subscribeOptions;");
        String vapidKey = herald.anonymous().get("/api/v1/push/vapid-public-key").json().get("key").asText();
        assertThat(asked).containsEntry("userVisibleOnly", true).containsEntry("key", vapidKey);
        JsonNode subs = api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions");
        assertThat(subs).hasSize(1);
        String contact = subs.get(0).get("contact_id").asText();

        // a notification: Herald encrypts it for the browser's keys and pushes it to the push service
        String id = send(me, "Payment received", "Client 1001 paid 10.00", "/demo/?payment=1001");
        MockPushService.Received got = await().atMost(Duration.ofSeconds(15)).until(() -> push.receivedBy(browser.id()), l -> !l.isEmpty()).get(0);

        // the push service hands the message to the browser: a trusted push event in the real service worker
        deliverToServiceWorker(Json.write(got.message()));
        JsonNode shown = awaitNotification("Payment received");
        assertThat(shown.get("body").asText()).isEqualTo("Client 1001 paid 10.00");
        assertThat(shown.get("url").asText()).isEqualTo("/demo/?payment=1001");
        assertThat(shown.get("tag").asText()).isEqualTo(id);

        // the user clicks it: the service worker closes it and opens the URL
        String sw = cdp.attach("service_worker", "/herald-sw.js");
        JsonNode click = cdp.evaluate(sw, """
                (async () => {
                  const opened = [];
                  Object.defineProperty(self.clients, 'openWindow', { configurable: true, value: async (u) => { opened.push(u); return null; } });
                  const [n] = await self.registration.getNotifications({ tag: '%s' });
                  self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
                  for (let i = 0; i < 50 && opened.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
                  const left = await self.registration.getNotifications({ tag: '%s' });
                  return { opened, left: left.length };
                })()""".formatted(id, id));
        assertThat(click.get("opened").get(0).asText()).isEqualTo(herald.baseUrl() + "/demo/?payment=1001");
        assertThat(click.get("left").asInt()).isZero();

        // fetch mode: a notification too large for one push arrives as a pointer; the worker fetches it from Herald
        String big = "Monthly report. " + "All lines are up. ".repeat(300);
        String bigId = send(me, "Monthly report", big, null);
        MockPushService.Received pointer = await().atMost(Duration.ofSeconds(15))
                .until(() -> push.receivedBy(browser.id()), l -> l.size() == 2).get(1);
        assertThat(pointer.message()).containsEntry("fetch", true).containsEntry("contact_id", contact);
        deliverToServiceWorker(Json.write(pointer.message()));
        JsonNode report = awaitNotification("Monthly report");
        assertThat(report.get("body").asText()).isEqualTo(big);
        assertThat(report.get("tag").asText()).isEqualTo(bigId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(api.get("/api/v1/notifications/" + bigId).json().get("deliveries").get(0).get("status").asText()).isEqualTo("delivered"));

        // "Disable notifications" unsubscribes at Herald too
        driver.findElement(By.id("push")).click();
        waitFor().until(d -> d.findElement(By.id("push")).getText().equals("Enable notifications"));
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).isEmpty();
    }

    void openDemoSignedIn(String recipient) {
        String token = api.clientToken(recipient);
        driver.get(herald.baseUrl() + "/demo/");
        js("sessionStorage.setItem('herald-demo-token', arguments[0]);", token);
        driver.navigate().refresh();
        waitFor().withMessage("the demo page connects")
                .until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    }

    /** The browser's push service, as far as the page sees it: a subscription on the local push service. */
    void stubPushService(MockPushService.Subscription s) {
        js("""
                const sub = { endpoint: arguments[0], expirationTime: null, options: { applicationServerKey: null },
                  toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: arguments[1], auth: arguments[2] } }; },
                  async unsubscribe() { window.__fakeSub = null; return true; } };
                const keys = [arguments[1], arguments[2]];
                sub.toJSON = function () { return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: keys[0], auth: keys[1] } }; };
                PushManager.prototype.subscribe = async function (opts) {
                  const k = new Uint8Array(opts.applicationServerKey);
                  window.__subscribeOptions = { userVisibleOnly: opts.userVisibleOnly,
                    key: btoa(String.fromCharCode(...k)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '') };
                  sub.options.applicationServerKey = k.buffer;
                  window.__fakeSub = sub;
                  return sub;
                };
                PushManager.prototype.getSubscription = async function () { return window.__fakeSub || null; };
                """, s.endpoint(), s.keys().p256dh(), s.keys().authB64());
    }

    void deliverToServiceWorker(String data) throws Exception {
        String page = cdp.attach("page", "/demo/");
        cdp.send(page, "ServiceWorker.enable", Map.of());
        JsonNode registration = await().atMost(Duration.ofSeconds(10)).until(() -> cdp.events("ServiceWorker.workerRegistrationUpdated").stream()
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.get("params").get("registrations").spliterator(), false))
                .filter(r -> !r.get("isDeleted").asBoolean()).findFirst().orElse(null), java.util.Objects::nonNull);
        cdp.send(page, "ServiceWorker.deliverPushMessage", Map.of("origin", herald.baseUrl() + "/",
                "registrationId", registration.get("registrationId").asText(), "data", data));
    }

    JsonNode awaitNotification(String title) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            Object r = ((JavascriptExecutor) driver).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    navigator.serviceWorker.ready.then((reg) => reg.getNotifications()).then((ns) => done(JSON.stringify(ns.map((n) =>
                      ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url })))), (e) => done('[]'));
                    """);
            for (JsonNode n : Json.MAPPER.readTree((String) r)) if (n.get("title").asText().equals(title)) return n;
            return null;
        }, java.util.Objects::nonNull);
    }

    String send(String to, String title, String text, String url) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("to", to);
        body.put("channels", List.of("webpush"));
        body.put("title", title);
        body.put("text", text);
        if (url != null) body.put("data", Map.of("url", url));
        var r = api.post("/api/v1/notifications", Json.write(body));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebDriverWait waitFor() {
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        return w;
    }
}

package org.herald.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import org.herald.core.Outcome;
import org.herald.testing.Chromium;
import org.herald.testing.ScriptedChannel;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The operator console /console/ in Chromium: log in with a server key, see a failed delivery, retry it, see it sent. */
class ConsoleBrowserTest {
    static final ScriptedChannel sms = new ScriptedChannel("sms");
    static TestHerald herald;
    static Chromium chromium;
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        herald = TestHerald.builder().channel(sms)
                .env("HERALD_GATEWAYS", "[{\"id\":\"smtp-office\",\"channel\":\"email\",\"module\":\"smtp\",\"settings\":"
                        + "{\"host\":\"127.0.0.1\",\"port\":\"1\",\"security\":\"none\",\"from\":\"noreply@isp.example\",\"timeout\":\"2s\"}}]")
                .start();
        chromium = Chromium.start(Files.createTempDirectory("herald-console-browser"));
        driver = chromium.driver();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (herald != null) herald.close();
    }

    @AfterEach
    void printBrowserConsole(TestInfo test) {
        chromium.printConsole(test.getDisplayName());
    }

    @Test
    void logInSeeAFailedDeliveryRetryItAndSeeItSent() {
        sms.then(Outcome.permanent("gateway refused the number"), Outcome.sent("test-gateway"));
        var sent = herald.api().post("/api/v1/notifications", "{\"to\":\"user:1001\",\"channels\":[\"sms\"],\"text\":\"Low balance\"}");
        String delivery = sent.json().get("deliveries").get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> herald.api().get("/api/v1/deliveries/" + delivery).json()
                .get("status").asText().equals("failed"));

        driver.get(herald.baseUrl() + "/console/");
        driver.findElement(By.id("key")).sendKeys("not-a-real-key-0123456789");
        driver.findElement(By.id("login-button")).click();
        waitFor().until(d -> d.findElement(By.id("login-error")).getText().contains("not valid"));

        driver.findElement(By.id("key")).clear();
        driver.findElement(By.id("key")).sendKeys(TestHerald.API_KEY);
        driver.findElement(By.id("login-button")).click();
        WebElement row = waitFor().withMessage("the failed delivery is listed")
                .until(d -> d.findElement(By.cssSelector("#failed-table tr[data-delivery='" + delivery + "']")));
        assertThat(row.getText()).contains("user:1001").contains("sms").contains("gateway refused the number");
        assertThat(driver.findElement(By.cssSelector("#queue-table tr[data-status='failed']")).getText()).contains("1");

        row.findElement(By.className("retry")).click();
        waitFor().withMessage("the row goes once the retry is queued")
                .until(d -> d.findElements(By.cssSelector("#failed-table tr[data-delivery='" + delivery + "']")).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> herald.api().get("/api/v1/deliveries/" + delivery).json()
                .get("status").asText().equals("sent"));
        driver.findElement(By.id("refresh")).click();
        waitFor().withMessage("the queue table shows it sent")
                .until(d -> !d.findElements(By.cssSelector("#queue-table tr[data-status='sent']")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("#queue-table tr[data-status='failed']"))).isEmpty();
        assertThat(driver.findElement(By.id("failed-empty")).isDisplayed()).isTrue();

        // gateways: never checked, then "Check now" shows the failure (nothing listens on port 1)
        WebElement gateway = driver.findElement(By.cssSelector("#gateways-table tr[data-gateway='smtp-office']"));
        assertThat(gateway.getText()).contains("smtp-office (smtp)").contains("email").contains("never");
        assertThat(driver.findElement(By.id("incoming-empty")).getText()).contains("Nothing received yet");
        gateway.findElement(By.className("check")).click();
        waitFor().withMessage("the check result shows").until(d ->
                d.findElement(By.cssSelector("#gateways-table tr[data-gateway='smtp-office']")).getText().contains("Failed:"));
    }

    static WebDriverWait waitFor() {
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }
}

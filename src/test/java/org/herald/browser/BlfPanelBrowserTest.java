package org.herald.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.AmiTestServer;
import org.herald.testing.Chromium;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The BLF page /blf/ in Chromium against Herald and an AMI test server. */
class BlfPanelBrowserTest {
    static AmiTestServer pbx;
    static TestHerald herald;
    static Chromium chromium;
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        pbx = AmiTestServer.start("blfpanel", "s3cret");
        pbx.addHint("internal", "101", "Custom:101", AmiTestServer.IDLE);
        pbx.addHint("internal", "102", "Custom:102", AmiTestServer.IDLE);
        pbx.addHint("internal", "103", "Custom:103", AmiTestServer.IDLE);
        pbx.addHint("internal", "201", "Local/201@phones", AmiTestServer.UNAVAILABLE);
        pbx.addQueueMember("support", "Operator 103", "Local/103@phones", "Custom:103", true);
        herald = TestHerald.builder()
                .env("HERALD_BLF_PBXS", Json.write(List.of(Map.of("id", "main", "port", pbx.port(), "username", "blfpanel",
                        "secret", "s3cret", "queues", List.of("support")))))
                .env("HERALD_BLF_OPERATORS", "[{\"exten\":\"101\",\"name\":\"Alice\",\"group\":\"Sales\"},"
                        + "{\"exten\":\"102\",\"name\":\"Bob\",\"group\":\"Sales\"},{\"exten\":\"103\",\"name\":\"Carol\",\"group\":\"Support\"}]")
                .start();
        Path dir = Files.createTempDirectory("herald-blf-browser");
        chromium = Chromium.start(dir);
        driver = chromium.driver();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (herald != null) herald.close();
        if (pbx != null) pbx.close();
    }

    @AfterEach
    void printBrowserConsole(TestInfo test) {
        chromium.printConsole(test.getDisplayName());
    }

    @Test
    void thePanelShowsTheSnapshotFollowsChangesFiltersAndShowsTheDisconnectBanner() {
        String token = herald.api().clientToken("admin:1", "blf");
        driver.get(herald.baseUrl() + "/blf/#token=" + token);
        waitFor(Duration.ofSeconds(15)).withMessage("four tiles").until(d -> d.findElements(By.cssSelector(".tile")).size() == 4);
        assertThat(driver.getCurrentUrl()).doesNotContain(token);

        WebElement alice = tile("101");
        assertThat(alice.getAttribute("data-state")).isEqualTo("idle");
        assertThat(alice.findElement(By.className("name")).getText()).isEqualTo("Alice");
        assertThat(alice.findElement(By.className("label")).getText()).isEqualTo("Free");
        assertThat(alice.getCssValue("background-color")).isEqualTo("rgba(22, 163, 74, 1)");
        assertThat(tile("201").getAttribute("data-state")).isEqualTo("unavailable");
        waitFor(Duration.ofSeconds(5)).until(d -> "true".equals(tile("103").getAttribute("data-paused")));
        assertThat(tile("103").findElement(By.cssSelector(".queue.paused")).getText()).isEqualTo("Paused · support");
        assertThat(driver.findElements(By.cssSelector("section.group"))).extracting(e -> e.getAttribute("data-group"))
                .containsExactly("Other", "Sales", "Support");
        waitFor(Duration.ofSeconds(3)).until(d -> tile("101").findElement(By.className("timer")).getText().matches("\\d+:\\d\\d"));

        // a call on the PBX: the right tile turns red within a second
        pbx.setState("internal", "101", AmiTestServer.INUSE);
        waitFor(Duration.ofSeconds(1)).withMessage("tile 101 in use within a second")
                .until(d -> "inuse".equals(tile("101").getAttribute("data-state")));
        assertThat(tile("101").getCssValue("background-color")).isEqualTo("rgba(220, 38, 38, 1)");
        assertThat(tile("101").findElement(By.className("label")).getText()).isEqualTo("On a call");
        assertThat(tile("102").getAttribute("data-state")).isEqualTo("idle");

        pbx.setState("internal", "103", AmiTestServer.RINGING);
        waitFor(Duration.ofSeconds(1)).until(d -> "ringing".equals(tile("103").getAttribute("data-state")));

        // filters: one group, then one state
        new Select(driver.findElement(By.id("filter-group"))).selectByValue("Sales");
        assertThat(driver.findElements(By.cssSelector(".tile"))).extracting(e -> e.getAttribute("data-exten")).containsExactly("101", "102");
        new Select(driver.findElement(By.id("filter-group"))).selectByValue("");
        new Select(driver.findElement(By.id("filter-state"))).selectByValue("ringing");
        assertThat(driver.findElements(By.cssSelector(".tile"))).extracting(e -> e.getAttribute("data-exten")).containsExactly("103");
        new Select(driver.findElement(By.id("filter-state"))).selectByValue("");

        // the PBX goes away: banner, greyed tiles with their last known states
        assertThat(driver.findElement(By.id("banner")).isDisplayed()).isFalse();
        pbx.stop();
        waitFor(Duration.ofSeconds(10)).withMessage("the disconnect banner")
                .until(d -> d.findElement(By.id("banner")).isDisplayed());
        assertThat(driver.findElement(By.id("banner")).getText()).contains("PBX disconnected: main");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("class")).contains("stale");
        assertThat(tile("101").getAttribute("data-state")).isEqualTo("inuse");
        assertThat(((Number) ((JavascriptExecutor) driver).executeScript(
                "return Number(getComputedStyle(arguments[0]).opacity)", tile("101"))).doubleValue()).isLessThan(1.0);

        // back: the banner goes, the fresh snapshot shows a change made while it was down
        pbx.setState("internal", "102", AmiTestServer.BUSY);
        pbx.restart();
        waitFor(Duration.ofSeconds(15)).withMessage("the banner disappears after the reconnect")
                .until(d -> !d.findElement(By.id("banner")).isDisplayed());
        waitFor(Duration.ofSeconds(5)).until(d -> "busy".equals(tile("102").getAttribute("data-state")));
        assertThat(driver.findElement(By.tagName("body")).getAttribute("class")).doesNotContain("stale");
    }

    @Test
    void aTokenWithoutTheTopicIsToldWhatIsMissing() {
        String token = herald.api().clientToken("admin:2");
        driver.get(herald.baseUrl() + "/blf/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.get(herald.baseUrl() + "/blf/#token=" + token);
        waitFor(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("signin-error")).getText().contains("blf"));
        assertThat(driver.findElements(By.cssSelector(".tile"))).isEmpty();
    }

    @Test
    void thePanelFitsAWallScreenAndALaptopAndItsTimersTick() {
        String token = herald.api().clientToken("admin:3", "blf");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        Map<String, Double> tileWidth = new java.util.HashMap<>();
        Map<String, Double> nameFont = new java.util.HashMap<>();
        for (var screen : Map.of("wall", new org.openqa.selenium.Dimension(1920, 1080),
                "laptop", new org.openqa.selenium.Dimension(1366, 768), "phone", new org.openqa.selenium.Dimension(400, 800)).entrySet()) {
            driver.manage().window().setSize(screen.getValue());
            driver.get(herald.baseUrl() + "/blf/#token=" + token);
            waitFor(Duration.ofSeconds(15)).until(d -> d.findElements(By.cssSelector(".tile")).size() == 4);
            // nothing runs off the side: no horizontal scrolling, every tile inside the viewport
            assertThat((Boolean) js.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("no horizontal scroll on the " + screen.getKey()).isTrue();
            assertThat((Boolean) js.executeScript("return [...document.querySelectorAll('.tile')].every(t => {"
                    + " const r = t.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; })"))
                    .as("every tile inside the " + screen.getKey()).isTrue();
            tileWidth.put(screen.getKey(), ((Number) js.executeScript("return document.querySelector('.tile').getBoundingClientRect().width")).doubleValue());
            nameFont.put(screen.getKey(), ((Number) js.executeScript(
                    "return parseFloat(getComputedStyle(document.querySelector('.tile .name')).fontSize)")).doubleValue());
        }
        // tiles and their text grow with the screen, so a wall screen is readable from across the room
        assertThat(tileWidth.get("wall")).isGreaterThan(tileWidth.get("laptop"));
        assertThat(nameFont.get("wall")).isGreaterThan(nameFont.get("laptop"));
        assertThat(tileWidth.get("phone")).isGreaterThanOrEqualTo(120);

        // the timer since the last change counts up by itself
        String before = tile("101").findElement(By.className("timer")).getText();
        assertThat(before).matches("\\d+:\\d\\d");
        waitFor(Duration.ofSeconds(5)).withMessage("the timer ticks").until(d -> !tile("101").findElement(By.className("timer")).getText().equals(before));
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 768));
    }

    static WebElement tile(String exten) {
        return driver.findElement(By.cssSelector(".tile[data-exten='" + exten + "']"));
    }

    static WebDriverWait waitFor(Duration d) {
        WebDriverWait w = new WebDriverWait(driver, d, Duration.ofMillis(20));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }
}

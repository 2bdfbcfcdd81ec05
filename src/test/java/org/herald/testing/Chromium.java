package org.herald.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's headless Chromium under ChromeDriver, offline, with a fresh profile; also reachable over CDP. */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Paths.get("/usr/bin/chromium");
    public static final Path DRIVER = Paths.get("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Chromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts a browser whose profile lives under {@code dir}. */
    public static Chromium start(Path dir) throws java.io.IOException {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("The browser tests need Chromium and its driver at " + BINARY + " and " + DRIVER
                    + ". Install them with: apt-get install -y chromium chromium-driver (CI installs them).");
        }
        System.setProperty("SE_OFFLINE", "true"); // Selenium Manager (not needed with the paths below) never goes online
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,860", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new Chromium(service, new ChromeDriver(service, options));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** host:port of the browser's DevTools endpoint (ChromeDriver starts Chromium with remote debugging on). */
    @SuppressWarnings("unchecked")
    public String debuggerAddress() {
        return (String) ((Map<String, Object>) driver.getCapabilities().getCapability("goog:chromeOptions")).get("debuggerAddress");
    }

    /** Prints what the page logged to its console (tests call it after each test, to explain a failure). */
    public void printConsole(String during) {
        var entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        if (entries.isEmpty()) return;
        System.out.println("--- browser console during " + during);
        for (var e : entries) System.out.println(e.getLevel() + " " + e.getMessage());
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}

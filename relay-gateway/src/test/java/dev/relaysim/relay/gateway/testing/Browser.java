package dev.relaysim.relay.gateway.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (Selenium), with a fresh profile that is deleted
 * on {@link #close()}. Where either binary is missing the calling test is skipped, saying why; under CI
 * ({@code CI=true}) that fails instead, since {@code .ci/run} installs {@code chromium chromium-driver}. The paths
 * can be changed with {@code -Drelaysim.chromium=...} and {@code -Drelaysim.chromedriver=...}; giving both keeps
 * Selenium Manager from looking for (and downloading) a driver.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getProperty("relaysim.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("relaysim.chromedriver",
            "/usr/bin/chromedriver"));
    /** Flags that keep Chromium off the network and working as root in a container. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final Path profile;
    private final WebDriverWait wait;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
        wait = new WebDriverWait(driver, WAIT);
    }

    /** Starts Chromium, or skips (fails under CI) when it or chromedriver is not installed. */
    public static Browser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String reason = "the console's browser tests need Chromium and chromedriver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "; Debian packages chromium, chromium-driver), which are not installed";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI must run them: .ci/run installs them)");
            }
            Assumptions.abort(reason);
        }
        try {
            Path profile = Files.createTempDirectory("relaysim-chromium");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
            options.addArguments(FLAGS);
            options.addArguments("--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Waits until the element is visible, then returns it. */
    public WebElement visible(By locator) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the element can be clicked, then clicks it. */
    public void click(By locator) {
        wait.until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    /** Waits until the element's text contains {@code text}. */
    public void awaitText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** Waits until the page the router shows is {@code page} and rendered. */
    public void awaitPage(String page) {
        wait.until(ExpectedConditions.and(
                ExpectedConditions.attributeToBe(By.id("main"), "data-page", page),
                ExpectedConditions.attributeToBe(By.id("main"), "data-ready", "true")));
    }

    /** Writes a PNG of the window to {@code file} (its directory is created). */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quits Chromium and deletes its profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // Chromium may still be removing its own files; the temporary directory is cleaned eventually.
            }
        }
    }
}

package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.By;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A headless Chromium ({@link Browser}) around each test of the console's browser tests, on the console of the
 * gateway a {@link GatewayExtension} runs (a test method takes it as a {@link Browser} parameter), and what those
 * tests do in it: sign in, open a page, take a screenshot. Where Chromium or its driver is missing, the test is
 * skipped saying why.
 * <pre>{@code
 * @RegisterExtension
 * final GatewayExtension gateway = new GatewayExtension();
 * @RegisterExtension
 * final ConsoleExtension console = new ConsoleExtension(gateway);
 *
 * @Test
 * void aPage(Browser browser) { console.signIn(); ... browser.click(...); }
 * }</pre>
 */
final class ConsoleExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final GatewayExtension gateway;
    private Browser browser;

    ConsoleExtension(GatewayExtension gateway) {
        this.gateway = requireNonNull(gateway, "gateway");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        browser = Browser.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Browser.class;
    }

    @Override
    public Browser resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return browser();
    }

    /** The browser of the running test. */
    Browser browser() {
        if (browser == null) {
            throw new IllegalStateException("the browser runs only while a test runs");
        }
        return browser;
    }

    /** Opens the console and gives it the admin key, as a user does once per browser tab. */
    void signIn() {
        browser().open(url(""));
        browser().visible(By.id("login-key")).sendKeys(ListenSettings.DEFAULT_ADMIN_KEY);
        browser().click(By.id("login-submit"));
        browser().awaitPage("overview");
    }

    /** Opens {@code #/<hash>} (reloading it when it is open already) and waits until {@code page} is rendered. */
    void open(String hash, String page) {
        String target = url("#/" + hash);
        boolean reload = target.equals(browser().driver().getCurrentUrl());
        browser().open(target);
        if (reload) {
            browser().driver().navigate().refresh();
        }
        browser().awaitPage(page);
    }

    /** Writes {@code target/console-screenshots/<name>.png}. */
    void screenshot(String name) {
        browser().screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    private String url(String fragment) {
        TestGateway running = gateway.get();
        return "http://127.0.0.1:" + running.addresses().managementPort() + "/" + fragment;
    }
}

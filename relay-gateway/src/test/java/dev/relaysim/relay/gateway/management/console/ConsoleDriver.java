package dev.relaysim.relay.gateway.management.console;

import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.openqa.selenium.By;

import java.nio.file.Path;

/** What the console's browser tests do in a {@link Browser}: sign in, open a page, take a screenshot. */
final class ConsoleDriver {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final Browser browser;
    private final TestGateway gateway;

    ConsoleDriver(Browser browser, TestGateway gateway) {
        this.browser = browser;
        this.gateway = gateway;
    }

    /** Opens the console and gives it the admin key, as a user does once per browser tab. */
    void signIn() {
        browser.open(url(""));
        browser.visible(By.id("login-key")).sendKeys(ListenSettings.DEFAULT_ADMIN_KEY);
        browser.click(By.id("login-submit"));
        browser.awaitPage("overview");
    }

    /** Opens {@code #/<hash>} (reloading it when it is open already) and waits until {@code page} is rendered. */
    void open(String hash, String page) {
        String target = url("#/" + hash);
        boolean reload = target.equals(browser.driver().getCurrentUrl());
        browser.open(target);
        if (reload) {
            browser.driver().navigate().refresh();
        }
        browser.awaitPage(page);
    }

    /** Writes {@code target/console-screenshots/<name>.png}. */
    void screenshot(String name) {
        browser.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    private String url(String fragment) {
        return "http://127.0.0.1:" + gateway.addresses().managementPort() + "/" + fragment;
    }
}

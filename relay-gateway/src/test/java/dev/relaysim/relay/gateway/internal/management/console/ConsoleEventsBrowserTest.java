package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's events page over the event journal, in headless Chromium: filters chosen in the page, then the live
 * stream shows a listener connecting and leaving as it happens.
 */
@Timeout(120)
class ConsoleEventsBrowserTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    @RegisterExtension
    final ConsoleExtension console = new ConsoleExtension(gateway);

    @Test
    void theEventsPageShowsAListenerConnectingAndLeavingAsItHappens(Browser browser) throws Exception {
        TestGateway gw = gateway.get();
        console.signIn();
        console.open("events", "events");
        new Select(browser.visible(By.id("events-namespace"))).selectByValue("sandbox");
        browser.click(By.cssSelector("#events-filters summary"));
        browser.click(By.cssSelector("#events-filters input[value='NewListenerRegistered']"));
        browser.click(By.cssSelector("#events-filters input[value='ListenerUnregistered']"));
        browser.click(By.id("events-apply"));
        browser.awaitPage("events");
        assertThat(browser.driver().getCurrentUrl())
                .endsWith("#/events?namespace=sandbox&entity=&kinds=NewListenerRegistered%2CListenerUnregistered");
        browser.awaitText(By.id("events-status"), "Following live");
        assertThat(browser.visible(By.id("events")).getText()).contains("No event matches yet.");

        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, TestGateway.ENTITY),
                TestGateway.token(TestGateway.ENTITY), new TestListener.Mode.Echo())) {
            browser.awaitText(By.id("events"), "NewListenerRegistered");
            assertThat(browser.visible(By.cssSelector("#events tbody tr")).getText())
                    .contains("NewListenerRegistered", "sandbox", TestGateway.ENTITY, "127.0.0.1");
            console.screenshot("events");
        }
        browser.awaitText(By.cssSelector("#events tbody tr"), "ListenerUnregistered");
        // The filter keeps other kinds out: the listener's own traffic made none here.
        assertThat(browser.driver().findElements(By.cssSelector("#events tbody tr"))).hasSize(2);
    }
}

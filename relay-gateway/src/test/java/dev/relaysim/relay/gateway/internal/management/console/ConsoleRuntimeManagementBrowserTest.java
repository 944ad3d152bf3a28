package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console over the runtime management API, in headless Chromium: a hybrid connection created in the console
 * carries Microsoft's {@code hyco-ws} and is deleted there; so is a namespace; a policy added to a hybrid connection
 * signs for it; a key regenerated in the console refuses tokens signed with the old one.
 */
@Timeout(180)
class ConsoleRuntimeManagementBrowserTest {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    @RegisterExtension
    final ConsoleExtension console = new ConsoleExtension(gateway);

    @Test
    void aHybridConnectionCreatedInTheConsoleRelaysHycoWs(Browser browser) throws Exception {
        NodeClients node = NodeClients.install();
        TestGateway gw = gateway.get();
        console.signIn();
        console.open("hybrid-connections?namespace=sandbox", "hybrid-connections");

        browser.visible(By.id("hc-name")).sendKeys("orders");
        browser.click(By.cssSelector("#hc-create button[type=submit]"));
        browser.visible(By.cssSelector("#hybrid-connections tr[data-name='orders']"));

        Map<String, String> environment = Map.of("NODE_EXTRA_CA_CERTS",
                gw.server().certificateAuthority().caCertificatePem().toString());
        try (NodeProcess listener = node.start("hyco-ws-listener.js", environment,
                gw.listenUri(false, "orders").toString(), KEY_NAME, TestGateway.KEY, "20")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(listener.lines()).as("%s", listener).contains("listening"));
            NodeProcess sender = node.start("hyco-ws-sender.js", environment, gw.connectUri(false, "orders").toString(),
                    KEY_NAME, TestGateway.KEY, "1000", "70000");
            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
            assertThat(sender.lines()).last().asString().contains("\"ok\":true").contains("\"received\":2");

            console.open("hybrid-connections?namespace=sandbox", "hybrid-connections");
            assertThat(browser.visible(By.cssSelector("#hybrid-connections tr[data-name='orders'] td:nth-child(2)"))
                    .getText()).isEqualTo("1");
            console.screenshot("hybrid-connections-created");

            browser.click(By.cssSelector("#hybrid-connections tr[data-name='orders'] button.danger"));
            browser.click(By.id("prompt-ok"));
            browser.awaitText(By.id("toast"), "Hybrid connection orders deleted.");
            browser.awaitPage("hybrid-connections");
            assertThat(browser.driver().findElements(By.cssSelector("#hybrid-connections tr[data-name='orders']")))
                    .isEmpty();
            assertThat(gw.management("GET", ManagementApi.RELAY_NAMESPACES + "sandbox/hybridConnections/orders"
                    + "?api-version=2021-11-01", "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY, null).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void aKeyRegeneratedInTheConsoleRefusesTokensSignedWithTheOldOne(Browser browser) throws Exception {
        TestGateway gw = gateway.get();
        console.signIn();
        console.open("hybrid-connections?namespace=sandbox", "hybrid-connections");
        browser.click(By.id("show-keys-" + KEY_NAME));
        By primaryKey = By.id(KEY_NAME + "-primary-key");
        String oldKey = browser.visible(primaryKey).getAttribute("value");
        assertThat(oldKey).isEqualTo(TestGateway.KEY);
        assertThat(senderStatus(gw, oldKey)).isEqualTo(404); // authorized; no listener

        browser.click(By.id(KEY_NAME + "-regenerate-primary"));
        browser.click(By.id("prompt-ok"));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                !oldKey.equals(browser.driver().findElement(primaryKey).getAttribute("value")));
        String newKey = browser.driver().findElement(primaryKey).getAttribute("value");

        assertThat(senderStatus(gw, oldKey)).isEqualTo(401);
        assertThat(senderStatus(gw, newKey)).isEqualTo(404);
        assertThat(browser.driver().findElement(By.id(KEY_NAME + "-primary-connection-string")).getAttribute("value"))
                .endsWith("SharedAccessKey=" + newKey);
        console.screenshot("hybrid-connections-keys");
    }

    @Test
    void aNamespaceCreatedInTheOverviewGetsItsRootRuleAndIsDeletedThere(Browser browser) throws Exception {
        TestGateway gw = gateway.get();
        console.signIn();

        browser.visible(By.id("ns-name")).sendKeys("fabrikam-relay");
        browser.click(By.cssSelector("#ns-create button[type=submit]"));
        By row = By.cssSelector("#namespaces tr[data-name='fabrikam-relay']");
        assertThat(browser.visible(row).getText()).contains("fabrikam-relay.servicebus.windows.net", "westeurope",
                "Enabled");
        console.open("hybrid-connections?namespace=fabrikam-relay", "hybrid-connections");
        browser.visible(By.cssSelector("#policies tr[data-name='RootManageSharedAccessKey']"));

        console.open("overview", "overview");
        browser.click(By.cssSelector("#namespaces tr[data-name='fabrikam-relay'] button.danger"));
        browser.click(By.id("prompt-ok"));
        browser.awaitText(By.id("toast"), "Namespace fabrikam-relay deleted.");
        browser.awaitPage("overview");
        assertThat(browser.driver().findElements(row)).isEmpty();
        assertThat(gw.management("GET", ManagementApi.RELAY_NAMESPACES + "fabrikam-relay?api-version=2021-11-01",
                "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aPolicyAddedToAHybridConnectionSignsForItAndItsConnectionStringNamesTheEntity(Browser browser)
            throws Exception {
        TestGateway gw = gateway.get();
        console.signIn();
        console.open("hybrid-connections?namespace=sandbox&hc=echo", "hybrid-connections");

        browser.visible(By.id("policy-name")).sendKeys("app");
        browser.click(By.cssSelector("#policy-create button[type=submit]"));
        assertThat(browser.visible(By.cssSelector("#hc-policies tr[data-name='app']")).getText())
                .contains("Listen, Send");
        browser.click(By.id("hc-show-keys-app"));
        String connectionString = browser.visible(By.id("hc-app-primary-connection-string")).getAttribute("value");
        String key = browser.driver().findElement(By.id("hc-app-primary-key")).getAttribute("value");

        assertThat(connectionString).isEqualTo("Endpoint=sb://" + TestGateway.HOST + "/;SharedAccessKeyName=app"
                + ";SharedAccessKey=" + key + ";EntityPath=echo");
        assertThat(senderStatus(gw, "app", key)).isEqualTo(404); // authorized; no listener
        assertThat(senderStatus(gw, "app", TestGateway.KEY)).isEqualTo(401);
        console.screenshot("hybrid-connection-policies");
    }

    /** The status a sender's upgrade gets with a token signed by {@code key} ({@code 404}: past authorization). */
    private static int senderStatus(TestGateway gw, String key) throws Exception {
        return senderStatus(gw, KEY_NAME, key);
    }

    private static int senderStatus(TestGateway gw, String keyName, String key) throws Exception {
        String token = TestGateway.token(TestGateway.ENTITY, keyName, key, Instant.now().plus(Duration.ofHours(1)));
        return RawHttp.exchange(gw.addresses().plainPort(), RawHttp.upgradeRequest("/$hc/" + TestGateway.ENTITY
                + "?sb-hc-action=connect", TestGateway.HOST, "ServiceBusAuthorization: " + token)).status();
    }
}

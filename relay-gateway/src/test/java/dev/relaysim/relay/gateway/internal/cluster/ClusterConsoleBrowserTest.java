package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console's Nodes page on a node of a two-node cluster (separate JVMs on 127.0.1.31-32), in headless
 * Chromium ({@link Browser}; skipped where it is missing, run in CI): both members are listed, this node marked, with
 * the listeners each holds, and a member killed with SIGKILL leaves the page. The screenshot goes to
 * {@code target/console-screenshots/nodes.png}.
 */
class ClusterConsoleBrowserTest {

    private static final String ENTITY = "echo";
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final By NODE_COUNT = By.cssSelector("#stat-nodes .stat-value");

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void theNodesPageListsTheMembersWithTheirListenersAndDropsAKilledOne() throws Exception {
        String members = "127.0.1.31,127.0.1.32";
        try (Browser browser = Browser.start();
             ClusterNode node1 = ClusterNode.start("127.0.1.31", members, List.of(ENTITY));
             ClusterNode node2 = ClusterNode.start("127.0.1.32", members, List.of(ENTITY))) {
            node1.awaitMembers(2, STARTUP);
            node2.awaitMembers(2, STARTUP);
            try (TestListener listener = TestListener.connect(HttpClient.newHttpClient(), node2.listenUri(ENTITY),
                    TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
                node1.awaitListenersOf(node2, 1, Duration.ofSeconds(20));

                String console = "http://" + node1.address() + ':' + ClusterNode.MANAGEMENT_PORT + '/';
                browser.open(console);
                browser.visible(By.id("login-key")).sendKeys(ListenSettings.DEFAULT_ADMIN_KEY);
                browser.click(By.id("login-submit"));
                browser.awaitPage("overview");
                browser.open(console + "#/nodes");
                browser.awaitPage("nodes");

                assertThat(browser.visible(NODE_COUNT).getText()).isEqualTo("2");
                assertThat(browser.visible(By.cssSelector("#stat-cluster-listeners .stat-value")).getText())
                        .isEqualTo("1");
                assertThat(row(browser, node1, "td.member")).isEqualTo(node1.member() + " this node");
                assertThat(row(browser, node1, "td.listeners")).isEqualTo("0");
                assertThat(row(browser, node2, "td.member")).isEqualTo(node2.member());
                assertThat(row(browser, node2, "td.listeners")).isEqualTo("1");
                browser.screenshot(Path.of("target", "console-screenshots", "nodes.png"));

                node2.kill();
                // The page asks /health every five seconds; node 1 sees the member gone within about a second.
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> browser.driver().findElement(NODE_COUNT).getText().equals("1"));
                assertThat(browser.driver().findElements(By.cssSelector("#nodes tr[data-name='" + node2.member()
                        + "']"))).isEmpty();
                assertThat(row(browser, node1, "td.member")).isEqualTo(node1.member() + " this node");
            }
        }
    }

    private static String row(Browser browser, ClusterNode node, String cell) {
        return browser.visible(By.cssSelector("#nodes tr[data-name='" + node.member() + "']")).findElement(
                By.cssSelector(cell)).getText();
    }
}

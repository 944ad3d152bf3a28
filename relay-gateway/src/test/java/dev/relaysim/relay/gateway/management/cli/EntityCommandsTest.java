package dev.relaysim.relay.gateway.management.cli;

import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code hc}, {@code keys} and {@code ns} commands, run in-process against a gateway's management API: the
 * same flows as the API's tests, seen through the command line and checked on real connections.
 */
@Timeout(60)
class EntityCommandsTest {

    private TestGateway gateway;

    @BeforeEach
    void start() {
        gateway = TestGateway.builder().start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void hcCreateListAndDeleteChangeTheGatewayLive() throws Exception {
        CliRun created = run("hc", "create", "payments", "--user-metadata", "team=shop");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("sandbox/payments: client authorization required\n");
        TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(true, "payments"),
                TestGateway.token("payments"), new TestListener.Mode.Echo());

        CliRun list = run("hc", "list");
        assertThat(list.out()).contains("NAME", "LISTENERS", "CLIENT AUTHORIZATION", "USER METADATA")
                .containsPattern("payments\\s+1\\s+required\\s+team=shop")
                .containsPattern("open\\s+0\\s+none");
        assertThat(run("hc", "create", "public-feed", "--no-client-authorization", "--namespace", "contoso").out())
                .isEqualTo("contoso/public-feed: client authorization none\n");

        assertThat(run("hc", "delete", "payments").out()).isEqualTo("sandbox/payments: deleted\n");
        assertThat(listener.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
        assertThat(run("hc", "list").out()).doesNotContain("payments");

        CliRun missing = run("hc", "list", "--namespace", "nowhere-ns");
        assertThat(missing.exitCode()).isEqualTo(ManagementMain.EXIT_FAILURE);
        assertThat(missing.err()).startsWith("hc: ResourceNotFound: ");
        listener.close();
    }

    @Test
    void keysListAndRegenerateAndTheOldKeyIsRefused() throws Exception {
        CliRun list = run("keys", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("RootManageSharedAccessKey\\s+Listen,Send,Manage\\s+"
                + TestGateway.KEY.replace("+", "\\+") + "\\s+" + TestGateway.SECONDARY_KEY.replace("+", "\\+"));
        assertThat(run("keys", "list", "--connection-strings").out())
                .contains("Endpoint=sb://sandbox.servicebus.windows.net/;"
                        + "SharedAccessKeyName=RootManageSharedAccessKey");

        CliRun regenerated = run("keys", "regenerate", "RootManageSharedAccessKey");
        assertThat(regenerated.exitCode()).as(regenerated.err()).isZero();
        String[] lines = regenerated.out().split("\n");
        assertThat(lines[0]).startsWith("sandbox/RootManageSharedAccessKey primary key: ");
        String newKey = lines[0].substring(lines[0].lastIndexOf(' ') + 1);
        assertThat(newKey).hasSize(44);
        assertThat(lines[1]).endsWith("SharedAccessKey=" + newKey);
        assertThat(listenStatus(TestGateway.KEY)).isEqualTo(401);
        assertThat(listenStatus(newKey)).isEqualTo(101);

        assertThat(run("keys", "regenerate", "RootManageSharedAccessKey", "--key", "secondary", "--value",
                "my-secondary").out()).startsWith("sandbox/RootManageSharedAccessKey secondary key: my-secondary\n");
        assertThat(listenStatus("my-secondary")).isEqualTo(101);
        assertThat(run("keys", "regenerate", "RootManageSharedAccessKey", "--key", "tertiary").exitCode())
                .isEqualTo(ManagementMain.EXIT_USAGE);
        assertThat(run("keys", "list", "--hc", "echo").out()).isEqualTo("no authorization rules in sandbox/echo\n");
    }

    @Test
    void nsCreateListAndDelete() {
        CliRun created = run("ns", "create", "fabrikam-relay", "--location", "northeurope");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("fabrikam-relay: https://fabrikam-relay.servicebus.windows.net:443/ "
                + "(northeurope)\n");
        assertThat(run("ns", "list").out()).containsPattern("fabrikam-relay\\s+https://fabrikam-relay"
                + "\\.servicebus\\.windows\\.net:443/\\s+northeurope\\s+Enabled").contains("sandbox", "contoso");
        assertThat(run("hc", "create", "inbox", "--namespace", "fabrikam-relay").exitCode()).isZero();
        assertThat(run("keys", "list", "--namespace", "fabrikam-relay").out()).contains("RootManageSharedAccessKey");

        CliRun refused = run("ns", "delete", "sandbox");
        assertThat(refused.exitCode()).isEqualTo(ManagementMain.EXIT_FAILURE);
        assertThat(refused.err()).startsWith("ns: Conflict: Namespace sandbox is the gateway's default namespace");
        assertThat(run("ns", "delete", "fabrikam-relay").out()).isEqualTo("fabrikam-relay: deleted\n");
        assertThat(run("ns", "list").out()).doesNotContain("fabrikam-relay");
    }

    /** The status a listener's upgrade with a token signed by {@code key} of the root rule gets. */
    private int listenStatus(String key) throws Exception {
        return WsPeer.upgradeStatus(gateway.httpClient(), gateway.listenUri(true, TestGateway.ENTITY),
                TestGateway.token(TestGateway.ENTITY, TestGateway.KEY_NAME, key, Instant.now().plusSeconds(600)));
    }

    private CliRun run(String... args) {
        return CliRun.run(gateway, args);
    }
}

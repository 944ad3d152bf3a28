package dev.relaysim.relay.gateway.management.cli;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code pe} and {@code network} commands, run in-process against a gateway's management API. */
@Timeout(60)
class ManagementMainTest {

    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(TestGateway.KEY_NAME, TestGateway.KEY,
                TestGateway.SECONDARY_KEY, EnumSet.allOf(AccessRight.class));
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig("echo", true, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(root), echo);
        NamespaceConfig contoso = new NamespaceConfig("contoso", null, List.of(root), echo, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false), List.of(
                new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default", address("127.10.0.4"),
                        ConnectionStatus.APPROVED, "Auto-Approved", false),
                new PrivateEndpoint("pending-pe", "westeurope", "vnet1", "default", address("127.10.0.5"),
                        ConnectionStatus.PENDING, "please", true)));
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of());
        gateway = TestGateway.builder().namespaces(List.of(sandbox, contoso), TestGateway.NAMESPACE)
                .virtualNetworks(List.of(vnet1)).start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void peListShowsEveryConnectionWithItsStatusAndAddress() {
        CliRun list = run("pe", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("""
                NAMESPACE  CONNECTION  STATUS    PRIVATE IP  DESCRIPTION
                contoso    contoso-pe  Approved  127.10.0.4  Auto-Approved
                contoso    pending-pe  Pending   127.10.0.5  please
                """);
        assertThat(run("pe", "list", "--namespace", "sandbox").out())
                .isEqualTo("no private endpoint connections in sandbox\n");
    }

    @Test
    void approveRejectAndRemoveChangeTheLiveState() {
        CliRun approve = run("pe", "approve", "pending-pe", "--description", "looks fine");
        assertThat(approve.exitCode()).as(approve.err()).isZero();
        assertThat(approve.out()).isEqualTo("contoso/pending-pe: Approved (looks fine)\n");
        assertThat(status("pending-pe")).isEqualTo(ConnectionStatus.APPROVED);

        assertThat(run("pe", "reject", "pending-pe", "--namespace", "contoso").out())
                .isEqualTo("contoso/pending-pe: Rejected\n");
        assertThat(status("pending-pe")).isEqualTo(ConnectionStatus.REJECTED);

        assertThat(run("pe", "remove", "pending-pe").out())
                .isEqualTo("contoso/pending-pe: Disconnected (Removed by the namespace owner)\n");
        assertThat(status("pending-pe")).isEqualTo(ConnectionStatus.DISCONNECTED);

        CliRun again = run("pe", "approve", "pending-pe");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("pe: BadRequest: ").contains("was removed");
        assertThat(status("contoso-pe")).isEqualTo(ConnectionStatus.APPROVED);
    }

    @Test
    void anUnknownConnectionIsNamedWithTheOnesThatExist() {
        CliRun unknown = run("pe", "approve", "nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("pe: no private endpoint connection nope (connections: "
                + "contoso/contoso-pe, contoso/pending-pe)\n");
        CliRun wrongNamespace = run("pe", "reject", "contoso-pe", "--namespace", "sandbox");
        assertThat(wrongNamespace.exitCode()).isEqualTo(1);
        assertThat(wrongNamespace.err()).startsWith("pe: ResourceNotFound: ");
    }

    @Test
    void networkSetChangesWhatItIsGivenAndShowShowsIt() {
        CliRun set = run("network", "set", "--namespace", "sandbox", "--default-action", "Deny", "--ip-rule",
                "127.13.0.0/24", "--ip-rule", "127.14.0.7", "--trusted-services", "true");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("""
                sandbox
                  publicNetworkAccess          Enabled
                  defaultAction                Deny
                  ipRules                      127.13.0.0/24, 127.14.0.7
                  trustedServiceAccessEnabled  true
                  privateEndpointConnections   none
                """);
        assertThat(ruleSet("sandbox")).isEqualTo(new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                List.of(Ipv4Prefix.parse("127.13.0.0/24"), Ipv4Prefix.parse("127.14.0.7")), true));

        assertThat(run("network", "set", "--namespace", "sandbox", "--clear-ip-rules", "--public-access",
                "Disabled").exitCode()).isZero();
        assertThat(ruleSet("sandbox")).isEqualTo(new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.DENY,
                List.of(), true));

        CliRun show = run("network", "show", "--namespace", "contoso");
        assertThat(show.out()).isEqualTo("""
                contoso
                  publicNetworkAccess          Disabled
                  defaultAction                Allow
                  ipRules                      none
                  trustedServiceAccessEnabled  false
                  privateEndpointConnections   contoso-pe (Approved), pending-pe (Pending)
                """);
        assertThat(run("network", "show").out()).startsWith("sandbox\n").contains("\ncontoso\n");
    }

    @Test
    void badArgumentsAndRefusalsHaveTheirExitCodes() {
        CliRun badValue = run("network", "set", "--namespace", "sandbox", "--default-action", "Maybe");
        assertThat(badValue.exitCode()).isEqualTo(1);
        assertThat(badValue.err()).startsWith("network: InvalidRequestContent: ")
                .contains("properties.defaultAction: \"Maybe\" (expected: Allow or Deny)");
        CliRun badRule = run("network", "set", "--namespace", "sandbox", "--ip-rule", "10.0.0.1/8");
        assertThat(badRule.exitCode()).isEqualTo(1);
        assertThat(badRule.err()).contains("properties.ipRules[0].ipMask");
        assertThat(ruleSet("sandbox")).isEqualTo(NetworkRuleSet.OPEN);

        CliRun noNamespace = run("network", "set", "--default-action", "Deny");
        assertThat(noNamespace.exitCode()).isEqualTo(2);
        assertThat(noNamespace.err()).isEqualTo("network set: --namespace is needed (namespaces: sandbox, contoso)\n");
        assertThat(run("network", "set", "--namespace", "sandbox").exitCode()).isEqualTo(2);
        assertThat(run("pe", "approve").exitCode()).isEqualTo(2);

        CliRun wrongKey = run("pe", "list", "--admin-key", "wrong");
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        assertThat(wrongKey.err()).startsWith("pe: InvalidAuthenticationToken: ");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = ManagementMain.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        assertThat(command.execute("pe", "list", "--management-url", "http://127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).startsWith("pe: cannot reach the management API at http://127.0.0.1:1: ");
    }

    private CliRun run(String... args) {
        return CliRun.run(gateway, args);
    }

    private ConnectionStatus status(String endpoint) {
        return gateway.server().networkState().current().namespace("contoso").privateEndpoint(endpoint)
                .orElseThrow().status();
    }

    private NetworkRuleSet ruleSet(String namespace) {
        return gateway.server().networkState().current().namespace(namespace).ruleSet();
    }

    private static Inet4Address address(String text) throws Exception {
        return (Inet4Address) InetAddress.getByName(text);
    }
}

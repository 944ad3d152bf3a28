package dev.relaysim.relay.sender;

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

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static dev.relaysim.relay.gateway.testing.TestGateway.SECONDARY_KEY;

/**
 * The seed's Private Link scenario for client tests: namespace {@code contoso} ({@link #HOST}, hybrid connection
 * {@code echo}) with public access Disabled and endpoint {@code contoso-pe} at 127.10.0.4 in {@code vnet1}
 * (127.10.0.0/16), beside the default namespace {@code sandbox}.
 */
public final class PrivateLinkSeed {

    public static final String HOST = "contoso.servicebus.windows.net";
    public static final String PRIVATE_LINK_HOST = "contoso.privatelink.servicebus.windows.net";
    public static final String ENDPOINT = "127.10.0.4";
    public static final String VM = "127.10.0.5";

    private PrivateLinkSeed() {
    }

    /**
     * Starts a gateway with the scenario.
     *
     * @param status    the endpoint connection's state
     * @param responder whether the gateway runs its DNS responder (on an ephemeral port)
     */
    public static TestGateway start(ConnectionStatus status, boolean responder) throws UnknownHostException {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(KEY_NAME, KEY, SECONDARY_KEY,
                EnumSet.allOf(AccessRight.class));
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig("echo", true, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(root), echo);
        NamespaceConfig contoso = new NamespaceConfig("contoso", HOST, List.of(root), echo, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false),
                List.of(new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default",
                        (Inet4Address) InetAddress.getByName(ENDPOINT), status, "by the test", false)));
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of());
        return TestGateway.builder()
                .namespaces(List.of(sandbox, contoso), TestGateway.NAMESPACE)
                .virtualNetworks(List.of(vnet1))
                .dns(responder)
                .start();
    }
}

package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.gateway.config.ClusterSettings;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node whose ports are bound on another address than its cluster address issues cross-node accepts for, and is
 * named in DNS answers by, the address its ports are on; a node whose cluster does not start leaves nothing behind.
 * One member in this JVM (127.0.1.31, cluster port 5731).
 */
class FrontEndHostTest {

    private static final ClusterSettings NODE = new ClusterSettings(List.of("127.0.1.31"), "127.0.1.31", 5731);

    @Test
    void theFrontEndHostIsTheBindAddressUnlessItIsTheWildcard() throws Exception {
        assertThat(FrontEndHost.of(NODE, "127.0.1.32")).isEqualTo(InetAddress.getByName("127.0.1.32"));
        assertThat(FrontEndHost.of(NODE, "127.0.1.31")).isEqualTo(InetAddress.getByName("127.0.1.31"));
        assertThat(FrontEndHost.of(NODE, "0.0.0.0")).isEqualTo(InetAddress.getByName("127.0.1.31"));
        assertThat(FrontEndHost.of(NODE, "::")).isEqualTo(InetAddress.getByName("127.0.1.31"));
    }

    @Test
    @Timeout(120)
    void acceptAddressesAndDnsAnswersNameTheAddressThePortsAreBoundOn(@TempDir Path data) throws Exception {
        GatewayConfig config = TestGateway.builder().config(data, new PortRange(9400, 9401));
        try (HazelcastCluster cluster = HazelcastCluster.start(NODE, "127.0.1.32", new NamespaceRegistry(config))) {
            assertThat(cluster.acceptHost()).contains(new InetSocketAddress("127.0.1.32", 0));
            assertThat(cluster.nodeAddresses()).containsExactly(
                    (Inet4Address) InetAddress.getByName("127.0.1.32"));
            assertThat(cluster.members()).containsExactly("127.0.1.31:5731");
        }
    }

    @Test
    @Timeout(120)
    void aClusterThatDoesNotStartLeavesNoMetricsRegistryBehind(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.1.31", 0));
            GatewayConfig config = TestGateway.builder().config(data, new PortRange(9400, 9401)).toBuilder()
                    .cluster(new ClusterSettings(List.of("127.0.1.31"), "127.0.1.31", taken.getLocalPort())).build();
            GatewayServer server = new GatewayServer(config);

            assertThatThrownBy(server::start).hasMessageContaining(String.valueOf(taken.getLocalPort()));
            assertThatThrownBy(server::meterRegistry).isInstanceOf(IllegalStateException.class)
                    .hasMessage("not started");
            server.close();
        }
    }
}

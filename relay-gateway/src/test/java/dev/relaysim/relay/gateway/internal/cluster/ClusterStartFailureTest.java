package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.Hazelcast;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.ClusterSettings;
import dev.relaysim.relay.gateway.config.EmbeddedPortBlocks;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node whose Hazelcast member cannot start (its cluster port is taken) fails its start with Hazelcast's error, which
 * names the port, and leaves nothing running: Hazelcast starts before the gateway makes anything that needs closing
 * (event loops, the metrics registry and its JVM binders), and no Hazelcast instance or thread stays behind.
 */
class ClusterStartFailureTest {

    private static final String NODE = "127.0.1.34";

    @Test
    @Timeout(120)
    void aClusterPortInUseFailsTheStartNamingThePortAndLeavesNothingRunning(@TempDir Path directory)
            throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(NODE, 0));
            int port = taken.getLocalPort();
            GatewayConfig config = TestGateway.builder().management(true)
                    .config(directory, EmbeddedPortBlocks.random(TestGateway.DEFAULT_BLOCK))
                    .toBuilder().cluster(new ClusterSettings(List.of(NODE), NODE, port)).build();
            GatewayServer server = new GatewayServer(config);
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            assertThatThrownBy(server::start).hasMessageContaining("Port [" + port + "] is already in use");

            assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
            // Hazelcast's threads are named after the instance (relaysim-<node>-<port>), the gateway's event loops
            // relaysim-gateway-*.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(thread -> !before.contains(thread)).extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("relaysim-gateway-")
                            || name.contains("relaysim-" + NODE + '-' + port)));
            server.close();
            server.close();
        }
    }
}

package dev.relaysim.relay.gateway.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {

    @Test
    void withoutMembersThereIsNoClusterAndNothingMoves() throws Exception {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of());

        assertThat(config.cluster()).isEqualTo(ClusterSettings.OFF);
        assertThat(config.cluster().enabled()).isFalse();
        assertThat(config.listen().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.dns().bindAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void aNodeBindsItsOwnAddressUnlessABindAddressIsSet() throws Exception {
        Map<String, String> flags = Map.of("cluster-members", "127.0.1.1, 127.0.1.2", "node-address", "127.0.1.2");

        GatewayConfig node = ConfigLoader.load(null, flags, Map.of());
        assertThat(node.cluster()).isEqualTo(new ClusterSettings(List.of("127.0.1.1", "127.0.1.2"), "127.0.1.2",
                ClusterSettings.DEFAULT_PORT));
        assertThat(node.listen().bindAddress()).isEqualTo("127.0.1.2");
        assertThat(node.dns().bindAddress()).isEqualTo("127.0.1.2");

        GatewayConfig pinned = ConfigLoader.load(null, Map.of("cluster-members", "127.0.1.1", "node-address",
                "127.0.1.1", "bind-address", "0.0.0.0", "cluster-port", "5801"), Map.of());
        assertThat(pinned.listen().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(pinned.cluster().port()).isEqualTo(5801);

        GatewayConfig fromEnvironment = ConfigLoader.load(null, Map.of(), Map.of("RELAYSIM_CLUSTER_MEMBERS",
                "127.0.1.1", "RELAYSIM_NODE_ADDRESS", "127.0.1.1"));
        assertThat(fromEnvironment.cluster().nodeAddress()).isEqualTo("127.0.1.1");
    }

    @Test
    void badClusterSettingsNameTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("cluster-members", "127.0.1.1,127.0.1.2",
                "node-address", "127.0.1.3"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cluster.nodeAddress (from flag --node-address): 127.0.1.3 (expected: one of the members "
                        + "127.0.1.1,127.0.1.2)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("cluster-members", "127.0.1.1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.nodeAddress")
                .hasMessageContaining("(unset) (expected: one of the members "
                        + "127.0.1.1)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("node-address", "127.0.1.1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cluster.nodeAddress (from flag --node-address): 127.0.1.1 (expected: only with "
                        + "cluster.members)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("cluster-members", "node-a,127.0.1.1",
                "node-address", "127.0.1.1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.members").hasMessageContaining("node-a (expected: IPv4 addresses");
    }
}

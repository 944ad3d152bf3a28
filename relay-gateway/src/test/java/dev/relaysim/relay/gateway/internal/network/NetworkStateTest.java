package dev.relaysim.relay.gateway.internal.network;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.ConnectionStatus;

/** Live changes of the network model: serialized, validated, observed. */
class NetworkStateTest {

    private static final NetworkModel EMPTY = new NetworkModel(List.of(), List.of());

    @Test
    void updatesNotifyListenersWithTheNewModel() {
        NetworkState state = new NetworkState(EMPTY);
        List<NetworkModel> seen = new CopyOnWriteArrayList<>();
        state.onChange(seen::add);
        state.onChange(model -> {
            throw new IllegalStateException("a broken listener does not stop the others");
        });

        NetworkModel updated = state.update(model -> model.withNamespace("sandbox", namespace ->
                new NamespaceNetwork("sandbox", new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW,
                        List.of(), false), List.of())));

        assertThat(state.current()).isSameAs(updated);
        assertThat(seen).containsExactly(updated);
        assertThat(updated.namespace("sandbox").ruleSet().publicNetworkAccess())
                .isEqualTo(PublicNetworkAccess.DISABLED);
    }

    @Test
    void anInvalidChangeLeavesTheStateAsItWas() {
        NetworkState state = new NetworkState(EMPTY);
        List<NetworkModel> seen = new CopyOnWriteArrayList<>();
        state.onChange(seen::add);

        assertThatThrownBy(() -> state.update(model -> model.withNamespace("contoso", namespace ->
                new NamespaceNetwork("contoso", NetworkRuleSet.OPEN, List.of(new PrivateEndpoint("pe", "westeurope",
                        "missing", "default", (Inet4Address) InetAddress.getLoopbackAddress(),
                        ConnectionStatus.APPROVED, "", false))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("virtualNetwork: \"missing\"");
        assertThat(state.current()).isSameAs(EMPTY);
        assertThat(seen).isEmpty();
    }

    @Test
    void aChangeTheStoreCannotSaveIsRefused() {
        NetworkState state = new NetworkState(EMPTY);
        List<NetworkModel> stored = new CopyOnWriteArrayList<>();
        List<NetworkModel> seen = new CopyOnWriteArrayList<>();
        state.onChange(seen::add);
        state.storeWith(stored::add);
        NetworkModel saved = state.update(model -> model.withNamespace("sandbox", namespace -> namespace));
        state.storeWith(model -> {
            throw new UncheckedIOException(new IOException("disk full"));
        });

        assertThatThrownBy(() -> state.update(model -> model.withNamespace("contoso", namespace -> namespace)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk full");
        assertThat(state.current()).isSameAs(saved);
        assertThat(stored).containsExactly(saved);
        assertThat(seen).containsExactly(saved);
    }
}

package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.internal.cluster.ClusterExchanges;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.cluster.RemoteListener;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster that answers a listener's registration when the test says so, with the given cluster-wide counts;
 * everything else as {@link ListenerCluster#SINGLE_NODE} (no listener on another node).
 */
final class SlowCluster implements ListenerCluster {

    final List<String> unregistered = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Placement> placed = new CompletableFuture<>();
    private final ClusterCounts counts;

    SlowCluster(ClusterCounts counts) {
        this.counts = counts;
    }

    void answer(Placement placement) {
        placed.complete(placement);
    }

    /** Breaks {@link #register}'s promise never to fail. */
    void fail(Throwable failure) {
        placed.completeExceptionally(failure);
    }

    @Override
    public CompletionStage<Placement> register(HybridConnection entity, ListenerConnection listener) {
        return placed;
    }

    @Override
    public void unregister(HybridConnection entity, ListenerConnection listener) {
        unregistered.add(listener.id());
    }

    @Override
    public Optional<RemoteListener> remoteListener(HybridConnection entity) {
        return SINGLE_NODE.remoteListener(entity);
    }

    @Override
    public Optional<InetSocketAddress> acceptHost() {
        return SINGLE_NODE.acceptHost();
    }

    @Override
    public CompletionStage<Void> deliverAccept(HybridConnection entity, RemoteListener listener,
                                               AcceptCommand command) {
        return SINGLE_NODE.deliverAccept(entity, listener, command);
    }

    @Override
    public void shareManagementState(NamespaceRegistry registry, NetworkState networkState) {
        SINGLE_NODE.shareManagementState(registry, networkState);
    }

    @Override
    public CompletionStage<Void> deliverRequest(HybridConnection entity, RemoteListener listener,
                                                RequestCommand command, @Nullable ByteBuf body,
                                                Duration responseTimeout) {
        return SINGLE_NODE.deliverRequest(entity, listener, command, body, responseTimeout);
    }

    @Override
    public void serveExchanges(ClusterExchanges exchanges) {
        SINGLE_NODE.serveExchanges(exchanges);
    }

    @Override
    public ClusterCounts counts() {
        return counts;
    }

    @Override
    public void bindMeters(MeterRegistry meters) {
        SINGLE_NODE.bindMeters(meters);
    }

    @Override
    public List<Inet4Address> nodeAddresses() {
        return SINGLE_NODE.nodeAddresses();
    }

    @Override
    public Optional<Map<String, Object>> status() {
        return SINGLE_NODE.status();
    }

    @Override
    public void close() {
        SINGLE_NODE.close();
    }
}

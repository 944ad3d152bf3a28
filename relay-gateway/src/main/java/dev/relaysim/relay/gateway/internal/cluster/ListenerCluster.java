package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
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

/**
 * What the routers ask of the cluster: a place for a listener among its hybrid connection's listeners on every
 * node, a listener on another node for a sender that has none here, and the delivery of an {@code accept} to it.
 * {@link #SINGLE_NODE} is the gateway alone. Thread-safe.
 */
public interface ListenerCluster extends AutoCloseable {

    /** What {@link #register} answers at once where no other node has a say. */
    CompletionStage<Placement> PLACE_TAKEN = CompletableFuture.completedFuture(Placement.TAKEN);

    /** No cluster: every place is this node's {@code ListenerSet}'s to give, no listener is elsewhere. */
    ListenerCluster SINGLE_NODE = new ListenerCluster() {
        @Override
        public CompletionStage<Placement> register(HybridConnection entity, ListenerConnection listener) {
            return PLACE_TAKEN;
        }

        @Override
        public void unregister(HybridConnection entity, ListenerConnection listener) {
        }

        @Override
        public Optional<RemoteListener> remoteListener(HybridConnection entity) {
            return Optional.empty();
        }

        @Override
        public Optional<InetSocketAddress> acceptHost() {
            return Optional.empty();
        }

        @Override
        public CompletionStage<Void> deliverAccept(HybridConnection entity, RemoteListener listener,
                                                   AcceptCommand command) {
            return CompletableFuture.failedFuture(new IllegalStateException("no cluster"));
        }

        @Override
        public void shareManagementState(NamespaceRegistry registry, NetworkState networkState) {
        }

        @Override
        public CompletionStage<Void> deliverRequest(HybridConnection entity, RemoteListener listener,
                                                    RequestCommand command, @Nullable ByteBuf body,
                                                    Duration responseTimeout) {
            if (body != null) {
                body.release();
            }
            return CompletableFuture.failedFuture(new IllegalStateException("no cluster"));
        }

        @Override
        public void serveExchanges(ClusterExchanges exchanges) {
        }

        @Override
        public ClusterCounts counts() {
            return ClusterCounts.NONE;
        }

        @Override
        public void bindMeters(MeterRegistry registry) {
        }

        @Override
        public List<Inet4Address> nodeAddresses() {
            return List.of();
        }

        @Override
        public Optional<Map<String, Object>> status() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };

    /**
     * Takes a place for a listener that holds one in this node's {@code ListenerSet}: completes with
     * {@link Placement#FULL} when its hybrid connection has {@code maxListeners} on the nodes together, with
     * {@link Placement#UNANSWERED} when the cluster did not answer in time, never exceptionally. Completes on a thread
     * of the cluster's (already, without a cluster), never blocks the caller.
     */
    CompletionStage<Placement> register(HybridConnection entity, ListenerConnection listener);

    /** Gives a listener's place back when its control channel closes. */
    void unregister(HybridConnection entity, ListenerConnection listener);

    /** A listener of {@code entity} on another node, in turn, or empty when there is none. */
    Optional<RemoteListener> remoteListener(HybridConnection entity);

    /**
     * Where this node's front ends and rendezvous ports are ({@code FrontEndHost}): the host of the accept addresses
     * this node issues to listeners on other nodes.
     */
    Optional<InetSocketAddress> acceptHost();

    /**
     * Asks the listener's node to write {@code command} on its control channel; completes when it was written,
     * exceptionally when the node or the listener is gone or the write failed.
     */
    CompletionStage<Void> deliverAccept(HybridConnection entity, RemoteListener listener, AcceptCommand command);

    /**
     * Shares the management state (namespaces, hybrid connections, rules, the network model and its endpoint states)
     * with the other nodes: takes the cluster's state, which wins over this node's own, and from then on runs every
     * change of {@code registry} and {@code networkState} in the cluster's order and applies the other nodes' changes
     * here; nothing without a cluster.
     *
     * @throws IllegalStateException when the cluster's state cannot be applied on this node (the message says why)
     */
    void shareManagementState(NamespaceRegistry registry, NetworkState networkState);

    /**
     * Asks the listener's node to write an HTTP-mode {@code request} on its control channel (followed by {@code
     * body}, for a full-form request) and to send what the listener answers there back to this node's
     * {@link #serveExchanges exchanges}; completes when it was written, exceptionally when the node or the listener is
     * gone or the write failed. Takes ownership of {@code body}.
     *
     * @param responseTimeout how long this node waits for the response (the listener's node forwards for as long)
     */
    CompletionStage<Void> deliverRequest(HybridConnection entity, RemoteListener listener, RequestCommand command,
                                         @Nullable ByteBuf body, Duration responseTimeout);

    /** This node's HTTP exchanges, which requests from other nodes and responses for this node's requests use. */
    void serveExchanges(ClusterExchanges exchanges);

    /**
     * The counts of the cluster-wide limits (relayed connections per namespace, waiting senders per hybrid
     * connection); {@link ClusterCounts#NONE} without a cluster.
     */
    ClusterCounts counts();

    /** Adds the cluster's gauges ({@code RelayMeters.CLUSTER_*}) to {@code registry}; none without a cluster. */
    void bindMeters(MeterRegistry registry);

    /**
     * The live nodes' addresses for the DNS responder's public answers, in turn a different one first (round
     * robin); empty without a cluster.
     */
    List<Inet4Address> nodeAddresses();

    /**
     * What {@code /health} shows: {@code members} ({@code address:port}, this node's first) and {@code listeners}
     * (how many per member); empty without a cluster.
     */
    Optional<Map<String, Object>> status();

    /** Leaves the cluster. */
    @Override
    void close();
}

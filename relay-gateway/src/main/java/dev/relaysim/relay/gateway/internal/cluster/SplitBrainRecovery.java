package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Puts this node's listeners back in the directory when the node merged into another cluster after a split brain
 * (Hazelcast's {@code MERGED}): the directory of the side that merges is discarded, so each of its nodes enters the
 * control channels it still holds again, under its member id in the merged cluster. A listener that finds its hybrid
 * connection at its maximum there (both sides took listeners meanwhile) is closed with 1001, as a node shutting down
 * closes them; it reconnects and gets a place or 403 as any listener would. One the merged cluster does not answer
 * for in time is closed the same way, as it holds no place there.
 */
final class SplitBrainRecovery implements LifecycleListener {

    static final String OVER_LIMIT_REASON = "The cluster merged after a network partition and the hybrid connection "
            + "has its maximum of listeners.";
    static final String UNANSWERED_REASON = "The cluster merged after a network partition and did not register the "
            + "listener in time.";

    private static final Logger logger = LoggerFactory.getLogger(SplitBrainRecovery.class);

    private final ListenerCluster cluster;
    private final ListenerDirectory directory;
    private final NamespaceRegistry registry;

    SplitBrainRecovery(ListenerCluster cluster, ListenerDirectory directory, NamespaceRegistry registry) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.directory = requireNonNull(directory, "directory");
        this.registry = requireNonNull(registry, "registry");
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            // Off Hazelcast's event thread: the directory's operations wait for the partitions' owners.
            CompletableFuture.runAsync(this::reenterListeners).exceptionally(failure -> {
                logger.warn("listeners not entered again after the merge: {}", failure.toString());
                return null;
            });
        }
    }

    /** Renews the directory's local copy, then enters every ready listener of this node again. */
    void reenterListeners() {
        directory.resync();
        int entered = 0;
        for (Namespace namespace : registry.namespaces()) {
            for (HybridConnection entity : namespace.hybridConnections()) {
                for (ListenerConnection listener : entity.listeners().snapshot()) {
                    if (listener.isReady() && listener.channel().isActive()) {
                        entered++;
                        cluster.register(entity, listener).thenAccept(placement -> {
                            String reason = switch (placement) {
                                case TAKEN -> null;
                                case FULL -> OVER_LIMIT_REASON;
                                case UNANSWERED -> UNANSWERED_REASON;
                            };
                            if (reason != null) {
                                logger.info("listener {} of {} closed after the merge: {}", listener.id(), entity,
                                        reason);
                                listener.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, reason);
                            }
                        });
                    }
                }
            }
        }
        logger.info("cluster merged after a split: {} listeners of this node entered in the directory again", entered);
    }
}

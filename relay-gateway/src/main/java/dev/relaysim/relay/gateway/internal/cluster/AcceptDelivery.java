package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.ChannelFuture;
import org.jspecify.annotations.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * An {@code accept} on its way to a listener on another node: run there by Hazelcast's executor, it finds the
 * listener's control channel in that node's registry and writes the command on it. Answers whether the write
 * succeeded; fails when the hybrid connection or the listener is not there (any more).
 */
final class AcceptDelivery implements Callable<Boolean>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;
    /** The key of this node's {@link NamespaceRegistry} in Hazelcast's user context. */
    static final String REGISTRY = "relaysim.registry";
    /** How long the listener's node waits for the command to be written. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

    private final String namespace;
    private final String entity;
    private final String listenerId;
    private final String command;
    /** Set by Hazelcast on the node that runs the delivery; not sent. */
    private transient @Nullable HazelcastInstance hazelcast;

    /**
     * @param namespace the namespace's name
     * @param entity the hybrid connection's name
     * @param listenerId the listener's id
     * @param command the {@code accept} command as the listener gets it (JSON text)
     */
    AcceptDelivery(String namespace, String entity, String listenerId, String command) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.entity = requireNonNull(entity, "entity");
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.command = requireNonNull(command, "command");
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public Boolean call() throws ControlCommandException, InterruptedException {
        ListenerConnection listener = connectedListener(requireNonNull(hazelcast, "hazelcast"), namespace, entity,
                listenerId);
        ChannelFuture written = listener.send(ControlCommandCodec.decode(command));
        if (!written.await(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("accept not written to listener " + listenerId + " within "
                    + WRITE_TIMEOUT);
        }
        if (!written.isSuccess()) {
            throw new IllegalStateException("accept not written to listener " + listenerId + ": " + written.cause());
        }
        return true;
    }

    /**
     * The ready listener {@code listenerId} of {@code namespace}/{@code entity} on the node of {@code hazelcast}.
     *
     * @throws IllegalStateException when it is not connected there (any more)
     */
    static ListenerConnection connectedListener(HazelcastInstance hazelcast, String namespace, String entity,
                                                String listenerId) {
        NamespaceRegistry registry = (NamespaceRegistry) hazelcast.getUserContext().get(REGISTRY);
        Optional<ListenerConnection> listener = registry.namespace(namespace)
                .flatMap(found -> found.hybridConnection(entity)).map(HybridConnection::listeners)
                .flatMap(listeners -> listeners.snapshot().stream()
                        .filter(candidate -> candidate.id().equals(listenerId) && candidate.isReady()).findFirst());
        return listener.orElseThrow(() -> new IllegalStateException("listener " + listenerId + " of " + namespace
                + '/' + entity + " is not connected to this node"));
    }
}

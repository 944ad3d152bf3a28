package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import static java.util.Objects.requireNonNull;

/**
 * HTTP request mode across nodes: sends a sender's {@code request} to the node of the listener it was given to
 * ({@link RequestDelivery}), whose control-channel answer comes back as {@link ResponseDelivery} tasks to the
 * exchanges this node {@link #serve serves}. Thread-safe.
 */
final class RemoteRequests {

    private final HazelcastInstance hazelcast;
    private final IExecutorService executor;

    RemoteRequests(HazelcastInstance hazelcast) {
        this.hazelcast = requireNonNull(hazelcast, "hazelcast");
        executor = hazelcast.getExecutorService(HazelcastCluster.REQUEST_EXECUTOR);
    }

    /** Where responses forwarded by other nodes go, and where other nodes' requests register their forwarders. */
    void serve(ClusterExchanges exchanges) {
        hazelcast.getUserContext().put(ResponseDelivery.EXCHANGES, requireNonNull(exchanges, "exchanges"));
    }

    /** See {@link ListenerCluster#deliverRequest}. */
    CompletionStage<Void> deliver(HybridConnection entity, RemoteListener listener, RequestCommand command,
                                  @Nullable ByteBuf body, Duration responseTimeout) {
        byte[] bytes;
        try {
            bytes = body == null ? null : ByteBufUtil.getBytes(body);
        } finally {
            if (body != null) {
                body.release();
            }
        }
        String origin = hazelcast.getCluster().getLocalMember().getUuid().toString();
        return MemberTasks.submit(hazelcast, executor, new RequestDelivery(entity.namespace().name(), entity.name(),
                listener.listenerId(), command.id(), ControlCommandCodec.encode(command), bytes, origin,
                responseTimeout), listener.memberId());
    }
}

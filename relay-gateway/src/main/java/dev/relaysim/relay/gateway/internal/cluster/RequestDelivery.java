package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import org.jspecify.annotations.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP-mode {@code request} on its way to a listener on another node: run there by Hazelcast's executor, it finds
 * the listener's control channel, has a {@link ResponseForwarder} take what the listener answers on it back to the
 * sender's node, and writes the command (with its body, if the request went in full form) on the control channel.
 * Answers whether the write succeeded; fails when the listener is not there (any more).
 */
final class RequestDelivery implements Callable<Boolean>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final String entity;
    private final String listenerId;
    private final String requestId;
    private final String command;
    private final byte @Nullable [] body;
    private final String originMemberId;
    private final long responseTimeoutMillis;
    private transient @Nullable HazelcastInstance hazelcast;

    /**
     * @param command the {@code request} command as the listener gets it (JSON text: full or address-only form)
     * @param body the body that follows a full-form command, or null
     * @param originMemberId the sender's node, where the response goes
     * @param responseTimeout how long the sender's node waits for the response
     */
    RequestDelivery(String namespace, String entity, String listenerId, String requestId, String command,
                    byte @Nullable [] body, String originMemberId, Duration responseTimeout) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.entity = requireNonNull(entity, "entity");
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.requestId = requireNonNull(requestId, "requestId");
        this.command = requireNonNull(command, "command");
        this.body = body;
        this.originMemberId = requireNonNull(originMemberId, "originMemberId");
        this.responseTimeoutMillis = responseTimeout.toMillis();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public Boolean call() throws ControlCommandException, InterruptedException {
        HazelcastInstance hazelcast = requireNonNull(this.hazelcast, "hazelcast");
        ClusterExchanges exchanges = (ClusterExchanges) hazelcast.getUserContext().get(ResponseDelivery.EXCHANGES);
        if (exchanges == null) {
            throw new IllegalStateException("this node serves no HTTP requests yet");
        }
        ListenerConnection listener = AcceptDelivery.connectedListener(hazelcast, namespace, entity, listenerId);
        Member member = MemberTasks.member(hazelcast, originMemberId).orElseThrow(() ->
                new IllegalStateException("member " + originMemberId + " left the cluster"));
        ResponseForwarder forwarder = new ResponseForwarder(requestId, listener, member,
                hazelcast.getExecutorService(HazelcastCluster.REQUEST_EXECUTOR), exchanges);
        // Twice the response timeout: the sender's node has given up by then (a rendezvous answer also ends it).
        forwarder.start(Duration.ofMillis(2 * responseTimeoutMillis));
        var decoded = ControlCommandCodec.decode(command);
        ChannelFuture written = body == null ? listener.send(decoded)
                : listener.send(decoded, Unpooled.wrappedBuffer(body));
        if (!written.await(AcceptDelivery.WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !written.isSuccess()) {
            forwarder.cancel();
            throw new IllegalStateException("request " + requestId + " not written to listener " + listenerId
                    + (written.isDone() ? ": " + written.cause() : " within " + AcceptDelivery.WRITE_TIMEOUT));
        }
        return true;
    }
}

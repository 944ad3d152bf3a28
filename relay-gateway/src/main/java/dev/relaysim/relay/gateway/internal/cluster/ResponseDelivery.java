package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * Parts of a listener's control-channel answer, run by Hazelcast's executor on the sender's node: they go to the
 * request's exchange there, in order. The head is dropped when the exchange is gone (it timed out) or was answered on
 * a rendezvous already, and the rest of that response with it. Answers whether an exchange took them.
 */
final class ResponseDelivery implements Callable<Boolean>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;
    /** The key of this node's {@link ClusterExchanges} in Hazelcast's user context. */
    static final String EXCHANGES = "relaysim.exchanges";

    private static final Logger logger = LoggerFactory.getLogger(ResponseDelivery.class);

    private final String requestId;
    private final List<ResponsePart> parts;
    private transient @Nullable HazelcastInstance hazelcast;

    ResponseDelivery(String requestId, List<ResponsePart> parts) {
        this.requestId = requireNonNull(requestId, "requestId");
        this.parts = List.copyOf(parts);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public Boolean call() throws ControlCommandException {
        HazelcastInstance hazelcast = requireNonNull(this.hazelcast, "hazelcast");
        ClusterExchanges exchanges = (ClusterExchanges) hazelcast.getUserContext().get(EXCHANGES);
        Optional<ClusterExchanges.RemoteExchange> found = exchanges == null ? Optional.empty()
                : exchanges.remoteExchange(requestId);
        if (found.isEmpty()) {
            if (parts.stream().allMatch(part -> part.kind() == ResponsePart.Kind.GONE)) {
                // The listener left after its exchange ended here (answered over a rendezvous, or timed out).
                logger.debug("listener of request {} on another node left after the request ended", requestId);
            } else {
                logger.info("response to request {} from another node dropped: no sender waits for it here",
                        requestId);
            }
            return false;
        }
        ClusterExchanges.RemoteExchange exchange = found.get();
        for (ResponsePart part : parts) {
            switch (part.kind()) {
                case HEAD -> {
                    if (!exchange.claimResponse()) {
                        logger.info("response to request {} from another node dropped: answered already", requestId);
                        return false;
                    }
                    exchange.onRemoteResponse((ResponseCommand) ControlCommandCodec.decode(
                            requireNonNull(part.text(), "text")));
                }
                case BODY -> exchange.onRemoteBody(Unpooled.wrappedBuffer(requireNonNull(part.body(), "body")),
                        part.last());
                case ABORT -> exchange.onRemoteAbort(requireNonNull(part.text(), "text"));
                case GONE -> exchange.onListenerGone();
                default -> throw new IllegalStateException("part " + part.kind());
            }
        }
        return true;
    }
}

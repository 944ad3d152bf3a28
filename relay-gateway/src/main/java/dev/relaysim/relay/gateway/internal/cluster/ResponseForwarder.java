package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.IExecutorService;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * On the listener's node: takes what a listener answers on its control channel to a request from another node (the
 * sender's) and sends it there as {@link ResponseDelivery} tasks, in order: one task at a time, each carrying every
 * part that arrived while the previous one was under way (a small response is usually one task: head and body). A
 * control channel that closes before the response is sent on as {@link ResponsePart.Kind#GONE}. Ends when the response
 * is complete, when the sender's node cannot be reached, or after {@code lifetime} (the sender's node gave up by then).
 */
final class ResponseForwarder implements HttpResponseReceiver {

    private static final Logger logger = LoggerFactory.getLogger(ResponseForwarder.class);

    private final String requestId;
    private final ListenerConnection listener;
    private final Member origin;
    private final IExecutorService executor;
    private final ClusterExchanges exchanges;
    private final ChannelFutureListener listenerGone = closed -> add(new ResponsePart(ResponsePart.Kind.GONE, null,
            null, true));
    private final List<ResponsePart> queued = new ArrayList<>();
    private boolean headSeen;
    private boolean sending;
    private boolean ended;
    private ScheduledFuture<?> expiry;

    ResponseForwarder(String requestId, ListenerConnection listener, Member origin, IExecutorService executor,
                      ClusterExchanges exchanges) {
        this.requestId = requireNonNull(requestId, "requestId");
        this.listener = requireNonNull(listener, "listener");
        this.origin = requireNonNull(origin, "origin");
        this.executor = requireNonNull(executor, "executor");
        this.exchanges = requireNonNull(exchanges, "exchanges");
    }

    /** Starts routing the listener's response here, for at most {@code lifetime}. */
    void start(Duration lifetime) {
        exchanges.forward(requestId, listener, this);
        Channel channel = listener.channel();
        channel.closeFuture().addListener(listenerGone);
        expiry = channel.eventLoop().schedule(() -> {
            if (finish()) {
                logger.debug("no response to forwarded request {} within {}", requestId, lifetime);
            }
        }, lifetime.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops without sending anything (the request could not be written). */
    void cancel() {
        finish();
    }

    @Override
    public void onResponse(ResponseCommand response, Channel source) {
        requireNonNull(response, "response");
        add(new ResponsePart(ResponsePart.Kind.HEAD, ControlCommandCodec.encode(response), null, !response.body()));
    }

    @Override
    public void onBody(ByteBuf content, boolean last) {
        try {
            add(new ResponsePart(ResponsePart.Kind.BODY, null, ByteBufUtil.getBytes(content), last));
        } finally {
            content.release();
        }
    }

    @Override
    public void onAbort(String reason) {
        add(new ResponsePart(ResponsePart.Kind.ABORT, reason, null, true));
    }

    private void add(ResponsePart part) {
        synchronized (this) {
            boolean afterHead = part.kind() == ResponsePart.Kind.GONE && headSeen;
            if (ended || afterHead) {
                return;
            }
            headSeen |= part.kind() == ResponsePart.Kind.HEAD;
            queued.add(part);
            if (part.ends()) {
                finish();
            }
        }
        send();
    }

    /** Sends what is queued unless a task is under way (its completion sends the rest). */
    private void send() {
        List<ResponsePart> parts;
        synchronized (this) {
            if (sending || queued.isEmpty()) {
                return;
            }
            parts = List.copyOf(queued);
            queued.clear();
            sending = true;
        }
        executor.submitToMember(new ResponseDelivery(requestId, parts), origin, new ExecutionCallback<Boolean>() {
            @Override
            public void onResponse(Boolean delivered) {
                synchronized (ResponseForwarder.this) {
                    sending = false;
                    if (!delivered) {
                        // Nobody there takes this response (any more): the rest of it would be dropped too.
                        queued.clear();
                        finish();
                    }
                }
                send();
            }

            @Override
            public void onFailure(Throwable failure) {
                logger.info("response to request {} not forwarded to {}: {}", requestId, origin.getAddress(),
                        failure.toString());
                synchronized (ResponseForwarder.this) {
                    queued.clear();
                    finish();
                }
            }
        });
    }

    /** Stops taking parts (those queued are still sent); true the first time. */
    private synchronized boolean finish() {
        if (ended) {
            return false;
        }
        ended = true;
        exchanges.stopForwarding(requestId, this);
        listener.channel().closeFuture().removeListener(listenerGone);
        if (expiry != null) {
            expiry.cancel(false);
        }
        return true;
    }
}

package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.admission.HttpErrors;
import dev.relaysim.relay.gateway.internal.admission.ServiceErrors;
import dev.relaysim.relay.gateway.internal.cluster.ClusterExchanges;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * One HTTP request relayed to one listener and its response. Its state lives on the sender's event loop; what
 * arrives from the listener's channels (other loops) is handed over with {@code execute}, in order.
 *
 * <h2>Request</h2>
 * <ul>
 *   <li>Full form (body of known length up to 64 KiB, command up to 32 KiB): the body is collected (at most 64 KiB),
 *       then command and body go out together on the control channel ({@link ListenerConnection#send(
 *       dev.relaysim.relay.common.protocol.ControlCommand, ByteBuf)}), so nothing can come between them.</li>
 *   <li>Address-only: {@code {"request":{"address","id"}}} goes out at once; the sender's connection stops reading
 *       until the listener opens the address, which then gets the full command and the body as one binary message
 *       in fragments of at most 64 KiB, streamed: the sender's autoRead follows the rendezvous's writability. If
 *       the listener does not open the address within the rendezvous timeout the sender gets 504.</li>
 * </ul>
 *
 * <h2>Response</h2>
 * The first {@code response} for the request id wins, on the control channel or on the rendezvous (which the
 * listener may open by itself for a full-form request, as the .NET listener and hyco-https do for large responses;
 * nothing is sent there then). Status and description pass through, {@code Via: 1.1 <namespace host>} is added,
 * hop-by-hop headers are dropped; the listener's {@code Content-Length} is kept (the connection is closed when the
 * body does not match it), else the body goes chunked. A body on a rendezvous may end by close instead of FIN; its
 * reading follows the sender's writability. No response within the response timeout: 504. The listener's control
 * channel closing before any response: 502.
 *
 * <h2>Across nodes</h2>
 * The listener may be on another node of the cluster ({@link RequestListener#remote}): the request goes there through
 * Hazelcast and is written on its control channel there; the addresses it gets are this node's, so its request
 * rendezvous (and a rendezvous it opens for its response) come here; what it answers on its control channel comes
 * back through Hazelcast, in order ({@link ClusterExchanges.RemoteExchange}). Timeouts and status codes are those of
 * a listener on this node.
 *
 * <h2>End</h2>
 * Once the response is complete the rendezvous (if any) is closed with 1000 and, if the request was complete and
 * keep-alive, the sender's connection reads its next request; otherwise it is closed.
 */
public final class HttpExchange implements HttpResponseReceiver, ClusterExchanges.RemoteExchange {

    private static final Logger logger = LoggerFactory.getLogger(HttpExchange.class);
    private static final Set<String> HOP_BY_HOP_RESPONSE = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "close");

    /** What the sender's connection learns from its exchange. */
    interface Owner {

        /** The exchange ended and the connection may read its next request. */
        void reusable(HttpExchange exchange);
    }

    private final HttpRequestMode mode;
    private final String id;
    private final int instance;
    private final Channel sender;
    private final Owner owner;
    private final RequestListener listener;
    private final HybridConnection entity;
    private final RequestCommand command;
    private final boolean addressOnly;
    private final boolean head;
    private final boolean keepAlive;
    private final String via;
    private final String systemTracker;
    private final AtomicBoolean responseClaimed = new AtomicBoolean();
    private final AtomicBoolean rendezvousClaimed = new AtomicBoolean();
    private Runnable stopWatchingListener = () -> { };

    private CompositeByteBuf smallBody;
    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private Channel rendezvous;
    private boolean firstFragmentSent;
    private boolean requestComplete;
    private boolean responseStarted;
    private Channel responseSource;
    /** Whether the response arrives from another node (the listener's control channel is there). */
    private boolean remoteResponse;
    private boolean bodyAllowed;
    private long declaredLength = -1;
    private long written;
    private boolean closeAfter;
    private boolean ended;
    private ScheduledFuture<?> responseTimer;
    private ScheduledFuture<?> rendezvousTimer;

    /**
     * @param instance the gateway instance whose rendezvous port serves the request's address
     * @param command the full-form command
     * @param addressOnly whether the listener gets the address-only form on its control channel
     * @param entity the hybrid connection the request is for (its namespace's host name goes into {@code Via}, its
     *               system tracker into error texts)
     */
    HttpExchange(HttpRequestMode mode, int instance, Channel sender, Owner owner, RequestListener listener,
                 RequestCommand command, boolean addressOnly, boolean head, boolean keepAlive,
                 HybridConnection entity) {
        this.mode = requireNonNull(mode, "mode");
        this.instance = instance;
        this.sender = requireNonNull(sender, "sender");
        this.owner = requireNonNull(owner, "owner");
        this.listener = requireNonNull(listener, "listener");
        this.command = requireNonNull(command, "command");
        this.id = command.id();
        this.addressOnly = addressOnly;
        this.head = head;
        this.keepAlive = keepAlive;
        this.entity = requireNonNull(entity, "entity");
        this.via = "1.1 " + entity.namespace().hostName();
        this.systemTracker = entity.systemTracker();
    }

    public String id() {
        return id;
    }

    public int instance() {
        return instance;
    }

    /** The hybrid connection the request is for. */
    public HybridConnection entity() {
        return entity;
    }

    /** The listener whose control channel got the request (on this node or another). */
    RequestListener listener() {
        return listener;
    }

    @Override
    public boolean claimResponse() {
        return responseClaimed.compareAndSet(false, true);
    }

    boolean claimRendezvous() {
        return rendezvousClaimed.compareAndSet(false, true);
    }

    /** On the sender's loop: registers the exchange and sends what can be sent before the body. */
    void start() {
        mode.exchanges().add(this);
        stopWatchingListener = listener.watchClose(() -> execute(this::listenerClosed));
        if (addressOnly) {
            send(listener.send(RequestCommand.addressOnly(command.address(), id)));
            Duration timeout = mode.protocol().rendezvousTimeout();
            rendezvousTimer = sender.eventLoop().schedule(() -> {
                if (rendezvous == null && rendezvousClaimed.compareAndSet(false, true)) {
                    fail(504, HttpErrors.GATEWAY_TIMEOUT, "The listener did not connect to the request rendezvous "
                            + "within " + timeout.toMillis() + " ms.", "request rendezvous " + id + " not opened");
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } else if (command.body()) {
            smallBody = sender.alloc().compositeBuffer();
        } else {
            send(listener.send(command));
        }
        updateReading();
    }

    /** On the sender's loop: a piece of the request body (taking ownership), {@code last} with the final one. */
    void requestBody(ByteBuf content, boolean last) {
        if (ended) {
            content.release();
            return;
        }
        requestComplete |= last;
        if (!command.body()) {
            content.release();
        } else if (!addressOnly) {
            smallBody.addComponent(true, content);
            if (last) {
                ByteBuf body = smallBody;
                smallBody = null;
                send(listener.send(command, body));
            }
        } else if (rendezvous == null) {
            early.add(content);
        } else {
            writeFragment(content, last);
            rendezvous.flush();
        }
        updateReading();
    }

    /** Whether the whole request (head and body) has arrived. */
    boolean requestComplete() {
        return requestComplete;
    }

    /** From the rendezvous's loop once its WebSocket handshake is complete. */
    void attach(Channel channel) {
        execute(() -> {
            if (ended) {
                closeQuietly(channel, WebSocketCloseStatus.NORMAL_CLOSURE, "The request has ended");
                return;
            }
            rendezvous = channel;
            cancel(rendezvousTimer);
            if (addressOnly) {
                channel.write(new TextWebSocketFrame(ControlCommandCodec.encode(command)));
                while (!early.isEmpty()) {
                    ByteBuf content = early.poll();
                    writeFragment(content, requestComplete && early.isEmpty());
                }
                channel.flush();
            }
            updateReading();
        });
    }

    /** From the rendezvous's loop when its writability changed. */
    void rendezvousWritabilityChanged() {
        execute(this::updateReading);
    }

    /** On the sender's loop when its writability changed. */
    void senderWritabilityChanged() {
        if (sender.isWritable() && responseSource != null && responseSource == rendezvous) {
            rendezvous.config().setAutoRead(true);
        }
    }

    /** On the sender's loop when its connection closed. */
    void senderClosed() {
        if (!ended) {
            logger.debug("{} sender went away during HTTP request {}", sender, id);
            end();
            closeQuietly(rendezvous, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "The sender disconnected");
        }
    }

    /** The listener's request rendezvous was refused (not a WebSocket upgrade): the sender gets 502. */
    public void rendezvousRefused(String reason) {
        requireNonNull(reason, "reason");
        execute(() -> fail(502, HttpErrors.BAD_GATEWAY, "The listener's request rendezvous failed.", reason));
    }

    /** From the rendezvous's loop when it closed (after any body frames it delivered). */
    void rendezvousClosed(Channel channel) {
        execute(() -> {
            if (ended) {
                return;
            }
            if (responseStarted && responseSource == channel) {
                complete();
            } else if (!responseStarted && addressOnly && channel == rendezvous) {
                fail(502, HttpErrors.BAD_GATEWAY, "The listener closed the request rendezvous without a response.",
                        "request rendezvous " + id + " closed without a response");
            }
        });
    }

    @Override
    public void onResponse(ResponseCommand response, Channel source) {
        requireNonNull(response, "response");
        requireNonNull(source, "source");
        execute(() -> respond(response, source));
    }

    @Override
    public void onBody(ByteBuf content, boolean last) {
        requireNonNull(content, "content");
        execute(() -> responseBody(content, last), content);
    }

    @Override
    public void onAbort(String reason) {
        execute(() -> fail(502, HttpErrors.BAD_GATEWAY, "The listener went away during its response.", reason));
    }

    @Override
    public void onRemoteResponse(ResponseCommand response) {
        requireNonNull(response, "response");
        execute(() -> {
            remoteResponse = !ended;
            respond(response, null);
        });
    }

    @Override
    public void onRemoteBody(ByteBuf content, boolean last) {
        requireNonNull(content, "content");
        execute(() -> {
            if (remoteResponse) {
                responseBody(content, last);
            } else {
                content.release();
            }
        }, content);
    }

    @Override
    public void onRemoteAbort(String reason) {
        execute(() -> {
            if (remoteResponse) {
                fail(502, HttpErrors.BAD_GATEWAY, "The listener went away during its response.", reason);
            }
        });
    }

    @Override
    public void onListenerGone() {
        execute(this::listenerClosed);
    }

    /** @param source the rendezvous or local control channel it arrives on; null when it comes from another node */
    private void respond(ResponseCommand response, @Nullable Channel source) {
        if (ended) {
            return;
        }
        responseStarted = true;
        responseSource = source;
        cancel(responseTimer);
        cancel(rendezvousTimer);
        int code = response.statusCode();
        String description = response.statusDescription() == null ? "" : response.statusDescription();
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(code, ServiceErrors.reasonPhrase(description, code)));
        String viaValue = via;
        String length = null;
        for (Map.Entry<String, String> header : response.responseHeaders().entrySet()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (lower.equals("content-length")) {
                length = header.getValue();
            } else if (lower.equals("via")) {
                viaValue = header.getValue() + ", " + via;
            } else if (!HOP_BY_HOP_RESPONSE.contains(lower)) {
                try {
                    out.headers().add(header.getKey(), header.getValue());
                } catch (IllegalArgumentException e) {
                    logger.info("{} dropped response header of request {}: {}", sender, id, e.getMessage());
                }
            }
        }
        out.headers().set(HttpHeaderNames.VIA, viaValue);
        declaredLength = parseLength(length);
        bodyAllowed = !head && code >= 200 && code != 204 && code != 304;
        if (bodyAllowed && !response.body()) {
            declaredLength = 0;
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else if ((bodyAllowed || head) && declaredLength >= 0) {
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, declaredLength);
        } else if (bodyAllowed) {
            out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (!keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        logger.debug("{} HTTP request {} answered {} {}", sender, id, code, description);
        mode.metrics().httpRequest(code);
        sender.write(out);
        if (response.body()) {
            sender.flush();
        } else {
            complete();
        }
    }

    private void responseBody(ByteBuf content, boolean last) {
        if (ended || !responseStarted || !bodyAllowed) {
            content.release();
        } else if (declaredLength >= 0 && written + content.readableBytes() > declaredLength) {
            logger.info("{} listener sent more than the Content-Length {} for request {}; closing", sender,
                    declaredLength, id);
            closeAfter = true;
            content.release();
        } else if (content.isReadable()) {
            written += content.readableBytes();
            sender.write(new DefaultHttpContent(content));
        } else {
            content.release();
        }
        if (ended) {
            return;
        }
        if (last) {
            complete();
        } else {
            sender.flush();
            if (!sender.isWritable() && responseSource == rendezvous && rendezvous != null) {
                rendezvous.config().setAutoRead(false);
            }
        }
    }

    private void complete() {
        if (bodyAllowed && declaredLength >= 0 && written != declaredLength) {
            logger.info("{} response to request {} had {} of {} bytes; closing", sender, id, written, declaredLength);
            closeAfter = true;
        }
        end();
        ChannelFuture done = sender.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        closeQuietly(rendezvous, WebSocketCloseStatus.NORMAL_CLOSURE, "Response complete");
        if (keepAlive && requestComplete && !closeAfter) {
            owner.reusable(this);
        } else {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void fail(int status, String code, String message, String reason) {
        if (ended) {
            return;
        }
        end();
        logger.info("{} HTTP request {} failed {}: {}", sender, id, status, reason);
        closeQuietly(rendezvous, WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "The request failed");
        String trackingId = ServiceErrors.trackingId(instance);
        mode.refusals().requestFailed(sender, status, !responseStarted, systemTracker, listener.id(), trackingId,
                "request " + id + ": " + reason);
        if (responseStarted) {
            sender.close();
            return;
        }
        mode.metrics().httpRequest(status);
        String text = mode.refusals().describe(message, trackingId, systemTracker);
        ServiceErrors.respondAndClose(sender, HttpErrors.response(status, code, text));
    }

    private void listenerClosed() {
        if (!responseStarted && rendezvous == null) {
            fail(502, HttpErrors.BAD_GATEWAY, "The listener disconnected before it responded.",
                    "listener " + listener.id() + " disconnected");
        }
    }

    /** The request (or its body) was handed to the listener's control channel. */
    private void send(CompletionStage<Void> sent) {
        Duration timeout = mode.protocol().responseTimeout();
        responseTimer = sender.eventLoop().schedule(() -> {
            if (!responseStarted) {
                fail(504, HttpErrors.GATEWAY_TIMEOUT, "The listener did not respond within " + timeout.toMillis()
                        + " ms.", "no response within " + timeout);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        sent.whenComplete((written, failure) -> {
            if (failure != null) {
                execute(() -> fail(502, HttpErrors.BAD_GATEWAY, "The request could not be sent to the listener.",
                        "request to listener " + listener.id() + " failed: " + failure));
            }
        });
    }

    private void writeFragment(ByteBuf content, boolean last) {
        if (!content.isReadable() && !last) {
            content.release();
            return;
        }
        int max = ListenerRequests.MAX_CONTROL_CHANNEL_BODY;
        while (content.readableBytes() > max) {
            rendezvous.write(fragment(content.readRetainedSlice(max), false));
        }
        rendezvous.write(fragment(content, last));
    }

    private WebSocketFrame fragment(ByteBuf content, boolean last) {
        if (firstFragmentSent) {
            return new ContinuationWebSocketFrame(last, 0, content);
        }
        firstFragmentSent = true;
        return new BinaryWebSocketFrame(last, 0, content);
    }

    /** Reads the sender's request body only while it can go somewhere; stops at its end (no pipelining). */
    private void updateReading() {
        if (ended) {
            return;
        }
        boolean read = !requestComplete && (!addressOnly || rendezvous != null && rendezvous.isWritable());
        sender.config().setAutoRead(read);
    }

    private void end() {
        ended = true;
        mode.exchanges().remove(this);
        stopWatchingListener.run();
        rendezvousClaimed.set(true);
        cancel(responseTimer);
        cancel(rendezvousTimer);
        if (smallBody != null) {
            smallBody.release();
            smallBody = null;
        }
        while (!early.isEmpty()) {
            early.poll().release();
        }
    }

    private void execute(Runnable task) {
        sender.eventLoop().execute(task);
    }

    private void execute(Runnable task, ByteBuf owned) {
        try {
            sender.eventLoop().execute(task);
        } catch (RuntimeException e) {
            owned.release();
            throw e;
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static void closeQuietly(Channel channel, WebSocketCloseStatus status, String reason) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static long parseLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(value.strip());
            return length < 0 ? -1 : length;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "HTTP request " + id + " " + command.method() + ' ' + command.requestTarget() + " from " + sender;
    }
}

package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.internal.admission.AdmissionRequest;
import dev.relaysim.relay.gateway.internal.admission.HttpErrors;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Verdict;
import dev.relaysim.relay.gateway.internal.cluster.RemoteListener;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;

import static java.util.Objects.requireNonNull;

/**
 * A front-end connection's HTTP-mode requests (paths without {@code $hc}). Position: after {@code HTTP_CODEC},
 * before {@code HTTP_AGGREGATOR}, so that request bodies stream instead of being aggregated. Requests whose path
 * starts with {@code $hc} (and requests that did not decode or parse, which {@code UPGRADE_ROUTER} answers) pass on
 * unchanged, with their content; so do WebSocket frames once such a request was upgraded.
 * <p>For an HTTP-mode request: {@code HANDSHAKE_TIMEOUT} is removed, {@code CONNECT} is answered 405, and the
 * request passes the {@link dev.relaysim.relay.gateway.internal.admission.Gatekeeper} for Send as on the WebSocket path
 * (token from {@code ServiceBusAuthorization}, else {@code sb-hc-token}, else, only where a token is required,
 * {@code Authorization}, which is then not forwarded), with the same 401/403/404 texts. Without a ready listener
 * the sender gets 502 (in a cluster: without one on any node). Otherwise one listener is picked in turn (one on
 * this node first, else one on another node) and an {@link HttpExchange} relays the
 * request and its response; a sender expecting {@code 100-continue} gets it then (the gateway answers it, so
 * {@code Expect} is not forwarded). One exchange at a time: a request pipelined behind it waits (with its content)
 * until the response is complete, and keep-alive connections carry any number of sequential requests.
 */
public final class HttpSenderHandler extends ChannelInboundHandlerAdapter implements HttpExchange.Owner {

    static final String NO_LISTENERS = "There are no listeners connected for the endpoint.";
    /**
     * The target of the last {@code $hc} request this handler passed on, parsed, so that {@code UPGRADE_ROUTER} does
     * not parse it a second time ({@link #passedTarget}).
     */
    private static final AttributeKey<PassedTarget> PASSED_TARGET =
            AttributeKey.valueOf(HttpSenderHandler.class, "passedTarget");

    private static final Logger logger = LoggerFactory.getLogger(HttpSenderHandler.class);

    private final HttpRequestMode mode;
    private final Queue<Object> deferred = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private HttpExchange current;
    /** Whether the request being read is the current exchange's. */
    private boolean inRequest;
    /** Whether the content being read belongs to a request passed on to the upgrade path. */
    private boolean passingOn;

    public HttpSenderHandler(HttpRequestMode mode) {
        this.mode = requireNonNull(mode, "mode");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject && (!deferred.isEmpty() || current != null && !inRequest)) {
            deferred.add(msg);
            return;
        }
        handle(ctx, msg);
    }

    /**
     * The target this handler parsed of {@code requestUri} when it passed that request on, or null where it parsed
     * none (the port has no {@code HTTP_SENDER}, or the request did not decode). Taken once.
     */
    public static @Nullable RelayRequestTarget passedTarget(Channel channel, String requestUri) {
        PassedTarget passed = channel.attr(PASSED_TARGET).getAndSet(null);
        return passed != null && passed.uri().equals(requestUri) ? passed.target() : null;
    }

    /** A request URI and its target as parsed. */
    private record PassedTarget(String uri, RelayRequestTarget target) {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.senderWritabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.senderClosed();
            current = null;
        }
        releaseDeferred();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseDeferred();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void reusable(HttpExchange exchange) {
        if (exchange != current) {
            return;
        }
        current = null;
        while (!deferred.isEmpty() && (current == null || inRequest)) {
            handle(ctx, deferred.poll());
        }
        if (current == null) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(ctx, request);
        } else if (msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            if (passingOn) {
                passingOn = !last;
                ctx.fireChannelRead(msg);
            } else if (current != null && inRequest) {
                inRequest = !last;
                current.requestBody(content.content().retain(), last);
                content.release();
            } else {
                content.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        boolean last = request instanceof LastHttpContent;
        RelayRequestTarget target = null;
        if (request.decoderResult().isSuccess()) {
            try {
                target = RelayRequestTarget.parse(request.uri());
            } catch (InvalidRequestTargetException e) {
                target = null;
            }
        }
        if (target == null || target.hybridConnectionPath()) {
            passingOn = !last;
            if (target != null) {
                ctx.channel().attr(PASSED_TARGET).set(new PassedTarget(request.uri(), target));
            }
            ctx.fireChannelRead(request);
            return;
        }
        if (ctx.pipeline().context(GatewayHandlerNames.HANDSHAKE_TIMEOUT) != null) {
            ctx.pipeline().remove(GatewayHandlerNames.HANDSHAKE_TIMEOUT);
        }
        String host = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST));
        Channel sender = ctx.channel();
        if (request.method().equals(HttpMethod.CONNECT)) {
            refuse(sender, Refusal.of(405, "MethodNotAllowed: CONNECT is not supported by hybrid connections.",
                    host + ':' + target.path(), "CONNECT"));
            return;
        }
        Verdict verdict = mode.gatekeeper().admit(new AdmissionRequest(sender, host, target, request.headers(),
                AccessRight.SEND, AdmissionRequest.Kind.HTTP_REQUEST, null));
        if (verdict instanceof Refusal refusal) {
            refuse(sender, refusal);
            return;
        }
        Verdict.Admitted admitted = (Verdict.Admitted) verdict;
        HybridConnection entity = admitted.entity();
        ListenerConnection local = entity.listeners().next().orElse(null);
        Optional<RemoteListener> remote = local == null ? mode.cluster().remoteListener(entity) : Optional.empty();
        if (local == null && remote.isEmpty()) {
            refuse(sender, Refusal.of(RefusalReason.NO_LISTENER, 502, NO_LISTENERS, entity.systemTracker(),
                    "no listener connected").asJsonError(HttpErrors.BAD_GATEWAY));
            return;
        }
        RequestListener listener = local != null ? RequestListener.local(local)
                : RequestListener.remote(mode.cluster(), entity, remote.get(), mode.protocol().responseTimeout());
        boolean secure = local != null ? local.secure() : remote.get().secure();
        // A listener on another node gets addresses of this node, as for a cross-node accept.
        InetSocketAddress addressHost = local != null ? local.localAddress()
                : mode.cluster().acceptHost().orElseThrow();
        // Any port, not one of the sender's loop: an exchange spans two loops by design (its rendezvous is never
        // moved), so a large body's two legs, TLS included, run on two threads.
        int instance = mode.rendezvousPorts().nextInstance();
        String id = PendingRendezvous.newId(instance);
        String address = ListenerRequests.rendezvousAddress(secure,
                mode.rendezvousPorts().authority(addressHost, instance), target.encodedPath(), id);
        long contentLength = HttpUtil.isTransferEncodingChunked(request) ? -1
                : HttpUtil.getContentLength(request, 0L);
        RequestCommand command = new RequestCommand(address, id, target.listenerRequestTarget(),
                request.method().name(), ListenerConnection.remoteEndpoint(sender.remoteAddress()),
                ListenerRequests.requestHeaders(request.headers(), admitted.authorizationHeaderIsToken()),
                contentLength != 0);
        boolean addressOnly = ListenerRequests.needsRendezvous(command, contentLength);
        inRequest = !last;
        current = new HttpExchange(mode, instance, sender, this, listener, command, addressOnly,
                request.method().equals(HttpMethod.HEAD), HttpUtil.isKeepAlive(request), entity);
        logger.debug("{} {} to listener {}{}", ctx.channel(), current, listener.id(),
                addressOnly ? " via rendezvous" : "");
        current.start();
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (last) {
            current.requestBody(Unpooled.EMPTY_BUFFER, true);
        }
    }

    /** Answers an HTTP-mode request with {@code refusal} (tracking ids of front ends: {@code _G0}). */
    private void refuse(Channel sender, Refusal refusal) {
        mode.refusals().answerHttpRequest(sender, refusal, 0);
    }

    private void releaseDeferred() {
        while (!deferred.isEmpty()) {
            ReferenceCountUtil.release(deferred.poll());
        }
    }
}

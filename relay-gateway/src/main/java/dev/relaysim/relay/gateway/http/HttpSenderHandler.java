package dev.relaysim.relay.gateway.http;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.admission.HttpErrors;
import dev.relaysim.relay.gateway.admission.NetworkGuard;
import dev.relaysim.relay.gateway.admission.ServiceErrors;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision;
import dev.relaysim.relay.gateway.auth.AuthorizationRequest;
import dev.relaysim.relay.gateway.control.ListenerConnection;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
import dev.relaysim.relay.gateway.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.pipeline.UpgradeRouter;
import dev.relaysim.relay.gateway.registry.EntityMatch;
import dev.relaysim.relay.gateway.registry.HybridConnection;
import dev.relaysim.relay.gateway.registry.Namespace;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.rendezvous.PendingRendezvous;
import io.netty.buffer.Unpooled;
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
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;

import static java.util.Objects.requireNonNull;

/**
 * A front-end connection's HTTP-mode requests (paths without {@code $hc}). Position: after {@code HTTP_CODEC},
 * before {@code HTTP_AGGREGATOR}, so that request bodies stream instead of being aggregated. Requests whose path
 * starts with {@code $hc} (and requests that did not decode or parse, which {@code UPGRADE_ROUTER} answers) pass on
 * unchanged, with their content; so do WebSocket frames once such a request was upgraded.
 * <p>For an HTTP-mode request: {@code HANDSHAKE_TIMEOUT} is removed, {@code CONNECT} is answered 405, the
 * namespace (from {@code Host}/SNI) and hybrid connection are found and the sender authorized for Send as on the
 * WebSocket path (token from {@code ServiceBusAuthorization}, else {@code sb-hc-token}, else, only where a token is
 * required, {@code Authorization}, which is then not forwarded), with the same 401/403/404 texts. Without a ready
 * listener the sender gets 502. Otherwise one listener is picked in turn and an {@link HttpExchange} relays the
 * request and its response; a sender expecting {@code 100-continue} gets it then (the gateway answers it, so
 * {@code Expect} is not forwarded). One exchange at a time: a request pipelined behind it waits (with its content) until
 * the response is complete, and keep-alive connections carry any number of sequential requests.
 */
public final class HttpSenderHandler extends ChannelInboundHandlerAdapter implements HttpExchange.Owner {

    static final String NO_LISTENERS = "There are no listeners connected for the endpoint.";

    private static final Logger logger = LoggerFactory.getLogger(HttpSenderHandler.class);

    private final GatewayContext context;
    private final Queue<Object> deferred = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private HttpExchange current;
    /** Whether the request being read is the current exchange's. */
    private boolean inRequest;
    /** Whether the content being read belongs to a request passed on to the upgrade path. */
    private boolean passingOn;

    public HttpSenderHandler(GatewayContext context) {
        this.context = requireNonNull(context, "context");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject && (!deferred.isEmpty() || current != null && !inRequest)) {
            deferred.add(msg);
            return;
        }
        handle(ctx, msg);
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
            ctx.fireChannelRead(request);
            return;
        }
        if (ctx.pipeline().context(GatewayHandlerNames.HANDSHAKE_TIMEOUT) != null) {
            ctx.pipeline().remove(GatewayHandlerNames.HANDSHAKE_TIMEOUT);
        }
        String host = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST));
        if (request.method().equals(HttpMethod.CONNECT)) {
            refuse(ctx, 405, "MethodNotAllowed: CONNECT is not supported by hybrid connections.",
                    host + ':' + target.path(), "CONNECT");
            return;
        }
        Optional<Namespace> found = context.resolveNamespace(host, UpgradeRouter.serverName(ctx),
                ctx.channel().localAddress());
        if (found.isEmpty()) {
            refuse(ctx, 404, UpgradeRouter.ENDPOINT_DOES_NOT_EXIST, host + ':' + target.path(),
                    "no namespace has host name '" + host + "'");
            return;
        }
        Namespace namespace = found.get();
        NetworkGuard.Decision network = context.networkGuard().judge(ctx.channel(), namespace.name());
        if (network.refused()) {
            refuseNetwork(ctx, namespace.hostName() + ':' + target.path(), network.admission().rule());
            return;
        }
        boolean tokenRequired = namespace.match(target.path())
                .map(match -> match.entity().requiresClientAuthorization())
                .orElse(true);
        String token = request.headers().get(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION);
        if (token == null) {
            token = target.token().orElse(null);
        }
        boolean authorizationIsToken = false;
        if (token == null && tokenRequired) {
            token = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            authorizationIsToken = token != null;
        }
        AuthorizationDecision decision = context.authorizer().authorize(
                new AuthorizationRequest(namespace, target.path(), host, token, AccessRight.SEND));
        if (network.trustedServicesOnly() && !(decision instanceof Granted grant
                && NetworkGuard.isTrustedService(grant.match().entity(), grant.keyName()))) {
            refuseNetwork(ctx, namespace.hostName() + ':' + target.path(), network.admission().rule()
                    + "; the caller is not a trusted service");
            return;
        }
        if (decision instanceof Refused refused) {
            refuse(ctx, refused.statusCode(), refused.message(), refused.systemTracker(), refused.reason());
            return;
        }
        EntityMatch match = ((Granted) decision).match();
        HybridConnection entity = match.entity();
        Optional<ListenerConnection> chosen = entity.listeners().next();
        if (chosen.isEmpty()) {
            logger.info("{} refused 502: no listener connected to {}", ctx.channel(), entity);
            String trackingId = ServiceErrors.trackingId(0);
            context.refused(ctx.channel(), RefusalReason.NO_LISTENER, 502, entity.systemTracker(), trackingId,
                    "no listener connected");
            context.metrics().httpRequest(502);
            String text = ServiceErrors.describe(NO_LISTENERS, trackingId, entity.systemTracker(),
                    context.clock().instant());
            ServiceErrors.respondAndClose(ctx.channel(), HttpErrors.response(502, HttpErrors.BAD_GATEWAY, text));
            return;
        }
        ListenerConnection listener = chosen.get();
        int instance = context.rendezvousPorts().nextInstance();
        String id = PendingRendezvous.newId(instance);
        String address = ListenerRequests.rendezvousAddress(listener.secure(),
                context.rendezvousPorts().authority(listener.localAddress(), instance), target.encodedPath(), id);
        long contentLength = HttpUtil.isTransferEncodingChunked(request) ? -1
                : HttpUtil.getContentLength(request, 0L);
        RequestCommand command = new RequestCommand(address, id, target.listenerRequestTarget(),
                request.method().name(), UpgradeRouter.remoteEndpoint(ctx.channel().remoteAddress()),
                ListenerRequests.requestHeaders(request.headers(), authorizationIsToken), contentLength != 0);
        boolean addressOnly = ListenerRequests.needsRendezvous(command, contentLength);
        inRequest = !last;
        current = new HttpExchange(context, instance, ctx.channel(), this, listener, command, addressOnly,
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

    /** 401 as the service refuses a client its network rules keep out; the log names the rule that decided. */
    private void refuseNetwork(ChannelHandlerContext ctx, String tracker, String rule) {
        logger.info("{} refused 401: network rules: {} (remote {})", ctx.channel(), rule, ctx.channel().remoteAddress());
        String trackingId = ServiceErrors.trackingId(0);
        context.refused(ctx.channel(), RefusalReason.NETWORK_RULE, 401, tracker, trackingId, rule);
        context.metrics().httpRequest(401);
        String text = ServiceErrors.describe(NetworkGuard.refusalMessage(), trackingId, tracker,
                context.clock().instant());
        ServiceErrors.respondAndClose(ctx.channel(), 401, text);
    }

    private void refuse(ChannelHandlerContext ctx, int status, String message, String tracker, String reason) {
        logger.info("{} refused {}: {} (remote {})", ctx.channel(), status, LogRedaction.redact(reason),
                ctx.channel().remoteAddress());
        String trackingId = ServiceErrors.trackingId(0);
        context.refused(ctx.channel(), RefusalReason.forStatus(status), status, tracker, trackingId, reason);
        context.metrics().httpRequest(status);
        String text = ServiceErrors.describe(message, trackingId, tracker, context.clock().instant());
        ServiceErrors.respondAndClose(ctx.channel(), status, text);
    }


    private void releaseDeferred() {
        while (!deferred.isEmpty()) {
            ReferenceCountUtil.release(deferred.poll());
        }
    }
}

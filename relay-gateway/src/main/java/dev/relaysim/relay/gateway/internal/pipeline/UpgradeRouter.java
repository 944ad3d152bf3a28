package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.ServiceErrors;
import dev.relaysim.relay.gateway.internal.http.HttpSenderHandler;
import dev.relaysim.relay.gateway.internal.http.RequestRendezvousRouter;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The {@code UPGRADE_ROUTER} of a port: takes the {@code FullHttpRequest} the aggregator produces (removing
 * {@code HANDSHAKE_TIMEOUT}: the request is in), parses its target once and hands it to the router of its action,
 * or answers it (service-style text, connection closed) where it did not decode or parse, has no {@code $hc} path
 * or names an action this port does not serve. Position: after {@code HTTP_AGGREGATOR}, before
 * {@code ERROR_HANDLER}.
 * <ul>
 *   <li>{@code listen} (front ends): {@link ListenRouter}.</li>
 *   <li>{@code connect}, or no action on {@code /$hc/} (front ends): {@link ConnectRouter}, which holds the
 *       request until a listener accepts; data the sender sends meanwhile is refused here (400).</li>
 *   <li>{@code accept} (rendezvous port of the instance the rendezvous was issued for): {@link AcceptRouter}.</li>
 *   <li>{@code request} (rendezvous port of the instance the request address was issued for):
 *       {@link RequestRendezvousRouter}.</li>
 *   <li>Paths without {@code $hc} are HTTP-mode requests, which front ends divert before the aggregator
 *       ({@code HTTP_SENDER}); on a port that is only a rendezvous port they get 404.</li>
 * </ul>
 * Every router passes the {@link Gatekeeper}; every refusal is answered by {@link Refusals}. One instance per
 * channel.
 */
public final class UpgradeRouter extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(UpgradeRouter.class);

    /**
     * The routers of one gateway, one per action, shared by every port.
     *
     * @param refusals answers what this dispatcher refuses itself
     * @param metrics times each handshake from its complete request on
     */
    record Routes(Refusals refusals, GatewayMetrics metrics, ListenRouter listen, ConnectRouter connect,
                  AcceptRouter accept, RequestRendezvousRouter request) {

        Routes {
            requireNonNull(refusals, "refusals");
            requireNonNull(metrics, "metrics");
            requireNonNull(listen, "listen");
            requireNonNull(connect, "connect");
            requireNonNull(accept, "accept");
            requireNonNull(request, "request");
        }
    }

    private final Routes routes;
    /** Whether listen and connect are served here (a front end). */
    private final boolean frontEnd;
    /** The rendezvous instance whose accept addresses this port serves, or -1. */
    private final int instance;
    private PendingRendezvous held;
    /** Whether a request was answered with an error: the connection is closing, later requests are dropped. */
    private boolean refused;

    private UpgradeRouter(Routes routes, boolean frontEnd, int instance) {
        this.routes = routes;
        this.frontEnd = frontEnd;
        this.instance = instance;
    }

    /**
     * A router for one port: a front end (listen and connect), the rendezvous port of instance {@code gN} (accept
     * only), or both, when a front-end port lies in the rendezvous range (the default TLS port 9443 is g43's).
     *
     * @param instance N of {@code gN}, or -1 when the port is no rendezvous port
     */
    public static UpgradeRouter forPort(GatewayContext context, boolean frontEnd, int instance) {
        if (instance < -1 || instance >= context.rendezvousPorts().size()) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: -1-"
                    + (context.rendezvousPorts().size() - 1) + ')');
        }
        if (!frontEnd && instance < 0) {
            throw new IllegalArgumentException("a port is a front end, a rendezvous port or both");
        }
        return new UpgradeRouter(context.routes(), frontEnd, instance);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (held != null || !(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            if (held != null && ctx.channel().isActive()) {
                // No 101 yet: the sender learns why; closing drops its rendezvous (see ConnectRouter).
                refuse(ctx, Refusal.of(400, "BadRequest: The client sent data before its WebSocket upgrade "
                        + "completed.", held.match().entity().systemTracker(),
                        "sent data while its upgrade was pending"));
                return;
            }
            logger.info("{} sent data while its upgrade was pending; closing", ctx.channel());
            ctx.close();
            return;
        }
        if (ctx.pipeline().context(GatewayHandlerNames.HANDSHAKE_TIMEOUT) != null) {
            ctx.pipeline().remove(GatewayHandlerNames.HANDSHAKE_TIMEOUT);
        }
        HandshakeTimer.start(ctx.channel(), routes.metrics());
        boolean handedOn = false;
        try {
            handedOn = route(ctx, request);
        } finally {
            if (!handedOn) {
                refused = true;
                request.release();
            }
        }
    }

    /** @return whether the request was handed on (held or passed to a handshake) rather than answered */
    private boolean route(ChannelHandlerContext ctx, FullHttpRequest request) {
        String host = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST));
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            if (cause instanceof PrematureChannelClosureException) {
                // The connection closed mid-request (the client left, or HANDSHAKE_TIMEOUT answered 408): no one to
                // answer, and no second refusal to log or count.
                logger.debug("{} closed before its request was complete", ctx.channel());
                return false;
            }
            int status = cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongHttpLineException ? 414 : 400;
            // A head that did not decode may have no Host header: the tracker is then the address it came to.
            String tracker = host.isEmpty() ? ServiceErrors.addressTracker(ctx.channel()) : host;
            return refuse(ctx, Refusal.of(status, "BadRequest: The request is not valid HTTP/1.1: "
                    + cause.getMessage(), tracker, "undecodable request: " + cause));
        }
        RelayRequestTarget target = HttpSenderHandler.passedTarget(ctx.channel(), request.uri());
        if (target == null) {
            try {
                target = RelayRequestTarget.parse(request.uri());
            } catch (InvalidRequestTargetException e) {
                return refuse(ctx, Refusal.of(400, "BadRequest: " + e.getMessage(), host,
                        "bad request target: " + e.getMessage()));
            }
        }
        String tracker = host + ':' + target.path();
        if (!target.hybridConnectionPath()) {
            return refuse(ctx, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, tracker, "HTTP request "
                    + request.method() + " on the rendezvous port of g" + instance));
        }
        HcAction action = target.action().orElse(HcAction.CONNECT);
        if (action == HcAction.ACCEPT && instance >= 0) {
            return routes.accept().route(ctx, request, target, host, instance);
        }
        if (action == HcAction.REQUEST && instance >= 0) {
            return routes.request().route(ctx, request, target, host, instance);
        }
        if (!frontEnd) {
            return refuse(ctx, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, tracker, "action "
                    + action.wireName() + " on the rendezvous port of g" + instance));
        }
        if (action == HcAction.ACCEPT || action == HcAction.REQUEST) {
            return refuse(ctx, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, tracker, "action "
                    + action.wireName() + " on a front end (rendezvous addresses point at rendezvous ports)"));
        }
        if (action == HcAction.LISTEN) {
            return routes.listen().route(ctx, request, target, host, instance);
        }
        held = routes.connect().route(ctx, request, target, host, instance);
        return held != null;
    }

    /** @return false: the request was answered, not handed on */
    private boolean refuse(ChannelHandlerContext ctx, Refusal refusal) {
        refused = true;
        routes.refusals().answer(ctx.channel(), refusal, Math.max(instance, 0));
        return false;
    }
}

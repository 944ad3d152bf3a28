package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.admission.AdmissionRequest;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.Verdict;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationRequest;
import dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.control.ControlChannelHandler;
import dev.relaysim.relay.gateway.internal.control.HttpResponseRouter;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * A listener's {@code listen} request on a front end: admitted by the {@link Gatekeeper} for Listen, it takes a
 * place in its hybrid connection's {@link ListenerSet} (else 403 {@code Quota exceeded.}); then
 * {@code WEBSOCKET_PROTOCOL} and {@code CONTROL_CHANNEL} go after the router, which hands the request to Netty's
 * handshake and leaves the pipeline. The control channel is watched by the {@link NetworkGuard} and leaves its set
 * when it closes. In a cluster the place is also taken among the listeners of every node ({@link ListenerCluster}).
 * Thread-safe: one per gateway.
 */
final class ListenRouter {

    private static final Logger logger = LoggerFactory.getLogger(ListenRouter.class);

    private final Gatekeeper gatekeeper;
    private final Refusals refusals;
    private final ConnectionMeters meters;
    private final ProtocolSettings protocol;
    private final WebSocketUpgrades.ProtocolHandlers protocolHandlers;
    private final RelayAuthorizer authorizer;
    private final HttpResponseRouter httpResponses;
    private final Clock clock;
    private final NetworkGuard networkGuard;
    private final ListenerCluster cluster;

    /**
     * @param authorizer renews the control channel's token
     * @param httpResponses where the control channel's {@code response} commands go
     * @param cluster the listeners of the other nodes
     */
    ListenRouter(Gatekeeper gatekeeper, Refusals refusals, ConnectionMeters meters, ProtocolSettings protocol,
                 WebSocketUpgrades.ProtocolHandlers protocolHandlers, RelayAuthorizer authorizer,
                 HttpResponseRouter httpResponses, Clock clock, NetworkGuard networkGuard, ListenerCluster cluster) {
        this.gatekeeper = requireNonNull(gatekeeper, "gatekeeper");
        this.refusals = requireNonNull(refusals, "refusals");
        this.meters = requireNonNull(meters, "meters");
        this.protocol = requireNonNull(protocol, "protocol");
        this.protocolHandlers = requireNonNull(protocolHandlers, "protocolHandlers");
        this.authorizer = requireNonNull(authorizer, "authorizer");
        this.httpResponses = requireNonNull(httpResponses, "httpResponses");
        this.clock = requireNonNull(clock, "clock");
        this.networkGuard = requireNonNull(networkGuard, "networkGuard");
        this.cluster = requireNonNull(cluster, "cluster");
    }

    /**
     * @param ctx the {@code UPGRADE_ROUTER}'s context
     * @param instance the port's rendezvous instance, or -1 (for tracking ids)
     * @return whether the request was passed to the handshake (else it was answered and stays the caller's)
     */
    boolean route(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target, String host,
                  int instance) {
        Channel channel = ctx.channel();
        Verdict verdict = gatekeeper.admit(new AdmissionRequest(channel, host, target, request.headers(),
                AccessRight.LISTEN, AdmissionRequest.Kind.WEBSOCKET, WebSocketUpgrades.refusal(request,
                host + ':' + target.path())));
        if (verdict instanceof Refusal refusal) {
            refusals.answer(channel, refusal, Math.max(instance, 0));
            return false;
        }
        Verdict.Admitted admitted = (Verdict.Admitted) verdict;
        HybridConnection entity = admitted.entity();
        String id = target.id().orElseGet(() -> UUID.randomUUID().toString());
        ListenerConnection listener = new ListenerConnection(id, channel, ctx.pipeline().get(SslHandler.class) != null);
        ListenerSet listeners = entity.listeners();
        Optional<Refusal> full = gatekeeper.admitListener(listeners, listener, entity);
        if (full.isPresent()) {
            refusals.answer(channel, full.get(), Math.max(instance, 0));
            return false;
        }
        CompletableFuture<Placement> placed = cluster.register(entity, listener).toCompletableFuture();
        if (placed.isDone()) {
            // No other node has a say (or it answered already): on as before, in this read.
            return placed(ctx, request, admitted, listener, placed.join(), instance);
        }
        // The cluster answers on its own thread: the upgrade goes on on this channel's loop then, and nothing is read
        // meanwhile (the listener sends nothing before its 101).
        channel.config().setAutoRead(false);
        placed.whenComplete((answer, failure) -> {
            // A cluster that broke its word and failed is one that did not answer.
            Placement placement = failure == null ? answer : Placement.UNANSWERED;
            try {
                channel.eventLoop().execute(() -> {
                    channel.config().setAutoRead(true);
                    if (!placed(ctx, request, admitted, listener, placement, instance)) {
                        request.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                // The gateway is closing: its loop is gone with the channel.
                if (placement == Placement.TAKEN) {
                    cluster.unregister(entity, listener);
                }
                entity.listeners().remove(listener);
                request.release();
            }
        });
        return true;
    }

    /**
     * Goes on once the cluster answered: a place taken upgrades the control channel (or, when it closed meanwhile,
     * gives the place back); a place refused is answered 403 {@code Quota exceeded.}, no answer in time 503.
     *
     * @return whether the request was passed to the handshake (else it stays the caller's)
     */
    private boolean placed(ChannelHandlerContext ctx, FullHttpRequest request, Verdict.Admitted admitted,
                           ListenerConnection listener, Placement placement, int instance) {
        Channel channel = ctx.channel();
        HybridConnection entity = admitted.entity();
        ListenerSet listeners = entity.listeners();
        if (placement != Placement.TAKEN) {
            listeners.remove(listener);
            refusals.answer(channel, placement == Placement.FULL ? gatekeeper.listenerLimit(entity)
                    : gatekeeper.clusterUnanswered(entity, "listener"), Math.max(instance, 0));
            return false;
        }
        String id = listener.id();
        EntityMetrics metrics = meters.of(entity, id, null, channel);
        metrics.listenerConnected();
        // Runs at once when the channel closed while the cluster was asked.
        channel.closeFuture().addListener(closed -> {
            cluster.unregister(entity, listener);
            if (listeners.remove(listener)) {
                metrics.listenerDisconnected();
            }
        });
        if (!channel.isActive()) {
            return false;
        }
        AuthorizationRequest authorization = admitted.authorization();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addAfter(ctx.name(), HandlerNames.WEBSOCKET_PROTOCOL,
                protocolHandlers.forSubprotocol(null));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.CONTROL_CHANNEL,
                new ControlChannelHandler(listener, token -> authorizer.authorize(authorization.withToken(token)),
                        httpResponses, admitted.grant().expiresAt(), clock, protocol.tokenExpiryGrace()));
        networkGuard.watch(listener);
        logger.debug("{} listener {} upgrading for {}", channel, id, entity);
        // Ready before the handshake runs: a command another loop sends now is queued on this channel's loop, which
        // is busy with the handshake below, so it is written after the 101 and through Netty's frame encoder.
        // Waiting for HandshakeComplete would leave a window in which the listener has its 101 (and may tell a
        // sender to connect) but cannot be picked yet.
        listener.markReady();
        ctx.fireChannelRead(request);
        pipeline.remove(ctx.handler());
        return true;
    }
}

package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.cluster.RemoteListener;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.admission.AdmissionRequest;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.Verdict;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * A sender's {@code connect} request (or no action on {@code /$hc/}) on a front end: admitted by the
 * {@link Gatekeeper} for Send, it needs a ready listener (else 404), counts against its namespace's
 * {@code maxRelayedConnectionsPerNamespace} until its connection closes (beyond it: 403 {@code Quota exceeded.})
 * and, while it waits, against its hybrid connection's {@code maxPendingRendezvousPerEntity} (beyond it: 429 with
 * {@code Retry-After}). Its request is then held (autoRead off, no 101 yet) in a {@link PendingRendezvous} on a
 * chosen instance {@code gN}, and one listener gets {@code accept} with that instance's address. If the sender goes
 * away meanwhile the rendezvous is dropped; if it expires the sender gets 404; {@link AcceptRouter} completes it.
 * In a cluster, a sender without a ready listener on this node is offered to one on another node
 * ({@link ListenerCluster}): that node writes the {@code accept}, whose address is this node's, so the pair relays
 * here; a failed delivery is a missing listener (404). Thread-safe: one per gateway.
 */
final class ConnectRouter {

    static final String NO_LISTENERS = "There are no listeners connected for the endpoint.";
    static final String NOT_ACCEPTED = "None of the connected listeners accepted the connection within the allowed "
            + "timeout.";

    private static final Logger logger = LoggerFactory.getLogger(ConnectRouter.class);

    private final Gatekeeper gatekeeper;
    private final Refusals refusals;
    private final ConnectionMeters meters;
    private final ProtocolSettings protocol;
    private final RendezvousPorts rendezvousPorts;
    private final RendezvousTable rendezvousTable;
    private final ListenerCluster cluster;

    ConnectRouter(Gatekeeper gatekeeper, Refusals refusals, ConnectionMeters meters, ProtocolSettings protocol,
                  RendezvousPorts rendezvousPorts, RendezvousTable rendezvousTable, ListenerCluster cluster) {
        this.gatekeeper = requireNonNull(gatekeeper, "gatekeeper");
        this.refusals = requireNonNull(refusals, "refusals");
        this.meters = requireNonNull(meters, "meters");
        this.protocol = requireNonNull(protocol, "protocol");
        this.rendezvousPorts = requireNonNull(rendezvousPorts, "rendezvousPorts");
        this.rendezvousTable = requireNonNull(rendezvousTable, "rendezvousTable");
        this.cluster = requireNonNull(cluster, "cluster");
    }

    /**
     * @param ctx the {@code UPGRADE_ROUTER}'s context
     * @param instance the port's rendezvous instance, or -1 (for tracking ids)
     * @return the rendezvous the request is held in, or null where it was answered (it stays the caller's)
     */
    @Nullable PendingRendezvous route(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target,
                                      String host, int instance) {
        Channel sender = ctx.channel();
        int trackingInstance = Math.max(instance, 0);
        Verdict verdict = gatekeeper.admit(new AdmissionRequest(sender, host, target, request.headers(),
                AccessRight.SEND, AdmissionRequest.Kind.WEBSOCKET,
                WebSocketUpgrades.refusal(request, host + ':' + target.path())));
        if (verdict instanceof Refusal refusal) {
            refusals.answer(sender, refusal, trackingInstance);
            return null;
        }
        EntityMatch match = ((Verdict.Admitted) verdict).match();
        HybridConnection entity = match.entity();
        ListenerConnection listener = entity.listeners().next().orElse(null);
        Optional<RemoteListener> remote = listener == null ? cluster.remoteListener(entity) : Optional.empty();
        if (listener == null && remote.isEmpty()) {
            refusals.answer(sender, Refusal.of(RefusalReason.NO_LISTENER, 404, NO_LISTENERS, entity.systemTracker(),
                    "no listener connected"), trackingInstance);
            return null;
        }
        int rendezvousInstance = rendezvousPorts.nextInstance(sender.eventLoop());
        PendingRendezvous pending = new PendingRendezvous(PendingRendezvous.newId(rendezvousInstance),
                rendezvousInstance, match, sender, request, target.appParameters().size());
        Held held = new Held(ctx, pending, target, listener, remote.orElse(null), trackingInstance);
        CompletableFuture<Optional<Refusal>> quota = gatekeeper.admitSender(entity, sender).toCompletableFuture();
        if (quota.isDone()) {
            // No other node has a say (or this node is at the quota alone): on in this read.
            return withinQuota(held, quota.join().orElse(null)) ? pending : null;
        }
        // The cluster counts on its own thread: the sender is held meanwhile (nothing read, no 101) and goes on on
        // its loop; one that went away meanwhile has its place given back (its close listener runs at once).
        sender.config().setAutoRead(false);
        quota.whenComplete((overQuota, failure) -> {
            try {
                sender.eventLoop().execute(() -> {
                    if (failure != null || !sender.isActive() || !withinQuota(held, overQuota.orElse(null))) {
                        request.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                // The gateway is closing: the sender's loop is gone with its channel.
                request.release();
            }
        });
        return pending;
    }

    /**
     * Goes on once the namespace's quota is judged: a sender over it ({@code overQuota}, else null) is answered 403
     * {@code Quota exceeded.}; one within it waits in the {@link RendezvousTable} (on a cluster's answer, where its
     * nodes count together).
     *
     * @return whether the sender's request is still held (else it was answered and stays the caller's)
     */
    private boolean withinQuota(Held held, @Nullable Refusal overQuota) {
        Channel sender = held.ctx().channel();
        if (overQuota != null) {
            refusals.answer(sender, overQuota, held.trackingInstance());
            return false;
        }
        PendingRendezvous pending = held.pending();
        CompletableFuture<Placement> added = rendezvousTable.add(pending, protocol.rendezvousTimeout(),
                expired -> expired(expired, held.trackingInstance())).toCompletableFuture();
        if (added.isDone()) {
            return added(held, added.join());
        }
        sender.config().setAutoRead(false);
        // Completes on the sender's loop (not TAKEN, with the sender gone, where that loop is gone).
        added.whenComplete((placement, failure) -> {
            if (failure != null) {
                logger.warn("{} sender closed: its rendezvous could not wait: {}", sender, failure.toString());
                sender.close();
                pending.request().release();
            } else if (placement != Placement.TAKEN && !sender.isActive() || !added(held, placement)) {
                pending.request().release();
            }
        });
        return true;
    }

    /**
     * Goes on once the sender has its place among the waiting senders (else it is answered 429, or 503 where the
     * cluster did not count it in time): its accept goes to the listener, and the sender waits for it without being
     * read.
     *
     * @return whether the sender's request is still held (else it was answered and stays the caller's)
     */
    private boolean added(Held held, Placement placement) {
        ChannelHandlerContext ctx = held.ctx();
        Channel sender = ctx.channel();
        PendingRendezvous pending = held.pending();
        HybridConnection entity = pending.match().entity();
        int trackingInstance = held.trackingInstance();
        if (placement != Placement.TAKEN) {
            refusals.answer(sender, placement == Placement.FULL ? gatekeeper.pendingLimit(entity)
                    : gatekeeper.clusterUnanswered(entity, "sender"), trackingInstance);
            return false;
        }
        ListenerConnection listener = held.listener();
        RemoteListener remote = held.remote();
        String listenerId = listener != null ? listener.id() : requireNonNull(remote).listenerId();
        boolean secure = listener != null ? listener.secure() : requireNonNull(remote).secure();
        InetSocketAddress acceptHost = listener != null ? listener.localAddress() : cluster.acceptHost().orElseThrow();
        String id = pending.id();
        String authority = rendezvousPorts.authority(acceptHost, pending.instance());
        EntityMetrics metrics = meters.of(entity, listenerId, id, sender);
        FullHttpRequest request = pending.request();
        AcceptCommand command = new AcceptCommand(acceptAddress(secure, authority, request.uri(), held.target(),
                id), id, connectHeaders(request), ListenerConnection.remoteEndpoint(sender.remoteAddress()));
        sender.config().setAutoRead(false);
        if (ctx.pipeline().context(GatewayHandlerNames.HTTP_SENDER) != null) {
            // The connection becomes a WebSocket or closes: what a client pipelines behind its upgrade request is
            // no HTTP-mode request but data sent too early, which reaches the router and is refused.
            ctx.pipeline().remove(GatewayHandlerNames.HTTP_SENDER);
        }
        metrics.senderHeld();
        metrics.rendezvousIssued();
        pending.onSenderClosedWhileHeld(closed -> {
            if (pending.releaseSender()) {
                metrics.senderReleased();
            }
            if (rendezvousTable.cancel(pending)) {
                logger.debug("{} sender went away before {} was accepted", sender, pending.id());
                metrics.rendezvousAbandoned();
                pending.request().release();
            }
        });
        // Timed before the command can leave: a write's listener (or the cluster's answer) may run after the
        // listener has already reacted, and the connection's phases would then go unrecorded.
        HandshakeTimer.acceptSent(sender);
        if (listener != null) {
            listener.send(command).addListener(sent -> {
                if (!sent.isSuccess()) {
                    notDelivered(pending, metrics, listenerId, sent.cause(), trackingInstance);
                }
            });
        } else {
            cluster.deliverAccept(entity, requireNonNull(remote), command).whenComplete((delivered, failure) -> {
                if (failure != null) {
                    notDelivered(pending, metrics, listenerId, failure, trackingInstance);
                }
            });
        }
        logger.debug("{} sender waits for {} on g{} via listener {}{}", sender, id, pending.instance(), listenerId,
                listener != null ? "" : " on " + requireNonNull(remote).memberId());
        // One read with autoRead off: the sender sends nothing before its 101, so this only notices it going away.
        ctx.read();
        return true;
    }

    /**
     * A sender's request while it is judged and waits, and what it goes on with.
     *
     * @param ctx the {@code UPGRADE_ROUTER}'s context
     * @param listener the listener on this node to send the accept to, or null for {@code remote}
     * @param remote the listener on another node, where {@code listener} is null
     */
    private record Held(ChannelHandlerContext ctx, PendingRendezvous pending, RelayRequestTarget target,
                        @Nullable ListenerConnection listener, @Nullable RemoteListener remote,
                        int trackingInstance) {
    }

    /** The accept did not reach the listener: the sender gets what a missing listener gives (404). */
    private void notDelivered(PendingRendezvous pending, EntityMetrics metrics, String listenerId, Throwable cause,
                              int trackingInstance) {
        Channel sender = pending.sender();
        sender.eventLoop().execute(() -> {
            if (rendezvousTable.cancel(pending)) {
                metrics.rendezvousAbandoned();
                pending.request().release();
                refusals.answer(sender, Refusal.of(RefusalReason.NO_LISTENER, 404, NO_LISTENERS,
                        pending.match().entity().systemTracker(), "accept could not be sent to listener "
                                + listenerId + ": " + cause), trackingInstance);
            }
        });
    }

    private void expired(PendingRendezvous pending, int trackingInstance) {
        HybridConnection entity = pending.match().entity();
        meters.of(entity, null, pending.id(), pending.sender()).rendezvousExpired();
        pending.request().release();
        refusals.answer(pending.sender(), Refusal.of(RefusalReason.TIMEOUT, 404, NOT_ACCEPTED, entity.systemTracker(),
                "rendezvous " + pending.id() + " not accepted within " + protocol.rendezvousTimeout()),
                trackingInstance);
    }

    /**
     * {@code ws[s]://<authority of gN>/$hc/<path as sent>?<app query>&sb-hc-action=accept&sb-hc-id=<id>}, with
     * {@code wss} when the listener's control channel is TLS.
     *
     * @param authority {@code host:port} of the rendezvous instance ({@link RendezvousPorts#authority})
     */
    static String acceptAddress(boolean secure, String authority, String requestUri, RelayRequestTarget target,
                                String id) {
        int queryStart = requestUri.indexOf('?');
        String rawPath = queryStart < 0 ? requestUri : requestUri.substring(0, queryStart);
        int entityStart = rawPath.indexOf('/', 1);
        String entityPath = entityStart < 0 ? target.path() : rawPath.substring(entityStart + 1);
        String appQuery = target.appQuery();
        return (secure ? "wss" : "ws") + "://" + authority + '/'
                + HybridConnectionConstants.HC_SEGMENT + '/' + entityPath + '?'
                + (appQuery.isEmpty() ? "" : appQuery + '&')
                + HybridConnectionConstants.ACTION + '=' + HcAction.ACCEPT.wireName() + '&'
                + HybridConnectionConstants.ID + '=' + id;
    }

    /** Every header of the sender's upgrade request except {@code ServiceBusAuthorization}, in order. */
    static Map<String, String> connectHeaders(FullHttpRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION)) {
                continue;
            }
            headers.merge(name, header.getValue(), (first, next) -> first + ", " + next);
        }
        return headers;
    }
}

package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.QueryParameter;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousTable.Claim;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A listener's {@code accept} request on the rendezvous port of the instance its rendezvous was issued for: the
 * address must be opened as issued (its entity, no other namespace) and the {@link Gatekeeper} must admit the
 * connection by the network rules of the rendezvous's namespace (else 403 / 401, and the rendezvous keeps
 * waiting); it then claims the rendezvous once (404 on another instance's port, 403 for an unknown, used or
 * expired id) and either answers a reject ({@code sb-hc-statusCode}) or completes both upgrades
 * ({@link RendezvousHandshake}). Thread-safe: one per gateway.
 */
final class AcceptRouter {

    private final Gatekeeper gatekeeper;
    private final Refusals refusals;
    private final ConnectionMeters meters;
    private final RendezvousTable rendezvousTable;
    private final RendezvousHandshake handshake;

    AcceptRouter(Gatekeeper gatekeeper, Refusals refusals, ConnectionMeters meters, RendezvousTable rendezvousTable,
                 RendezvousHandshake handshake) {
        this.gatekeeper = requireNonNull(gatekeeper, "gatekeeper");
        this.refusals = requireNonNull(refusals, "refusals");
        this.meters = requireNonNull(meters, "meters");
        this.rendezvousTable = requireNonNull(rendezvousTable, "rendezvousTable");
        this.handshake = requireNonNull(handshake, "handshake");
    }

    /**
     * @param ctx the {@code UPGRADE_ROUTER}'s context
     * @param instance the port's rendezvous instance
     * @return whether the request was passed to the handshake (else it was answered and stays the caller's)
     */
    boolean route(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target, String host,
                  int instance) {
        Channel channel = ctx.channel();
        String tracker = host + ':' + target.path();
        Optional<String> id = target.id();
        if (id.isEmpty()) {
            return refuse(channel, invalid(tracker, "accept without " + HybridConnectionConstants.ID), instance);
        }
        Optional<PendingRendezvous> waiting = rendezvousTable.find(id.get());
        if (waiting.isPresent()) {
            HybridConnection entity = waiting.get().match().entity();
            if (!gatekeeper.openedAsIssued(host, target, entity)) {
                return refuse(channel, invalid(tracker, "rendezvous " + id.get() + " of " + entity
                        + " opened for another hybrid connection or namespace"), instance);
            }
            Optional<Refusal> network = gatekeeper.admitAccept(channel, entity);
            if (network.isPresent()) {
                return refuse(channel, network.get(), instance);
            }
        }
        Claim claim = rendezvousTable.claim(id.get(), instance);
        if (claim instanceof Claim.OtherInstance other) {
            return refuse(channel, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, tracker, "rendezvous "
                    + id.get() + " belongs to g" + other.instance() + ", not g" + instance), instance);
        }
        if (!(claim instanceof Claim.Claimed claimed)) {
            return refuse(channel, invalid(tracker, "unknown, used or expired rendezvous " + id.get()), instance);
        }
        PendingRendezvous pending = claimed.rendezvous();
        HandshakeTimer.rendezvousOpened(pending.sender());
        meters.of(pending.match().entity()).rendezvousClaimed();
        int firstListenerParameter = pending.senderAppParameterCount();
        Optional<QueryParameter> statusCode = target.statusCode(firstListenerParameter);
        if (statusCode.isPresent()) {
            handshake.reject(channel, pending, statusCode.get().value(),
                    target.statusDescription(firstListenerParameter).map(QueryParameter::rawValue).orElse(null));
            return false;
        }
        Refusal malformed = WebSocketUpgrades.refusal(request, tracker);
        if (malformed != null) {
            refuse(channel, malformed, instance);
            handshake.failSender(pending, "The listener's rendezvous request was not a WebSocket upgrade.",
                    "listener's accept was refused: " + malformed.detail());
            return false;
        }
        handshake.acceptListener(ctx, request, pending);
        return true;
    }

    /** 403 {@value Gatekeeper#INVALID_RENDEZVOUS}, counted as {@link RefusalReason#NOT_FOUND}. */
    private static Refusal invalid(String tracker, String detail) {
        return Refusal.of(RefusalReason.NOT_FOUND, 403, Gatekeeper.INVALID_RENDEZVOUS, tracker, detail);
    }

    private boolean refuse(Channel channel, Refusal refusal, int instance) {
        refusals.answer(channel, refusal, instance);
        return false;
    }
}

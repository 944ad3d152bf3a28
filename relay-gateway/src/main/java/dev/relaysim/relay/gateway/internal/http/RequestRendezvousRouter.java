package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.http.HttpExchanges.RendezvousClaim;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A listener's request rendezvous ({@code sb-hc-action=request}) on the rendezvous port of the instance the
 * request address was issued for: the address must be opened as issued (else 403), the exchange's rendezvous is
 * claimed once (404 on another instance's port, 403 for an unknown, used or expired id), the {@link Gatekeeper}
 * judges the connection by the network rules of the namespace the listener's control channel was admitted for
 * (401), and the listener's upgrade completes with a {@link RequestRendezvousHandler} serving the exchange. A
 * claimed exchange whose rendezvous is refused fails (502). Thread-safe: one per gateway.
 */
public final class RequestRendezvousRouter {

    private final HttpRequestMode mode;
    private final WebSocketUpgrades.ProtocolHandlers protocolHandlers;

    /** @param protocolHandlers made from {@code mode}'s protocol settings */
    public RequestRendezvousRouter(HttpRequestMode mode, WebSocketUpgrades.ProtocolHandlers protocolHandlers) {
        this.mode = requireNonNull(mode, "mode");
        this.protocolHandlers = requireNonNull(protocolHandlers, "protocolHandlers");
    }

    /**
     * @param ctx the {@code UPGRADE_ROUTER}'s context
     * @param instance the port's rendezvous instance
     * @return whether the request was passed to the handshake (else it was answered and stays the caller's)
     */
    public boolean route(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target, String host,
                         int instance) {
        Channel channel = ctx.channel();
        String tracker = host + ':' + target.path();
        Optional<String> id = target.id();
        if (id.isEmpty()) {
            return refuse(channel, Refusal.of(403, Gatekeeper.INVALID_RENDEZVOUS, tracker,
                    "request rendezvous without " + HybridConnectionConstants.ID), instance);
        }
        Optional<HybridConnection> issuedFor = mode.exchanges().find(id.get()).map(HttpExchange::entity);
        if (issuedFor.isPresent() && !mode.gatekeeper().openedAsIssued(host, target, issuedFor.get())) {
            return refuse(channel, Refusal.of(403, Gatekeeper.INVALID_RENDEZVOUS, tracker, "request " + id.get()
                    + " of " + issuedFor.get() + " opened for another hybrid connection or namespace"), instance);
        }
        RendezvousClaim claim = mode.exchanges().claimRendezvous(id.get(), instance);
        if (claim instanceof RendezvousClaim.OtherInstance other) {
            return refuse(channel, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, tracker, "request " + id.get()
                    + " belongs to g" + other.instance() + ", not g" + instance), instance);
        }
        if (!(claim instanceof RendezvousClaim.Claimed claimed)) {
            return refuse(channel, Refusal.of(403, Gatekeeper.INVALID_RENDEZVOUS, tracker,
                    "unknown, used or expired request " + id.get()), instance);
        }
        HttpExchange exchange = claimed.exchange();
        ListenerConnection listener = exchange.listener().local();
        // A listener on another node is judged by the namespace of the request, as its accept rendezvous is.
        Optional<Refusal> network = listener != null
                ? mode.gatekeeper().admitRequestRendezvous(channel, listener, tracker)
                : mode.gatekeeper().admitAccept(channel, exchange.entity());
        if (network.isPresent()) {
            refuse(channel, network.get(), instance);
            exchange.rendezvousRefused("listener's request rendezvous was refused by the network rules");
            return false;
        }
        Refusal malformed = WebSocketUpgrades.refusal(request, tracker);
        if (malformed != null) {
            refuse(channel, malformed, instance);
            exchange.rendezvousRefused("listener's request rendezvous was refused: " + malformed.detail());
            return false;
        }
        RequestRendezvousHandler.upgrade(protocolHandlers, ctx, request, exchange);
        return true;
    }

    private boolean refuse(Channel channel, Refusal refusal, int instance) {
        mode.refusals().answer(channel, refusal, instance);
        return false;
    }
}

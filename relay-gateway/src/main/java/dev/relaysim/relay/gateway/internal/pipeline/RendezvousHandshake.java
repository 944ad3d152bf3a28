package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.ServiceErrors;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.internal.relay.RelaySettings;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Completes a claimed rendezvous: first the listener's upgrade, offering only the subprotocol the listener asked
 * for, then the move of the listener's channel onto the sender's event loop ({@link RelayPair#bringToSenderLoop}),
 * then, there, the held sender upgrade with the subprotocol the listener got, then {@link RelayPair#join}. Both
 * legs wait for Netty's {@link HandshakeComplete} event in a {@code RENDEZVOUS} handler placed right after
 * {@code WEBSOCKET_PROTOCOL}; a leg that goes away before its handshake completes takes the other one down (the
 * sender with 500, the listener with close 1001). Thread-safe: one per gateway.
 */
final class RendezvousHandshake {

    static final String SENDER_GONE = "The sender disconnected";

    private static final Logger logger = LoggerFactory.getLogger(RendezvousHandshake.class);

    private final WebSocketUpgrades.ProtocolHandlers protocolHandlers;
    private final RelaySettings relaySettings;
    private final Refusals refusals;
    private final ConnectionMeters meters;
    private final NetworkGuard networkGuard;
    private final Set<RelayPair> relayPairs;

    /**
     * @param networkGuard watches each joined pair
     * @param relayPairs where each joined pair is kept until it closes, so that shutdown can wait for it
     */
    RendezvousHandshake(WebSocketUpgrades.ProtocolHandlers protocolHandlers, RelaySettings relaySettings,
                        Refusals refusals, ConnectionMeters meters, NetworkGuard networkGuard,
                        Set<RelayPair> relayPairs) {
        this.protocolHandlers = requireNonNull(protocolHandlers, "protocolHandlers");
        this.relaySettings = requireNonNull(relaySettings, "relaySettings");
        this.refusals = requireNonNull(refusals, "refusals");
        this.meters = requireNonNull(meters, "meters");
        this.networkGuard = requireNonNull(networkGuard, "networkGuard");
        this.relayPairs = requireNonNull(relayPairs, "relayPairs");
    }

    /**
     * Starts the listener's upgrade. Called by the listener channel's {@code UPGRADE_ROUTER}, which leaves the
     * pipeline; {@code request} is handed to Netty's handshake.
     */
    void acceptListener(ChannelHandlerContext routerCtx, FullHttpRequest request, PendingRendezvous pending) {
        Channel listener = routerCtx.channel();
        listener.config().setAutoRead(false);
        String subprotocol = WebSocketUpgrades.firstSubprotocol(request.headers());
        ChannelPipeline pipeline = routerCtx.pipeline();
        pipeline.addAfter(routerCtx.name(), HandlerNames.WEBSOCKET_PROTOCOL,
                protocolHandlers.forSubprotocol(subprotocol));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.RENDEZVOUS, new ListenerLeg(pending));
        logger.debug("{} listener accepts {} (subprotocol {})", listener, pending.id(), subprotocol);
        routerCtx.fireChannelRead(request);
        pipeline.remove(routerCtx.handler());
    }

    /**
     * A listener rejected the rendezvous: its handshake is answered 410 Gone, the sender's with the listener's
     * status code (100-999, else 400) and description as reason phrase.
     *
     * @param rawDescription the description as sent, percent-encoded ({@code '+'} for space allowed), or null
     */
    void reject(Channel listener, PendingRendezvous pending, String statusCode, @Nullable String rawDescription) {
        int code = parseStatus(statusCode);
        String description = decodeDescription(rawDescription);
        String reason = description == null || description.isBlank()
                ? HttpResponseStatus.valueOf(code).reasonPhrase()
                : description;
        logger.info("{} listener rejected {} with {} {}", listener, pending.id(), code, reason);
        meters.of(pending.match().entity(), null, pending.id(), pending.sender()).rendezvousRejected();
        ServiceErrors.respondAndClose(listener, ServiceErrors.response(410, "Gone",
                "The rendezvous " + pending.id() + " was rejected; the sender gets " + code + '.'));
        Channel sender = pending.sender();
        sender.eventLoop().execute(() -> {
            pending.request().release();
            ServiceErrors.respondAndClose(sender, ServiceErrors.response(code, reason, reason));
        });
    }

    /** Answers the held sender with a 500 service error, on its event loop, and releases its request. */
    void failSender(PendingRendezvous pending, String message, String reason) {
        Channel sender = pending.sender();
        sender.eventLoop().execute(() -> {
            pending.request().release();
            refusals.answer(sender, Refusal.of(500, message, pending.match().entity().systemTracker(), reason),
                    pending.instance());
        });
    }

    static int parseStatus(String statusCode) {
        String digits = statusCode.strip();
        if (digits.length() == 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int code = Integer.parseInt(digits);
            if (code >= 100) {
                return code;
            }
        }
        return 400;
    }

    static String decodeDescription(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    /** On the sender's loop once the listener's upgrade is complete. */
    private void upgradeSender(PendingRendezvous pending, Channel listener, String subprotocol) {
        Channel sender = pending.sender();
        ChannelPipeline pipeline = sender.pipeline();
        if (!sender.isActive() || pipeline.context(HandlerNames.HTTP_AGGREGATOR) == null) {
            pending.request().release();
            closeWebSocket(listener, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, SENDER_GONE);
            sender.close();
            return;
        }
        if (pipeline.context(GatewayHandlerNames.UPGRADE_ROUTER) != null) {
            pipeline.remove(GatewayHandlerNames.UPGRADE_ROUTER);
        }
        pipeline.addAfter(HandlerNames.HTTP_AGGREGATOR, HandlerNames.WEBSOCKET_PROTOCOL,
                protocolHandlers.forSubprotocol(subprotocol));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.RENDEZVOUS,
                new SenderLeg(listener, pending));
        pipeline.context(HandlerNames.HTTP_AGGREGATOR).fireChannelRead(pending.request());
    }

    /**
     * Keeps {@code pair} in {@code relayPairs} until it closes. Not in {@link SenderLeg}: a listener made there would
     * keep the leg, and with it the rendezvous and the sender's request, for the pair's life.
     */
    private void keepUntilClosed(RelayPair pair) {
        relayPairs.add(pair);
        pair.closeFuture().addListener(closed -> relayPairs.remove(pair));
    }

    private static void closeWebSocket(Channel channel, WebSocketCloseStatus status, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The listener's rendezvous leg until its handshake completes. */
    private final class ListenerLeg extends ChannelInboundHandlerAdapter {

        private final PendingRendezvous pending;
        private boolean upgraded;

        ListenerLeg(PendingRendezvous pending) {
            this.pending = pending;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof HandshakeComplete complete && !upgraded) {
                upgraded = true;
                Channel listener = ctx.channel();
                HandshakeTimer.complete(listener, HcAction.ACCEPT);
                String subprotocol = complete.selectedSubprotocol();
                ctx.pipeline().remove(this);
                RelayPair.bringToSenderLoop(listener, pending.sender()).addListener(moved -> {
                    if (moved.isSuccess()) {
                        upgradeSender(pending, listener, subprotocol);
                    } else {
                        listener.close();
                        failSender(pending, "The listener's rendezvous connection could not be joined to the "
                                + "sender's.", "listener of " + pending.id() + " could not be moved: " + moved.cause());
                    }
                });
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!upgraded) {
                upgraded = true;
                failSender(pending, "The listener's rendezvous connection closed before its WebSocket handshake "
                        + "completed.", "listener left " + pending.id() + " during its handshake");
            }
            super.channelInactive(ctx);
        }
    }

    /**
     * The sender's leg until the relay pair runs. Frames the sender sends right after its 101 are held here and
     * passed on to the relay once it is installed, so none is lost.
     */
    private final class SenderLeg extends ChannelInboundHandlerAdapter {

        private final Channel listener;
        private final PendingRendezvous pending;
        private final EntityMetrics metrics;
        private final Queue<Object> early = new ArrayDeque<>();
        private boolean upgraded;
        private boolean relaying;

        SenderLeg(Channel listener, PendingRendezvous pending) {
            this.listener = listener;
            this.pending = pending;
            metrics = meters.of(pending.match().entity(), null, pending.id(), pending.sender());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof HandshakeComplete && !upgraded) {
                upgraded = true;
                Channel sender = ctx.channel();
                long requested = HandshakeTimer.complete(sender, HcAction.CONNECT);
                if (pending.releaseSender()) {
                    metrics.senderReleased();
                }
                RelayPair.join(sender, listener, relaySettings, metrics).addListener(joined -> {
                    if (joined.isSuccess()) {
                        metrics.rendezvousCompleted(System.nanoTime() - requested);
                        RelayPair pair = (RelayPair) joined.getNow();
                        keepUntilClosed(pair);
                        networkGuard.watch(pair, sender, listener);
                        logger.debug("{} relaying to listener {}", sender, listener);
                        relaying = true;
                        if (ctx.isRemoved()) {
                            // The sender's connection closed meanwhile (a protocol violation, or it left): the pair
                            // has ended already and its pipeline is gone.
                            releaseEarly();
                            return;
                        }
                        while (!early.isEmpty()) {
                            ctx.fireChannelRead(early.poll());
                        }
                        ctx.pipeline().remove(this);
                    } else {
                        logger.info("{} could not join listener {}: {}", sender, listener, joined.cause().toString());
                        releaseEarly();
                    }
                });
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (relaying) {
                ctx.fireChannelRead(msg);
            } else {
                early.add(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!upgraded) {
                upgraded = true;
                closeWebSocket(listener, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, SENDER_GONE);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseEarly();
        }

        private void releaseEarly() {
            while (!early.isEmpty()) {
                ReferenceCountUtil.release(early.poll());
            }
        }
    }
}

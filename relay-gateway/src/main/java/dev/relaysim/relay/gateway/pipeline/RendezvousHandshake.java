package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.gateway.admission.ServiceErrors;
import dev.relaysim.relay.gateway.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
import dev.relaysim.relay.gateway.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.relay.RelayPair;
import dev.relaysim.relay.gateway.rendezvous.PendingRendezvous;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Completes a claimed rendezvous: first the listener's upgrade, offering only the subprotocol the listener asked
 * for, then the move of the listener's channel onto the sender's event loop, then, there, the held sender upgrade
 * with the subprotocol the listener got, then {@link RelayPair#join}. Both legs wait for Netty's
 * {@link HandshakeComplete} event in a {@code RENDEZVOUS} handler placed right after {@code WEBSOCKET_PROTOCOL}; a leg that goes away before its handshake completes
 * takes the other one down (the sender with 500, the listener with close 1001).
 */
final class RendezvousHandshake {

    static final String SENDER_GONE = "The sender disconnected";

    private static final Logger logger = LoggerFactory.getLogger(RendezvousHandshake.class);

    private RendezvousHandshake() {
    }

    /**
     * Starts the listener's upgrade. Called by the listener channel's {@code UPGRADE_ROUTER}, which leaves the
     * pipeline; {@code request} is handed to Netty's handshake.
     */
    static void acceptListener(GatewayContext context, ChannelHandlerContext routerCtx, FullHttpRequest request,
                               PendingRendezvous pending) {
        Channel listener = routerCtx.channel();
        listener.config().setAutoRead(false);
        String subprotocol = WebSocketUpgrades.firstSubprotocol(request.headers());
        ChannelPipeline pipeline = routerCtx.pipeline();
        pipeline.addAfter(routerCtx.name(), HandlerNames.WEBSOCKET_PROTOCOL,
                WebSocketUpgrades.protocolHandler(context.protocol(), subprotocol));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.RENDEZVOUS, new ListenerLeg(context, pending));
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
    static void reject(GatewayContext context, Channel listener, PendingRendezvous pending, String statusCode,
                       String rawDescription) {
        int code = parseStatus(statusCode);
        String description = decodeDescription(rawDescription);
        String reason = description == null || description.isBlank()
                ? HttpResponseStatus.valueOf(code).reasonPhrase()
                : description;
        logger.info("{} listener rejected {} with {} {}", listener, pending.id(), code, reason);
        context.metrics(pending.match().entity(), null, pending.id(), pending.sender()).rendezvousRejected();
        ServiceErrors.respondAndClose(listener, ServiceErrors.response(410, "Gone",
                "The rendezvous " + pending.id() + " was rejected; the sender gets " + code + '.'));
        Channel sender = pending.sender();
        sender.eventLoop().execute(() -> {
            pending.request().release();
            ServiceErrors.respondAndClose(sender, ServiceErrors.response(code, reason, reason));
        });
    }

    /** Answers the held sender with a service error, on its event loop, and releases its request. */
    static void failSender(GatewayContext context, PendingRendezvous pending, int status, String message,
                           String reason) {
        Channel sender = pending.sender();
        sender.eventLoop().execute(() -> {
            pending.request().release();
            String trackingId = ServiceErrors.trackingId(pending.instance());
            String tracker = pending.match().entity().systemTracker();
            context.refused(sender, RefusalReason.forStatus(status), status, tracker, trackingId, reason);
            logger.info("{} refused {}: {} (remote {})", sender, status, reason, sender.remoteAddress());
            String text = ServiceErrors.describe(message, trackingId, tracker, context.clock().instant());
            ServiceErrors.respondAndClose(sender, status, text);
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
    private static void upgradeSender(GatewayContext context, PendingRendezvous pending, Channel listener,
                                      String subprotocol) {
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
                WebSocketUpgrades.protocolHandler(context.protocol(), subprotocol));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.RENDEZVOUS,
                new SenderLeg(context, listener, pending));
        pipeline.context(HandlerNames.HTTP_AGGREGATOR).fireChannelRead(pending.request());
    }

    private static void closeWebSocket(Channel channel, WebSocketCloseStatus status, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The listener's rendezvous leg until its handshake completes. */
    private static final class ListenerLeg extends ChannelInboundHandlerAdapter {

        private final GatewayContext context;
        private final PendingRendezvous pending;
        private boolean upgraded;

        ListenerLeg(GatewayContext context, PendingRendezvous pending) {
            this.context = context;
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
                EventLoop senderLoop = pending.sender().eventLoop();
                if (listener.eventLoop() == senderLoop) {
                    // After this event has passed, as before: the sender's upgrade joins the pair, which changes
                    // this pipeline.
                    senderLoop.execute(() -> upgradeSender(context, pending, listener, subprotocol));
                } else {
                    // The pair runs on the sender's loop: moving the listener there now, from its own loop, is one
                    // hand-off between loops; RelayPair.join moving it later, from the sender's, would take three.
                    RelayPair.moveToLoop(listener, senderLoop).addListener(moved -> {
                        if (moved.isSuccess()) {
                            upgradeSender(context, pending, listener, subprotocol);
                        } else {
                            listener.close();
                            failSender(context, pending, 500, "The listener's rendezvous connection could not be "
                                    + "joined to the sender's.", "listener of " + pending.id()
                                    + " could not be moved: " + moved.cause());
                        }
                    });
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!upgraded) {
                upgraded = true;
                failSender(context, pending, 500, "The listener's rendezvous connection closed before its WebSocket "
                        + "handshake completed.", "listener left " + pending.id() + " during its handshake");
            }
            super.channelInactive(ctx);
        }
    }

    /**
     * The sender's leg until the relay pair runs. Frames the sender sends right after its 101 are held here and
     * passed on to the relay once it is installed, so none is lost.
     */
    private static final class SenderLeg extends ChannelInboundHandlerAdapter {

        private final GatewayContext context;
        private final Channel listener;
        private final PendingRendezvous pending;
        private final EntityMetrics metrics;
        private final Queue<Object> early = new ArrayDeque<>();
        private boolean upgraded;
        private boolean relaying;

        SenderLeg(GatewayContext context, Channel listener, PendingRendezvous pending) {
            this.context = context;
            this.listener = listener;
            this.pending = pending;
            metrics = context.metrics(pending.match().entity(), null, pending.id(), pending.sender());
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
                RelayPair.join(sender, listener, context.relaySettings(), metrics).addListener(joined -> {
                    if (joined.isSuccess()) {
                        metrics.rendezvousCompleted(System.nanoTime() - requested);
                        RelayPair pair = (RelayPair) joined.getNow();
                        context.track(pair);
                        context.networkGuard().watch(pair, sender, listener);
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

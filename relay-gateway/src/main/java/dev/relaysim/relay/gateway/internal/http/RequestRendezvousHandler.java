package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.control.CloseHandshake;
import dev.relaysim.relay.gateway.internal.channel.CloseReasons;
import dev.relaysim.relay.gateway.internal.control.ControlChannelHandler;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * A listener's request rendezvous ({@code sb-hc-action=request}) for one {@link HttpExchange}. Position: after
 * {@code WEBSOCKET_PROTOCOL}, before {@code ERROR_HANDLER}. Once the handshake is complete the exchange sends the
 * request there if the listener got the address-only form. The listener answers with one {@code response} text
 * message for the exchange's id, then, with {@code body:true}, binary frames up to FIN or to its close frame
 * ({@code body:false} may be followed by one empty binary frame). Anything else (another command, a second
 * response, text inside the body, binary frames without a response) closes the rendezvous with 1008 or 1003.
 * Close frames are answered with the same code.
 */
public final class RequestRendezvousHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(RequestRendezvousHandler.class);

    private final HttpExchange exchange;
    private StringBuilder text;
    private boolean responded;
    private boolean bodyOpen;
    private boolean strayEmptyFrameAllowed;
    private boolean attached;
    private boolean closing;

    RequestRendezvousHandler(HttpExchange exchange) {
        this.exchange = requireNonNull(exchange, "exchange");
    }

    /**
     * Completes a listener's claimed request rendezvous: adds {@code WEBSOCKET_PROTOCOL} and
     * {@code REQUEST_RENDEZVOUS} after the router, hands {@code request} to the handshake and removes the router.
     */
    static void upgrade(WebSocketUpgrades.ProtocolHandlers protocolHandlers, ChannelHandlerContext routerCtx,
                        FullHttpRequest request, HttpExchange exchange) {
        ChannelPipeline pipeline = routerCtx.pipeline();
        pipeline.addAfter(routerCtx.name(), HandlerNames.WEBSOCKET_PROTOCOL,
                protocolHandlers.forSubprotocol(null));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, GatewayHandlerNames.REQUEST_RENDEZVOUS,
                new RequestRendezvousHandler(exchange));
        logger.debug("{} listener opened the rendezvous of {}", routerCtx.channel(), exchange);
        routerCtx.fireChannelRead(request);
        pipeline.remove(routerCtx.handler());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete && !attached) {
            attached = true;
            exchange.attach(ctx.channel());
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof CloseWebSocketFrame close) {
                closing = true;
                CloseHandshake.answer(ctx, close);
                exchange.rendezvousClosed(ctx.channel());
            } else if (msg instanceof TextWebSocketFrame frame) {
                onText(ctx, frame.text(), frame.isFinalFragment(), true);
            } else if (msg instanceof ContinuationWebSocketFrame frame && text != null) {
                onText(ctx, frame.text(), frame.isFinalFragment(), false);
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                onBinary(ctx, (WebSocketFrame) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (attached) {
            exchange.rendezvousWritabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        exchange.rendezvousClosed(ctx.channel());
        super.channelInactive(ctx);
    }

    private void onBinary(ChannelHandlerContext ctx, WebSocketFrame frame) {
        boolean last = frame.isFinalFragment();
        if (bodyOpen) {
            bodyOpen = !last;
            exchange.onBody(frame.content().retain(), last);
        } else if (strayEmptyFrameAllowed && frame instanceof BinaryWebSocketFrame && last
                && !frame.content().isReadable()) {
            strayEmptyFrameAllowed = false;
        } else {
            close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "Binary message without a response");
        }
    }

    private void onText(ChannelHandlerContext ctx, String part, boolean last, boolean first) {
        if (bodyOpen) {
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "A text message interrupted the response body");
            return;
        }
        if (first) {
            text = new StringBuilder();
        }
        text.append(part);
        if (text.length() > ControlChannelHandler.MAX_COMMAND_LENGTH) {
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "Command too long");
            return;
        }
        if (!last) {
            return;
        }
        String json = text.toString();
        text = null;
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(json);
        } catch (ControlCommandException e) {
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Unsupported command: " + e.getMessage());
            return;
        }
        if (!(command instanceof ResponseCommand response) || !response.requestId().equals(exchange.id())
                || responded) {
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Expected one response to request " + exchange.id());
            return;
        }
        responded = true;
        if (!exchange.claimResponse()) {
            logger.info("{} listener answered request {} here after answering it elsewhere; dropped", ctx.channel(),
                    exchange.id());
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "The request was answered already");
            return;
        }
        bodyOpen = response.body();
        strayEmptyFrameAllowed = !response.body();
        exchange.onResponse(response, ctx.channel());
    }

    private void close(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        logger.info("{} request rendezvous of {} closed {}: {}", ctx.channel(), exchange.id(), status.code(), reason);
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), CloseReasons.truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}

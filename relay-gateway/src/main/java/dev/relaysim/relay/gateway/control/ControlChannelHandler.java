package dev.relaysim.relay.gateway.control;

import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Refused;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A listener's control channel after the WebSocket upgrade. Position: after {@code WEBSOCKET_PROTOCOL}, before
 * {@code ERROR_HANDLER}.
 * <ul>
 *   <li>{@link HandshakeComplete}: the listener becomes {@link ListenerConnection#isReady() ready} and can be
 *       picked for connections.</li>
 *   <li>Text messages (fragments joined, at most {@value #MAX_COMMAND_LENGTH} characters): {@code renewToken} is
 *       checked like the listen request's token; a valid one silently extends the channel's life, an invalid one
 *       closes it with 1008. Any other command (or text that is no command) closes it with 1008
 *       {@code Unsupported command}.</li>
 *   <li>Binary messages close it with 1003.</li>
 *   <li>A close frame is answered with the same code and the channel is closed.</li>
 *   <li>The channel is closed with 1008 when its token has been expired for {@code expiryGrace} without renewal.</li>
 * </ul>
 * Pings are answered and pongs dropped by Netty's protocol handler before this one.
 */
public final class ControlChannelHandler extends ChannelInboundHandlerAdapter {

    /** The longest command accepted, in characters (the .NET listener's buffer is 64 KiB). */
    public static final int MAX_COMMAND_LENGTH = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(ControlChannelHandler.class);

    private final ListenerConnection listener;
    private final Function<String, AuthorizationDecision> renewal;
    private final Clock clock;
    private final Duration expiryGrace;
    private Instant tokenExpiresAt;
    private ScheduledFuture<?> expiryTimer;
    private StringBuilder fragments;
    private boolean closing;

    /**
     * @param listener the listener this channel belongs to
     * @param renewal checks a renewed token exactly like the listen request's token
     * @param tokenExpiresAt when the listen request's token expires
     * @param clock the gateway's clock
     * @param expiryGrace how long after its token's expiry the channel stays open without renewal
     */
    public ControlChannelHandler(ListenerConnection listener, Function<String, AuthorizationDecision> renewal,
                                 Instant tokenExpiresAt, Clock clock, Duration expiryGrace) {
        this.listener = requireNonNull(listener, "listener");
        this.renewal = requireNonNull(renewal, "renewal");
        this.tokenExpiresAt = requireNonNull(tokenExpiresAt, "tokenExpiresAt");
        this.clock = requireNonNull(clock, "clock");
        this.expiryGrace = requireNonNull(expiryGrace, "expiryGrace");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete) {
            listener.markReady();
            scheduleExpiry(ctx);
            logger.info("{} listener {} connected", ctx.channel(), listener.id());
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
                int code = close.statusCode();
                closing = true;
                CloseWebSocketFrame reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof TextWebSocketFrame text) {
                onText(ctx, text.text(), text.isFinalFragment(), true);
            } else if (msg instanceof ContinuationWebSocketFrame continuation && fragments != null) {
                onText(ctx, continuation.text(), continuation.isFinalFragment(), false);
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "Binary messages are not supported on the control channel");
            } else if (!(msg instanceof WebSocketFrame)) {
                logger.debug("{} dropped unexpected {}", ctx.channel(), msg.getClass().getSimpleName());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelExpiry();
        logger.info("{} listener {} disconnected", ctx.channel(), listener.id());
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelExpiry();
    }

    private void onText(ChannelHandlerContext ctx, String text, boolean last, boolean first) {
        if (first && !last) {
            fragments = new StringBuilder(text);
            return;
        }
        String command = text;
        if (fragments != null) {
            fragments.append(text);
            command = fragments.toString();
            if (last) {
                fragments = null;
            }
        }
        if (command.length() > MAX_COMMAND_LENGTH) {
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "Command longer than " + MAX_COMMAND_LENGTH + " characters");
            return;
        }
        if (last) {
            onCommand(ctx, command);
        }
    }

    private void onCommand(ChannelHandlerContext ctx, String json) {
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(json);
        } catch (ControlCommandException e) {
            logger.info("{} listener {} sent an invalid command: {}", ctx.channel(), listener.id(), e.getMessage());
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Unsupported command: " + e.getMessage());
            return;
        }
        if (!(command instanceof RenewTokenCommand renew)) {
            logger.info("{} listener {} sent an unsupported {}", ctx.channel(), listener.id(),
                    command.getClass().getSimpleName());
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Unsupported command");
            return;
        }
        AuthorizationDecision decision = renewal.apply(renew.token());
        if (decision instanceof Granted granted) {
            tokenExpiresAt = granted.expiresAt();
            scheduleExpiry(ctx);
            logger.debug("{} listener {} renewed its token until {}", ctx.channel(), listener.id(), tokenExpiresAt);
        } else {
            Refused refused = (Refused) decision;
            logger.info("{} listener {} renewToken refused: {}", ctx.channel(), listener.id(), refused.reason());
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, refused.message());
        }
    }

    private void scheduleExpiry(ChannelHandlerContext ctx) {
        cancelExpiry();
        long delay = Math.max(0, Duration.between(clock.instant(), tokenExpiresAt.plus(expiryGrace)).toMillis());
        expiryTimer = ctx.executor().schedule(() -> {
            logger.info("{} listener {}: token expired at {} and was not renewed", ctx.channel(), listener.id(),
                    tokenExpiresAt);
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "The token is expired and was not renewed");
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }

    private void close(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        cancelExpiry();
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), CloseReasons.truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}

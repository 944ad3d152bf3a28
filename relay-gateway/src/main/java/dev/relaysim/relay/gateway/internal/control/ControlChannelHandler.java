package dev.relaysim.relay.gateway.internal.control;

import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.channel.CloseReasons;

/**
 * A listener's control channel after the WebSocket upgrade. Position: after {@code WEBSOCKET_PROTOCOL}, before
 * {@code ERROR_HANDLER}.
 * <ul>
 *   <li>{@link HandshakeComplete}: the listener becomes {@link ListenerConnection#isReady() ready} and can be
 *       picked for connections.</li>
 *   <li>Text messages (fragments joined, at most {@value #MAX_COMMAND_LENGTH} characters): {@code renewToken} is
 *       checked like the listen request's token; a valid one silently extends the channel's life, an invalid one
 *       closes it with 1008. {@code response} goes to the HTTP exchange waiting for its {@code requestId}, with the
 *       binary frames that follow it up to FIN as its body ({@code body:false} may be followed by one stray empty
 *       binary frame, as hyco-https sends after HEAD and 204). A response nobody waits for (unknown id, answered
 *       already, or answered after the sender got 504) is logged and dropped with its body: a late answer is no
 *       reason to disconnect a listener. Any other command (or text that is no command) closes it with 1008
 *       {@code Unsupported command}.</li>
 *   <li>Other binary messages close it with 1003.</li>
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
    private final HttpResponseRouter responses;
    private final Clock clock;
    private final Duration expiryGrace;
    private Instant tokenExpiresAt;
    private ScheduledFuture<?> expiryTimer;
    private StringBuilder fragments;
    private boolean closing;
    /** The exchange whose response body is arriving, or null. */
    private HttpResponseReceiver responseBody;
    /** Whether binary frames up to the next FIN belong to a response nobody waits for. */
    private boolean discardingBody;
    /** Whether the last response had no body, so that one empty binary frame may follow it. */
    private boolean strayEmptyFrameAllowed;

    /**
     * @param listener the listener this channel belongs to
     * @param renewal checks a renewed token exactly like the listen request's token
     * @param responses finds the HTTP exchange a {@code response} answers
     * @param tokenExpiresAt when the listen request's token expires
     * @param clock the gateway's clock
     * @param expiryGrace how long after its token's expiry the channel stays open without renewal
     */
    public ControlChannelHandler(ListenerConnection listener, Function<String, AuthorizationDecision> renewal,
                                 HttpResponseRouter responses, Instant tokenExpiresAt, Clock clock,
                                 Duration expiryGrace) {
        this.listener = requireNonNull(listener, "listener");
        this.renewal = requireNonNull(renewal, "renewal");
        this.responses = requireNonNull(responses, "responses");
        this.tokenExpiresAt = requireNonNull(tokenExpiresAt, "tokenExpiresAt");
        this.clock = requireNonNull(clock, "clock");
        this.expiryGrace = requireNonNull(expiryGrace, "expiryGrace");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete) {
            HandshakeTimer.complete(ctx.channel(), HcAction.LISTEN);
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
                closing = true;
                CloseHandshake.answer(ctx, close);
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame
                    && fragments == null) {
                onBinary(ctx, (WebSocketFrame) msg);
            } else if (msg instanceof TextWebSocketFrame text) {
                onText(ctx, text.text(), text.isFinalFragment(), true);
            } else if (msg instanceof ContinuationWebSocketFrame continuation && fragments != null) {
                onText(ctx, continuation.text(), continuation.isFinalFragment(), false);
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
        if (responseBody != null) {
            responseBody.onAbort("the listener's control channel closed during the response body");
            responseBody = null;
        }
        logger.info("{} listener {} disconnected", ctx.channel(), listener.id());
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelExpiry();
    }

    private void onBinary(ChannelHandlerContext ctx, WebSocketFrame frame) {
        boolean last = frame.isFinalFragment();
        boolean first = frame instanceof BinaryWebSocketFrame;
        if (responseBody != null) {
            HttpResponseReceiver receiver = responseBody;
            if (last) {
                responseBody = null;
            }
            receiver.onBody(frame.content().retain(), last);
        } else if (discardingBody) {
            discardingBody = !last;
        } else if (strayEmptyFrameAllowed && first && last && !frame.content().isReadable()) {
            strayEmptyFrameAllowed = false;
        } else {
            close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                    "Binary messages are not supported on the control channel");
        }
    }

    private void onResponse(ChannelHandlerContext ctx, ResponseCommand response) {
        Optional<HttpResponseReceiver> receiver = responses.claimResponse(response.requestId(), listener);
        strayEmptyFrameAllowed = !response.body();
        if (receiver.isEmpty()) {
            logger.info("{} listener {} answered request {}, which no sender waits for from this listener; dropped",
                    ctx.channel(), listener.id(), response.requestId());
            discardingBody = response.body();
            return;
        }
        receiver.get().onResponse(response, ctx.channel());
        if (response.body()) {
            responseBody = receiver.get();
        }
    }

    private void onText(ChannelHandlerContext ctx, String text, boolean last, boolean first) {
        if (responseBody != null || discardingBody) {
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "A text message interrupted a response body");
            return;
        }
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
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "Command longer than " + MAX_COMMAND_LENGTH + " characters");
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
            logger.info("{} listener {} sent an invalid command: {}", ctx.channel(), listener.id(),
                    LogRedaction.redact(e.getMessage()));
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Unsupported command: " + e.getMessage());
            return;
        }
        if (command instanceof ResponseCommand response) {
            onResponse(ctx, response);
            return;
        }
        strayEmptyFrameAllowed = false;
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

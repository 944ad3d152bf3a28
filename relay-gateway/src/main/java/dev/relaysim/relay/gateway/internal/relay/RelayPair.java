package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.gateway.internal.channel.CloseReasons;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.TrafficDirection;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Joins a sender's WebSocket and a listener's rendezvous WebSocket, both server-side WebSockets of the gateway
 * whose handshakes are complete, and relays frames between them until both are closed.
 *
 * <h2>Event loop</h2>
 * Both legs run on the sender's event loop, so the pair needs no locks and no volatile state. The listener's
 * rendezvous channel moves there in one place, {@link #bringToSenderLoop}, which the rendezvous handshake calls
 * as soon as the listener's upgrade is complete (from the listener's loop: one hand-off between loops, where
 * moving it later from the sender's loop would take three); {@link #join} moves a listener channel still on another
 * loop the same way.
 *
 * <h2>Frames</h2>
 * Text, binary and continuation frames are forwarded with their type and FIN bit (their RSV bits must be 0: no
 * extension is negotiated on either leg). Toward either leg, a frame whose payload exceeds
 * {@link RelaySettings#fragmentSize()} is split into slices of at most that size (new frame headers around slices
 * of the same buffer, no copy): the first keeps the frame's type, the others are continuations, only the last
 * carries the frame's FIN bit, so message boundaries and types are kept. The service fragments both ways: the
 * Java SDK's sender, like its listener, refuses frames over 64 KiB. A message (summed over its fragments) larger
 * than {@link RelaySettings#maxMessageSize()} closes its sender with 1009 {@value #MESSAGE_TOO_BIG_REASON} and the
 * other leg with 1011 {@value #PEER_MESSAGE_TOO_BIG_REASON}; a frame with RSV bits set closes its sender with 1002 and
 * the other leg with 1011 {@value #PEER_LOST_REASON}. Pings and pongs that get this far are dropped.
 *
 * <h2>Close</h2>
 * A close frame is forwarded to the other leg unchanged (code and reason). The leg that sent it may send nothing
 * more (later frames are dropped), while the other direction keeps working (half-close, as the .NET SDK's
 * {@code Shutdown()} expects) until the other leg's close frame arrives; that one is forwarded too, and both
 * connections are closed once their close frames are flushed. If the second close frame does not come within
 * {@link RelaySettings#closeHandshakeTimeout()} of the first, both connections are closed. When one leg's
 * connection drops or fails without a close frame, the other leg gets 1011 {@value #PEER_LOST_REASON} (or, when
 * the leg's decoder refused a frame as too big, 1011 {@value #PEER_MESSAGE_TOO_BIG_REASON}) and is closed after
 * the flush; a leg whose decoder refused a frame (a protocol violation: 1002, 1007 or 1009) gets one close frame
 * with that code first. Every path that closes a leg is bounded by the close handshake timeout.
 *
 * <h2>Back-pressure</h2>
 * {@link #join} gives both channels {@link #WRITE_BUFFER_WATER_MARK}, and each leg's autoRead follows the other
 * leg's writability. A {@link FlowControlHandler} before each leg's handler holds the frames decoded from one read
 * while autoRead is off, so a slow reader bounds what the gateway holds per direction to about the high water
 * mark plus one decoded frame (at most the decoder's {@code maxFramePayloadLength}) plus one read.
 *
 * <h2>Logging</h2>
 * One DEBUG line per pair when both legs are closed: bytes and messages each way, close codes, causes; unexpected
 * exceptions (other than I/O and WebSocket decoding errors) are also logged at WARN.
 */
public final class RelayPair {

    /**
     * Write buffer water marks of both legs: a leg stops reading when the other one holds more than 256 KiB not
     * yet written to its socket, and resumes below 64 KiB. {@link #join} applies them; channel initializers may
     * set the same value from the start.
     */
    public static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK =
            new WriteBufferWaterMark(64 * 1024, 256 * 1024);
    /** Reason of the 1009 close frame sent to a leg whose message exceeds the maximum message size. */
    public static final String MESSAGE_TOO_BIG_REASON = "Message too big";
    /** Reason of the 1011 close frame sent to a leg whose peer sent a message exceeding the maximum size. */
    public static final String PEER_MESSAGE_TOO_BIG_REASON = "The peer sent a message that was too big";
    /** Reason of the 1011 close frame sent to a leg whose peer's connection dropped or failed. */
    public static final String PEER_LOST_REASON = "The peer connection was lost";
    /** Reason of the 1002 close frame sent to a leg that sent a frame with RSV bits set. */
    public static final String RESERVED_BITS_REASON = "RSV bits set without a negotiated extension";

    /** Read sizes of relay legs: 512 B to 256 KiB, starting at 16 KiB. */
    private static final AdaptiveRecvByteBufAllocator RELAY_READS =
            new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024);
    private static final Logger logger = LoggerFactory.getLogger(RelayPair.class);

    private final RelaySettings settings;
    private final EntityMetrics metrics;
    private final RelayHandler sender;
    private final RelayHandler listener;
    private final Promise<Void> closeFuture;
    private int openChannels = 2;
    /** Set once the pair is closing both legs: nothing is forwarded any more. */
    private boolean ending;
    private ScheduledFuture<?> closeTimeout;
    private boolean timedOut;

    private RelayPair(Channel senderChannel, Channel listenerChannel, RelaySettings settings, EntityMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        sender = new RelayHandler(this, "sender", senderChannel, settings.fragmentSize(), metrics,
                TrafficDirection.SENDER_TO_LISTENER);
        listener = new RelayHandler(this, "listener", listenerChannel, settings.fragmentSize(), metrics,
                TrafficDirection.LISTENER_TO_SENDER);
        sender.peer(listener);
        listener.peer(sender);
        closeFuture = senderChannel.eventLoop().newPromise();
    }

    /**
     * Joins two WebSockets whose server-side handshakes are complete (Netty's {@code WebSocketServerProtocolHandler}
     * with {@code handleCloseFrames=false}, so that close frames reach the pair, and no WebSocket extension). The
     * caller must have kept autoRead off since the handshakes (this method turns it off too, but frames read
     * before the pair's handlers are in place would be lost), and removed or cancelled anything of its own that
     * schedules work on the listener channel's event loop (handshake timeouts, idle handlers, the upgrade
     * router): the listener channel is deregistered from its loop and registered with the sender's when the two
     * differ. Then this method gives both channels {@link #WRITE_BUFFER_WATER_MARK}, adds a
     * {@link FlowControlHandler} ({@link GatewayHandlerNames#FLOW_CONTROL}) and the relay handler
     * ({@link GatewayHandlerNames#RELAY}) before {@link GatewayHandlerNames#ERROR_HANDLER} (or last, when there is
     * none), and starts reading.
     *
     * <p>A channel that is already closed ends the pair at once as if its connection had dropped. If the listener
     * channel cannot be moved, both channels are closed (the one still open with 1011
     * {@value #PEER_LOST_REASON}) and the returned future fails.
     *
     * <p>May be called from any thread.
     *
     * @param metrics where the pair counts itself (open and closed) and the bytes and messages it relays
     * @return a future completed on the sender's event loop once the pair relays
     */
    public static Future<RelayPair> join(Channel senderChannel, Channel listenerChannel, RelaySettings settings,
                                         EntityMetrics metrics) {
        requireNonNull(senderChannel, "senderChannel");
        requireNonNull(listenerChannel, "listenerChannel");
        requireNonNull(settings, "settings");
        requireNonNull(metrics, "metrics");
        if (senderChannel == listenerChannel) {
            throw new IllegalArgumentException("listenerChannel: " + listenerChannel
                    + " (expected: a channel other than senderChannel)");
        }
        senderChannel.config().setAutoRead(false);
        listenerChannel.config().setAutoRead(false);
        EventLoop loop = senderChannel.eventLoop();
        Promise<RelayPair> promise = loop.newPromise();
        if (listenerChannel.eventLoop() != loop) {
            moveToLoop(listenerChannel, loop).addListener(moved -> {
                if (moved.isSuccess()) {
                    startOrAbort(senderChannel, listenerChannel, settings, metrics, promise);
                } else {
                    abortJoin(senderChannel, listenerChannel, promise, moved.cause());
                }
            });
        } else if (loop.inEventLoop()) {
            startOrAbort(senderChannel, listenerChannel, settings, metrics, promise);
        } else {
            loop.execute(() -> startOrAbort(senderChannel, listenerChannel, settings, metrics, promise));
        }
        return promise;
    }

    /**
     * Brings a rendezvous's listener channel onto its sender's event loop, where the pair will run: deregisters it
     * from its own loop and registers it with the sender's ({@link #moveToLoop}), or, when both share a loop
     * already, only runs the continuation after the current task, as a move would. Call it from the listener's
     * loop with anything of the listener's own scheduled there removed (its handshake is complete).
     *
     * @return completes on the sender's loop once the listener channel is registered there, or fails with why it
     *         could not be moved
     */
    public static Future<Void> bringToSenderLoop(Channel listenerChannel, Channel senderChannel) {
        EventLoop senderLoop = senderChannel.eventLoop();
        if (listenerChannel.eventLoop() != senderLoop) {
            return moveToLoop(listenerChannel, senderLoop);
        }
        Promise<Void> here = senderLoop.newPromise();
        senderLoop.execute(() -> here.setSuccess(null));
        return here;
    }

    /**
     * Deregisters {@code channel} from its event loop and registers it with {@code loop}, keeping its pipeline and
     * autoRead setting; the caller must have removed or cancelled anything of its own scheduled on the old loop.
     * Costs two tasks: the deregistration on the old loop, the registration on {@code loop}.
     *
     * @param loop another loop than the channel's
     * @return completes on {@code loop} once the channel is registered there, or fails with why it could not be
     *         moved
     */
    private static Future<Void> moveToLoop(Channel channel, EventLoop loop) {
        requireNonNull(channel, "channel");
        if (channel.eventLoop() == requireNonNull(loop, "loop")) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: another loop than " + channel + "'s)");
        }
        Promise<Void> moved = loop.newPromise();
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                moved.setFailure(deregistered.cause());
                return;
            }
            loop.register(channel).addListener(registered -> {
                if (registered.isSuccess()) {
                    moved.setSuccess(null);
                } else {
                    moved.setFailure(registered.cause());
                }
            });
        });
        return moved;
    }

    private static void startOrAbort(Channel senderChannel, Channel listenerChannel, RelaySettings settings,
                                     EntityMetrics metrics, Promise<RelayPair> promise) {
        RelayPair pair;
        try {
            pair = start(senderChannel, listenerChannel, settings, metrics);
        } catch (RuntimeException e) {
            abortJoin(senderChannel, listenerChannel, promise, e);
            return;
        }
        promise.setSuccess(pair);
    }

    /**
     * Installs the relay on two channels that share an event loop (or, in tests, two embedded channels) and starts
     * reading. Must be called on that loop.
     */
    static RelayPair start(Channel senderChannel, Channel listenerChannel, RelaySettings settings,
                           EntityMetrics metrics) {
        checkNotRelaying(senderChannel, "senderChannel");
        checkNotRelaying(listenerChannel, "listenerChannel");
        RelayPair pair = new RelayPair(senderChannel, listenerChannel, settings, metrics);
        pair.install(pair.sender);
        pair.install(pair.listener);
        metrics.connectionOpened();
        pair.startReading();
        return pair;
    }

    private static void checkNotRelaying(Channel channel, String name) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.context(GatewayHandlerNames.FLOW_CONTROL) != null
                || pipeline.context(GatewayHandlerNames.RELAY) != null) {
            throw new IllegalArgumentException(name + ": " + channel + " (expected: a channel not relayed yet)");
        }
    }

    private static void abortJoin(Channel senderChannel, Channel listenerChannel, Promise<RelayPair> promise,
                                  Throwable cause) {
        closeUnjoined(senderChannel);
        closeUnjoined(listenerChannel);
        promise.setFailure(cause);
    }

    private static void closeUnjoined(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(),
                    PEER_LOST_REASON)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * Ends the pair from the gateway's side: both legs get a close frame with {@code code} and {@code reason} (cut
     * to fit a close frame) unless one was already written to them, and are closed once it is flushed, bounded by
     * the close handshake timeout. May be called from any thread; does nothing once the pair is ending.
     */
    public void close(int code, String reason) {
        requireNonNull(reason, "reason");
        String truncated = CloseReasons.truncate(reason);
        EventLoop loop = sender.channel().eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> close(code, truncated));
            return;
        }
        if (ending) {
            return;
        }
        ending = true;
        sender.closeWith(code, truncated);
        listener.closeWith(code, truncated);
        armCloseTimeout();
    }

    /** Completed once both legs' connections are closed. */
    public Future<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public String toString() {
        return "RelayPair(sender " + sender.logPrefix() + ", listener " + listener.logPrefix() + ')';
    }

    private void install(RelayHandler leg) {
        Channel channel = leg.channel();
        channel.config().setWriteBufferWaterMark(WRITE_BUFFER_WATER_MARK);
        // Reads of up to 256 KiB let a 64 KiB frame and its header arrive in one buffer, which the frame decoder
        // then takes as it is instead of first gathering two reads into one.
        channel.config().setRecvByteBufAllocator(RELAY_READS);
        ChannelPipeline pipeline = channel.pipeline();
        // Closest to the socket: the frames relayed in one event-loop task go out with one flush (one write call).
        pipeline.addFirst(GatewayHandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        if (pipeline.context(GatewayHandlerNames.ERROR_HANDLER) != null) {
            pipeline.addBefore(GatewayHandlerNames.ERROR_HANDLER, GatewayHandlerNames.FLOW_CONTROL,
                    new FlowControlHandler());
            pipeline.addBefore(GatewayHandlerNames.ERROR_HANDLER, GatewayHandlerNames.RELAY, leg);
        } else {
            pipeline.addLast(GatewayHandlerNames.FLOW_CONTROL, new FlowControlHandler());
            pipeline.addLast(GatewayHandlerNames.RELAY, leg);
        }
        channel.closeFuture().addListener(closed -> channelClosed());
    }

    private void startReading() {
        for (RelayHandler leg : new RelayHandler[] {sender, listener}) {
            if (!leg.channel().isActive()) {
                connectionLost(leg, null);
            }
        }
        if (!ending) {
            sender.channel().config().setAutoRead(listener.channel().isWritable());
            listener.channel().config().setAutoRead(sender.channel().isWritable());
        }
    }

    void frameReceived(RelayHandler from, Object msg) {
        if (!(msg instanceof WebSocketFrame frame) || ending || from.isCloseReceived()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof CloseWebSocketFrame close) {
            closeReceived(from, close);
            return;
        }
        if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame) {
            frame.release();
            return;
        }
        if (frame.rsv() != 0) {
            frame.release();
            abort(from, WebSocketCloseStatus.PROTOCOL_ERROR.code(), RESERVED_BITS_REASON, PEER_LOST_REASON);
            return;
        }
        if (!from.countReceived(frame.content().readableBytes(), frame.isFinalFragment(),
                settings.maxMessageSize())) {
            frame.release();
            abort(from, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), MESSAGE_TOO_BIG_REASON,
                    PEER_MESSAGE_TOO_BIG_REASON);
            return;
        }
        from.peer().writeData(frame);
    }

    private void closeReceived(RelayHandler from, CloseWebSocketFrame close) {
        RelayHandler to = from.peer();
        from.closeReceived(close);
        to.forwardClose(close);
        if (to.isCloseReceived()) {
            ending = true;
            from.closeAfterCloseFrame();
            to.closeAfterCloseFrame();
        }
        armCloseTimeout();
    }

    /** Closes {@code from} with {@code code} and its peer with 1011, after a frame that cannot be relayed. */
    private void abort(RelayHandler from, int code, String reason, String peerReason) {
        ending = true;
        from.closeWith(code, reason);
        from.peer().closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), peerReason);
        armCloseTimeout();
    }

    void writabilityChanged(RelayHandler leg) {
        if (!ending) {
            leg.peer().channel().config().setAutoRead(leg.channel().isWritable());
        }
    }

    /** The leg's connection closed, or failed with {@code cause} (null for a close). */
    void connectionLost(RelayHandler leg, Throwable cause) {
        if (cause != null) {
            leg.recordCause(cause);
            if (!isExpected(cause)) {
                logger.warn("{} Unexpected error on the {} leg of a relayed connection", leg.logPrefix(),
                        leg.role(), cause);
            }
        }
        CorruptedWebSocketFrameException violation = cause instanceof CorruptedWebSocketFrameException corrupted
                ? corrupted : null;
        if (!ending) {
            ending = true;
            leg.lost(cause);
            String reason = violation != null
                    && violation.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
                    ? PEER_MESSAGE_TOO_BIG_REASON : PEER_LOST_REASON;
            leg.peer().closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), reason);
            armCloseTimeout();
        }
        if (violation != null) {
            // The decoder sends no close frame of its own (closeOnProtocolViolation off): the leg gets exactly one,
            // with the violation's code, through WEBSOCKET_PROTOCOL, which then adds no 1001 when the leg closes.
            logger.info("{} {} leg broke the WebSocket protocol, closing it with {}: {}", leg.logPrefix(), leg.role(),
                    violation.closeStatus().code(), violation.getMessage());
            leg.closeWith(violation.closeStatus().code(),
                    CloseReasons.truncate(String.valueOf(violation.getMessage())));
            return;
        }
        leg.channel().close();
    }

    private static boolean isExpected(Throwable cause) {
        return cause instanceof IOException || cause instanceof DecoderException;
    }

    private void armCloseTimeout() {
        if (closeTimeout == null && openChannels > 0) {
            closeTimeout = sender.channel().eventLoop().schedule(this::closeHandshakeTimedOut,
                    settings.closeHandshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void closeHandshakeTimedOut() {
        timedOut = true;
        ending = true;
        sender.channel().close();
        listener.channel().close();
    }

    private void channelClosed() {
        if (--openChannels > 0) {
            return;
        }
        if (closeTimeout != null) {
            closeTimeout.cancel(false);
        }
        metrics.connectionClosed();
        if (logger.isDebugEnabled()) {
            logger.debug("{} Relay with listener {} ended{}; {}; {}", sender.logPrefix(), listener.logPrefix(),
                    timedOut ? " (close handshake timed out)" : "", sender.summary(),
                    listener.summary());
        }
        closeFuture.setSuccess(null);
    }

    /** {@code [id, L:local - R:remote]}, the prefix of every log line about a channel. */
    static String format(Channel channel) {
        return "[" + channel.id().asShortText() + ", L:" + channel.localAddress() + " - R:"
                + channel.remoteAddress() + ']';
    }
}

package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.TrafficDirection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One leg of a {@link RelayPair}: receives the decoded frames of one WebSocket and writes the frames relayed to it.
 * The pair owns the forwarding and close rules; this handler holds the leg's state and turns pipeline events into
 * calls on the pair. Not sharable: one instance per leg, and every method runs on the pair's one event loop.
 *
 * <p>Pipeline position: after Netty's {@code WebSocketServerProtocolHandler} (which answers pings, drops pongs
 * and, with {@code handleCloseFrames=false}, passes close frames on) and the
 * {@link io.netty.handler.flow.FlowControlHandler} named {@code GatewayHandlerNames.FLOW_CONTROL}, before
 * {@code GatewayHandlerNames.ERROR_HANDLER} if there is one.
 * <ul>
 *   <li>In: {@link WebSocketFrame}s; consumed (forwarded to the other leg or released), never fired on.</li>
 *   <li>Out: the frames relayed from the other leg, and close frames.</li>
 *   <li>Events: writability changes toggle the other leg's autoRead and are fired on; channelInactive ends the
 *       pair and is fired on; exceptions end the pair and are consumed (the pair logs them).</li>
 * </ul>
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final RelayPair pair;
    private final String role;
    private final Channel channel;
    private final int maxFragmentSize;
    private final EntityMetrics metrics;
    /** Which way the frames received from this leg go. */
    private final TrafficDirection direction;
    private RelayHandler peer;
    private ChannelHandlerContext ctx;

    /** Payload bytes of the message being received, over the fragments seen so far. */
    private long messageBytes;
    private long bytesReceived;
    private long messagesReceived;
    private boolean closeReceived;
    private int closeReceivedCode;
    private String closeReceivedReason;
    private ChannelFuture closeFrameWrite;
    private int closeSentCode;
    private boolean lost;
    private Throwable cause;

    /**
     * @param maxFragmentSize the largest payload written to this leg in one frame; larger frames are split
     * @param metrics where the frames received from this leg are counted, as going {@code direction}
     */
    RelayHandler(RelayPair pair, String role, Channel channel, int maxFragmentSize, EntityMetrics metrics,
                 TrafficDirection direction) {
        this.pair = pair;
        this.role = role;
        this.channel = channel;
        this.maxFragmentSize = maxFragmentSize;
        this.metrics = metrics;
        this.direction = direction;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pair.frameReceived(this, msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pair.writabilityChanged(this);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pair.connectionLost(this, null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        pair.connectionLost(this, cause);
    }

    void peer(RelayHandler peer) {
        this.peer = peer;
    }

    RelayHandler peer() {
        return peer;
    }

    Channel channel() {
        return channel;
    }

    String role() {
        return role;
    }

    /** Made when a log line needs it: kept for the connection's life, it cost about 125 bytes per leg. */
    String logPrefix() {
        return RelayPair.format(channel);
    }

    /**
     * Counts a data frame received from this leg and returns whether its message stays within
     * {@code maxMessageSize}; the message's count restarts after a final fragment. A frame within the limit is
     * counted in the metrics too.
     */
    boolean countReceived(int length, boolean finalFragment, int maxMessageSize) {
        long size = messageBytes + length;
        if (size > maxMessageSize) {
            return false;
        }
        messageBytes = finalFragment ? 0 : size;
        bytesReceived += length;
        if (finalFragment) {
            messagesReceived++;
        }
        metrics.relayed(direction, length, finalFragment);
        return true;
    }

    /**
     * Writes a data frame relayed from the other leg, split into fragments of at most {@code maxFragmentSize}
     * bytes: the first keeps the frame's type, the others are continuations, and only the last one carries the
     * frame's FIN bit. The pieces are slices of the frame's buffer, not copies.
     */
    void writeData(WebSocketFrame frame) {
        ByteBuf content = frame.content();
        int length = content.readableBytes();
        if (length <= maxFragmentSize) {
            ctx.write(frame);
        } else {
            writeFragments(frame, content, length);
        }
        // The leg's FlushConsolidationHandler turns the flushes of one event-loop task into one.
        ctx.flush();
    }

    private void writeFragments(WebSocketFrame frame, ByteBuf content, int length) {
        boolean finalFragment = frame.isFinalFragment();
        int index = content.readerIndex();
        int end = index + length;
        try {
            ctx.write(firstFragment(frame, content.retainedSlice(index, maxFragmentSize)));
            index += maxFragmentSize;
            while (index < end) {
                int size = Math.min(maxFragmentSize, end - index);
                boolean last = index + size == end;
                ctx.write(new ContinuationWebSocketFrame(last && finalFragment, 0,
                        content.retainedSlice(index, size)));
                index += size;
            }
        } finally {
            frame.release();
        }
    }

    private static WebSocketFrame firstFragment(WebSocketFrame frame, ByteBuf piece) {
        if (frame instanceof TextWebSocketFrame) {
            return new TextWebSocketFrame(false, 0, piece);
        }
        if (frame instanceof BinaryWebSocketFrame) {
            return new BinaryWebSocketFrame(false, 0, piece);
        }
        return new ContinuationWebSocketFrame(false, 0, piece);
    }

    void closeReceived(CloseWebSocketFrame frame) {
        closeReceived = true;
        closeReceivedCode = frame.statusCode();
        closeReceivedReason = frame.reasonText();
    }

    boolean isCloseReceived() {
        return closeReceived;
    }

    /** Writes the other leg's close frame to this leg, as is. */
    void forwardClose(CloseWebSocketFrame frame) {
        closeSentCode = frame.statusCode();
        closeFrameWrite = ctx.writeAndFlush(frame);
    }

    /**
     * Closes this leg with a close frame of its own, unless one was already written to it: the connection closes
     * once the frame is flushed if the client's close frame is in, else once the client closes its side.
     */
    void closeWith(int code, String reason) {
        if (closeFrameWrite == null) {
            closeSentCode = code;
            closeFrameWrite = ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        }
        if (closeReceived || !(channel instanceof DuplexChannel duplex)) {
            closeAfterCloseFrame();
            return;
        }
        // The client may still be sending. Closing the socket with bytes unread makes the kernel reset the
        // connection, and the client then loses the close frame; so half-close after the frame and read on (the pair
        // discards what arrives) until the client closes, or the pair's close timeout closes the leg.
        closeFrameWrite.addListener(written -> {
            if (written.isSuccess() && channel.isActive()) {
                channel.config().setAutoRead(true);
                duplex.shutdownOutput();
            } else {
                channel.close();
            }
        });
    }

    /** Closes the connection once the close frame written to this leg, if any, has been flushed. */
    void closeAfterCloseFrame() {
        if (closeFrameWrite == null) {
            channel.close();
        } else {
            closeFrameWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    void lost(Throwable cause) {
        lost = true;
        recordCause(cause);
    }

    void recordCause(Throwable cause) {
        if (this.cause == null) {
            this.cause = cause;
        }
    }

    /** What this leg sent and received, for the pair's one log line when it ends. */
    String summary() {
        StringBuilder buf = new StringBuilder(role).append(": ").append(bytesReceived).append(" bytes in ")
                .append(messagesReceived).append(" messages received, close ");
        if (closeReceived) {
            buf.append(closeReceivedCode).append(" \"").append(closeReceivedReason).append('"');
        } else {
            buf.append("none");
        }
        buf.append(" received, close ");
        if (closeFrameWrite == null) {
            buf.append("none");
        } else {
            buf.append(closeSentCode);
        }
        buf.append(" sent");
        if (lost) {
            buf.append(", connection lost");
        }
        if (cause != null) {
            buf.append(", ").append(cause);
        }
        return buf.toString();
    }
}

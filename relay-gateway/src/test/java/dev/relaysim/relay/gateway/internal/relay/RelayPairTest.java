package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

@Timeout(10)
class RelayPairTest {

    private static final int KIB = 1024;
    private static final RelaySettings SETTINGS = new RelaySettings(64 * KIB, 1024 * KIB, Duration.ofSeconds(5));

    private EmbeddedChannel sender;
    private EmbeddedChannel listener;
    private RelayPair pair;

    @BeforeEach
    void setUp() {
        sender = newLeg();
        listener = newLeg();
        pair = RelayPair.start(sender, listener, SETTINGS, NoopGatewayMetrics.ENTITY);
    }

    @AfterEach
    void tearDown() {
        sender.finishAndReleaseAll();
        listener.finishAndReleaseAll();
    }

    private static EmbeddedChannel newLeg() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        return channel;
    }

    @Test
    void startsReadingWithHandlersInOrder() {
        assertThat(sender.config().isAutoRead()).isTrue();
        assertThat(listener.config().isAutoRead()).isTrue();
        assertThat(sender.pipeline().names()).containsSubsequence(GatewayHandlerNames.FLOW_CONTROL,
                GatewayHandlerNames.RELAY);
        assertThat(sender.config().getWriteBufferWaterMark()).isEqualTo(RelayPair.WRITE_BUFFER_WATER_MARK);
        assertThat(listener.config().getWriteBufferWaterMark()).isEqualTo(RelayPair.WRITE_BUFFER_WATER_MARK);
    }

    @Test
    void installsBeforeErrorHandler() {
        EmbeddedChannel first = newLeg();
        EmbeddedChannel second = newLeg();
        first.pipeline().addLast(GatewayHandlerNames.ERROR_HANDLER, new ChannelInboundHandlerAdapter());
        second.pipeline().addLast(GatewayHandlerNames.ERROR_HANDLER, new ChannelInboundHandlerAdapter());
        RelayPair other = RelayPair.start(first, second, SETTINGS, NoopGatewayMetrics.ENTITY);
        assertThat(first.pipeline().names()).startsWith(GatewayHandlerNames.FLUSH_CONSOLIDATION).containsSubsequence(
                GatewayHandlerNames.FLOW_CONTROL, GatewayHandlerNames.RELAY, GatewayHandlerNames.ERROR_HANDLER);
        assertThat(second.pipeline().names()).startsWith(GatewayHandlerNames.FLUSH_CONSOLIDATION).containsSubsequence(
                GatewayHandlerNames.FLOW_CONTROL, GatewayHandlerNames.RELAY, GatewayHandlerNames.ERROR_HANDLER);
        assertFinished(first, second, other);
    }

    @Test
    void splitsLargeBinaryFrameTowardListener() {
        assertSplitsA200KibBinaryFrame(sender, listener);
    }

    @Test
    void splitsContinuationInputIntoContinuations() {
        byte[] head = "héllo".getBytes(StandardCharsets.UTF_8);
        byte[] tail = randomText(100 * KIB);
        sender.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(head)));
        sender.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(tail)));

        assertFragment(outbound(listener), TextWebSocketFrame.class, false, head, 0, head.length);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, false, tail, 0, 64 * KIB);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, true, tail, 64 * KIB, 36 * KIB);
        assertThat(listener.outboundMessages()).isEmpty();
        assertFinished();
    }

    @Test
    void keepsFinClearOnAllPiecesOfANonFinalFrame() {
        byte[] payload = randomBytes(128 * KIB + 1);
        sender.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(payload)));
        sender.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER));

        assertFragment(outbound(listener), TextWebSocketFrame.class, false, payload, 0, 64 * KIB);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, false, payload, 64 * KIB, 64 * KIB);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, false, payload, 128 * KIB, 1);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, true, new byte[0], 0, 0);
        assertFinished();
    }

    @Test
    void preservesTextTypeOfSmallFrames() {
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        sender.writeInbound(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload)));
        listener.writeInbound(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload)));

        assertFragment(outbound(listener), TextWebSocketFrame.class, true, payload, 0, payload.length);
        assertFragment(outbound(sender), TextWebSocketFrame.class, true, payload, 0, payload.length);
        assertFinished();
    }

    @Test
    void fragmentsLargeFramesTowardSender() {
        assertSplitsA200KibBinaryFrame(listener, sender);
    }

    /** After the close handshake: both legs closed, the pair's close future succeeded, nothing left over. */
    private void assertClosedCleanly() {
        runPendingTasks();
        assertThat(sender.isOpen()).isFalse();
        assertThat(listener.isOpen()).isFalse();
        assertThat(pair.closeFuture().isSuccess()).isTrue();
        assertFinished();
    }

    /** A 200 KiB binary frame read on {@code from} leaves {@code to} as 64 KiB pieces and one of 8 KiB. */
    private void assertSplitsA200KibBinaryFrame(EmbeddedChannel from, EmbeddedChannel to) {
        byte[] payload = randomBytes(200 * KIB);
        from.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));

        assertFragment(outbound(to), BinaryWebSocketFrame.class, false, payload, 0, 64 * KIB);
        assertFragment(outbound(to), ContinuationWebSocketFrame.class, false, payload, 64 * KIB, 64 * KIB);
        assertFragment(outbound(to), ContinuationWebSocketFrame.class, false, payload, 128 * KIB, 64 * KIB);
        assertFragment(outbound(to), ContinuationWebSocketFrame.class, true, payload, 192 * KIB, 8 * KIB);
        assertThat(to.outboundMessages()).isEmpty();
        assertFinished();
    }

    @Test
    void fragmentsLargeTextFramesTowardSenderKeepingTheMessageOpen() {
        byte[] head = "héllo".getBytes(StandardCharsets.UTF_8);
        byte[] tail = randomText(70 * KIB);
        listener.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(head)));
        listener.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(tail)));

        assertFragment(outbound(sender), TextWebSocketFrame.class, false, head, 0, head.length);
        assertFragment(outbound(sender), ContinuationWebSocketFrame.class, false, tail, 0, 64 * KIB);
        assertFragment(outbound(sender), ContinuationWebSocketFrame.class, true, tail, 64 * KIB, 6 * KIB);
        assertFinished();
    }

    @Test
    void releasesPingsAndPongs() {
        sender.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
        listener.writeInbound(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {3})));

        assertThat(sender.outboundMessages()).isEmpty();
        assertThat(listener.outboundMessages()).isEmpty();
        assertFinished();
    }

    @Test
    void halfCloseFromSenderKeepsListenerDirectionOpen() {
        sender.writeInbound(new CloseWebSocketFrame(1000, "Shutdown"));
        assertClose(outbound(listener), 1000, "Shutdown");
        assertThat(sender.isOpen()).isTrue();
        assertThat(listener.isOpen()).isTrue();

        // The sender may send nothing after its close frame; anything it does send is dropped.
        sender.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(listener.outboundMessages()).isEmpty();

        // The other direction still works.
        byte[] reply = randomBytes(100 * KIB);
        listener.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(reply)));
        assertFragment(outbound(sender), BinaryWebSocketFrame.class, false, reply, 0, 64 * KIB);
        assertFragment(outbound(sender), ContinuationWebSocketFrame.class, true, reply, 64 * KIB, 36 * KIB);

        listener.writeInbound(new CloseWebSocketFrame(1000, "Bye"));
        assertClose(outbound(sender), 1000, "Bye");
        assertClosedCleanly();
    }

    @Test
    void halfCloseFromListenerKeepsSenderDirectionOpen() {
        listener.writeInbound(new CloseWebSocketFrame(1001, "Going away"));
        assertClose(outbound(sender), 1001, "Going away");

        byte[] payload = randomBytes(70 * KIB);
        sender.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        assertFragment(outbound(listener), BinaryWebSocketFrame.class, false, payload, 0, 64 * KIB);
        assertFragment(outbound(listener), ContinuationWebSocketFrame.class, true, payload, 64 * KIB, 6 * KIB);

        listener.writeInbound(new TextWebSocketFrame("dropped"));
        assertThat(sender.outboundMessages()).isEmpty();

        sender.writeInbound(new CloseWebSocketFrame(1000, ""));
        assertClose(outbound(listener), 1000, "");
        assertClosedCleanly();
    }

    @Test
    void closesBothWhenTheReplyCloseDoesNotCome() {
        sender.freezeTime();
        sender.writeInbound(new CloseWebSocketFrame(1000, "Shutdown"));
        assertClose(outbound(listener), 1000, "Shutdown");

        sender.advanceTimeBy(SETTINGS.closeHandshakeTimeout().toMillis() - 1, TimeUnit.MILLISECONDS);
        sender.runScheduledPendingTasks();
        assertThat(sender.isOpen()).isTrue();
        assertThat(listener.isOpen()).isTrue();

        sender.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        sender.runScheduledPendingTasks();
        assertClosedCleanly();
    }

    @Test
    void listenerDropClosesSenderWith1011() {
        listener.close();
        assertClose(outbound(sender), 1011, RelayPair.PEER_LOST_REASON);
        runPendingTasks();
        assertThat(sender.isOpen()).isFalse();
        assertThat(pair.closeFuture().isSuccess()).isTrue();
        assertFinished();
    }

    @Test
    void senderFailureClosesListenerWith1011() {
        sender.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertClose(outbound(listener), 1011, RelayPair.PEER_LOST_REASON);
        runPendingTasks();
        assertThat(sender.isOpen()).isFalse();
        assertThat(listener.isOpen()).isFalse();
        assertFinished();
    }

    @Test
    void decoderRefusingATooBigFrameClosesPeerWith1011() {
        sender.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length of 16777216 has been exceeded."));
        assertClose(outbound(listener), 1011, RelayPair.PEER_MESSAGE_TOO_BIG_REASON);
        // The decoder sends no close frame of its own: the pair answers the violation with its code, once.
        assertClose(outbound(sender), 1009, "Max frame length of 16777216 has been exceeded.");
        runPendingTasks();
        assertThat(sender.outboundMessages()).isEmpty();
        assertThat(sender.isOpen()).isFalse();
        assertThat(listener.isOpen()).isFalse();
        assertFinished();
    }

    @Test
    void dropAfterHalfCloseClosesTheOtherLegWithoutAnotherCloseFrame() {
        sender.writeInbound(new CloseWebSocketFrame(1000, "Shutdown"));
        assertClose(outbound(listener), 1000, "Shutdown");

        sender.close();
        runPendingTasks();
        assertThat(listener.outboundMessages()).isEmpty();
        assertThat(listener.isOpen()).isFalse();
        assertThat(pair.closeFuture().isSuccess()).isTrue();
        assertFinished();
    }

    @Test
    void dropOfTheClosingLegBeforeTheReplyClosesTheOtherWith1011() {
        listener.writeInbound(new CloseWebSocketFrame(1000, "Shutdown"));
        assertClose(outbound(sender), 1000, "Shutdown");

        sender.close();
        assertClose(outbound(listener), 1011, RelayPair.PEER_LOST_REASON);
        runPendingTasks();
        assertThat(listener.isOpen()).isFalse();
        assertFinished();
    }

    @Test
    void oversizedMessageClosesItsSenderWith1009AndThePeerWith1011() {
        EmbeddedChannel first = newLeg();
        EmbeddedChannel second = newLeg();
        RelayPair small = RelayPair.start(first, second,
                new RelaySettings(64 * KIB, 100 * KIB, Duration.ofSeconds(5)), NoopGatewayMetrics.ENTITY);

        byte[] head = randomBytes(60 * KIB);
        first.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(head)));
        assertFragment(outbound(second), BinaryWebSocketFrame.class, false, head, 0, head.length);

        first.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(randomBytes(41 * KIB))));
        assertClose(outbound(first), 1009, RelayPair.MESSAGE_TOO_BIG_REASON);
        assertClose(outbound(second), 1011, RelayPair.PEER_MESSAGE_TOO_BIG_REASON);
        first.runPendingTasks();
        second.runPendingTasks();
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
        assertFinished(first, second, small);
    }

    @Test
    void countsMessageSizeAcrossFragmentsAndRestartsAfterFin() {
        EmbeddedChannel first = newLeg();
        EmbeddedChannel second = newLeg();
        RelayPair other = RelayPair.start(first, second,
                new RelaySettings(64 * KIB, 100 * KIB, Duration.ofSeconds(5)), NoopGatewayMetrics.ENTITY);

        for (int i = 0; i < 3; i++) {
            second.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(randomBytes(50 * KIB))));
            second.writeInbound(new ContinuationWebSocketFrame(true, 0,
                    Unpooled.wrappedBuffer(randomBytes(50 * KIB))));
            releaseAll(first, 2);
        }
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertFinished(first, second, other);
    }

    @Test
    void reservedBitsCloseTheSenderWith1002() {
        listener.writeInbound(new BinaryWebSocketFrame(true, 4, Unpooled.wrappedBuffer(new byte[] {1})));
        assertClose(outbound(listener), 1002, RelayPair.RESERVED_BITS_REASON);
        assertClose(outbound(sender), 1011, RelayPair.PEER_LOST_REASON);
        runPendingTasks();
        assertThat(sender.isOpen()).isFalse();
        assertThat(listener.isOpen()).isFalse();
        assertFinished();
    }

    @Test
    void peerAutoReadMirrorsWritability() {
        setWritable(listener, false);
        assertThat(sender.config().isAutoRead()).isFalse();
        assertThat(listener.config().isAutoRead()).isTrue();

        setWritable(sender, false);
        assertThat(listener.config().isAutoRead()).isFalse();

        setWritable(listener, true);
        assertThat(sender.config().isAutoRead()).isTrue();
        setWritable(sender, true);
        assertThat(listener.config().isAutoRead()).isTrue();
        assertFinished();
    }

    @Test
    void holdsDecodedFramesWhileThePeerIsNotWritable() {
        setWritable(listener, false);
        // One read that decoded three frames: the flow control handler holds them while autoRead is off.
        sender.writeOneInbound(new TextWebSocketFrame("one"));
        sender.writeOneInbound(new TextWebSocketFrame("two"));
        sender.writeOneInbound(new TextWebSocketFrame("three"));
        sender.flushInbound();
        assertThat(listener.outboundMessages()).isEmpty();

        setWritable(listener, true);
        for (String expected : new String[] {"one", "two", "three"}) {
            TextWebSocketFrame frame = outbound(listener);
            assertThat(frame.text()).isEqualTo(expected);
            frame.release();
        }
        assertFinished();
    }

    @Test
    void closedLegAtStartClosesTheOtherWith1011() {
        EmbeddedChannel first = newLeg();
        EmbeddedChannel second = newLeg();
        second.close();
        RelayPair early = RelayPair.start(first, second, SETTINGS, NoopGatewayMetrics.ENTITY);
        assertClose(outbound(first), 1011, RelayPair.PEER_LOST_REASON);
        first.runPendingTasks();
        assertThat(first.isOpen()).isFalse();
        assertFinished(first, second, early);
    }

    /** Changes writability as a full or drained outbound buffer would; the event fires from a task. */
    private static void setWritable(EmbeddedChannel channel, boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isEqualTo(writable);
    }

    private void runPendingTasks() {
        sender.runPendingTasks();
        listener.runPendingTasks();
    }

    private void assertFinished() {
        assertFinished(sender, listener, pair);
    }

    /**
     * Finishes both legs: when the pair was still relaying, finishing the first leg closes it, and the second gets
     * the 1011 of a lost peer.
     */
    private static void assertFinished(EmbeddedChannel first, EmbeddedChannel second, RelayPair pair) {
        boolean relaying = first.isOpen() && second.isOpen();
        assertFalse(first.finish());
        if (relaying) {
            assertClose(outbound(second), 1011, RelayPair.PEER_LOST_REASON);
            second.runPendingTasks();
            assertThat(second.isOpen()).isFalse();
        }
        assertFalse(second.finish());
        assertThat(pair.closeFuture().isSuccess()).isTrue();
    }

    /** The next frame written to {@code channel}, once its consolidated flush (an event-loop task) has run. */
    private static <T> T outbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    private static void releaseAll(EmbeddedChannel channel, int expected) {
        for (int i = 0; i < expected; i++) {
            WebSocketFrame frame = outbound(channel);
            assertThat(frame).isNotNull();
            frame.release();
        }
    }

    private static void assertFragment(WebSocketFrame frame, Class<? extends WebSocketFrame> type,
                                       boolean finalFragment, byte[] source, int offset, int length) {
        try {
            assertThat(frame).isInstanceOf(type);
            assertThat(frame.isFinalFragment()).as("FIN").isEqualTo(finalFragment);
            assertThat(frame.rsv()).as("RSV").isZero();
            ByteBuf content = frame.content();
            assertThat(content.readableBytes()).isEqualTo(length);
            assertThat(content.equals(Unpooled.wrappedBuffer(source, offset, length))).as("payload").isTrue();
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    private static void assertClose(WebSocketFrame frame, int code, String reason) {
        try {
            assertThat(frame).isInstanceOf(CloseWebSocketFrame.class);
            CloseWebSocketFrame close = (CloseWebSocketFrame) frame;
            assertThat(close.statusCode()).isEqualTo(code);
            assertThat(close.reasonText()).isEqualTo(reason);
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] randomText(int length) {
        byte[] bytes = new byte[length];
        Random random = new Random(length);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return bytes;
    }
}

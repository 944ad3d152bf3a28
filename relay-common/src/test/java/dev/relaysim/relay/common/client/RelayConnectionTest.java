package dev.relaysim.relay.common.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@link RelayConnection} on an {@link EmbeddedChannel}: back-pressure, close handshake, handler hand-over. */
class RelayConnectionTest {

    private static final Duration NO_WAIT = Duration.ofMillis(1);

    private static RelayConnection connection(EmbeddedChannel channel, int queueMessages) {
        return new RelayConnection(channel, URI.create("ws://localhost/$hc/echo"), null,
                new RelayClientConfig(1024, 1024, queueMessages, 1 << 20, Duration.ofSeconds(5)));
    }

    @Test
    void readingPausesWhenTheQueueIsFullAndResumesAtHalf() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 4);
        for (int i = 0; i < 3; i++) {
            connection.onMessage(RelayMessage.text("m" + i));
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        connection.onMessage(RelayMessage.text("m3"));
        assertThat(channel.config().isAutoRead()).isFalse();

        assertThat(connection.receive(NO_WAIT).asText()).isEqualTo("m0");
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("3 of 4 still queued").isFalse();
        assertThat(connection.receive(NO_WAIT).asText()).isEqualTo("m1");
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("2 of 4 queued").isTrue();
        assertThat(connection.queuedMessages()).isEqualTo(2);
        assertFalse(channel.finish());
    }

    @Test
    void peerCloseIsAnsweredAndEndsTheStream() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.onMessage(RelayMessage.binary(new byte[] {1, 2, 3}));
        CloseWebSocketFrame close = new CloseWebSocketFrame(4001, "bye");
        connection.onCloseFrame(close);
        close.release();
        connection.onMessage(RelayMessage.text("after close"));

        CloseWebSocketFrame answer = channel.readOutbound();
        assertThat(answer.statusCode()).isEqualTo(4001);
        assertThat(answer.reasonText()).isEqualTo("bye");
        answer.release();
        assertThat(channel.isOpen()).isFalse();
        connection.onInactive();

        assertThat(connection.receive(NO_WAIT).contentEquals(new byte[] {1, 2, 3})).isTrue();
        assertThat(connection.receive(NO_WAIT)).isNull();
        assertThat(connection.receive(NO_WAIT)).isNull();
        assertThat(connection.closeFuture().join()).isEqualTo(new RelayCloseStatus(4001, "bye"));
        assertThatThrownBy(() -> connection.sendText("x").join()).cause().isInstanceOf(IllegalStateException.class);
        assertFalse(channel.finish());
    }

    @Test
    void ourCloseWaitsForThePeersAndKeepsReceiving() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.close(1000, "Shutdown");
        channel.runPendingTasks();
        CloseWebSocketFrame sent = channel.readOutbound();
        assertThat(sent.statusCode()).isEqualTo(1000);
        sent.release();
        assertThat(connection.isOpen()).isFalse();
        assertThat(channel.isOpen()).isTrue();

        connection.onMessage(RelayMessage.text("still arriving"));
        assertThat(connection.receive(NO_WAIT).asText()).isEqualTo("still arriving");
        assertThatThrownBy(() -> connection.receive(NO_WAIT)).isInstanceOf(TimeoutException.class);

        CloseWebSocketFrame peer = new CloseWebSocketFrame(1000, "Shutdown");
        connection.onCloseFrame(peer);
        peer.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.outboundMessages()).as("no second close frame").isEmpty();
        connection.onInactive();
        assertThat(connection.closeFuture().join()).isEqualTo(new RelayCloseStatus(1000, "Shutdown"));
        assertFalse(channel.finish());
    }

    @Test
    void aHandlerGetsQueuedMessagesThenNewOnesThenTheClose() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.onMessage(RelayMessage.text("one"));
        RecordingMessageHandler handler = new RecordingMessageHandler();
        connection.setHandler(handler);
        connection.onMessage(RelayMessage.text("two"));
        channel.runPendingTasks();
        connection.onMessage(RelayMessage.text("three"));
        connection.onInactive();
        assertThat(handler.events)
                .containsExactly("one", "two", "three", "close 1006 connection closed without a close frame");
        assertThatThrownBy(() -> connection.setHandler(message -> { }))
                .isInstanceOf(IllegalStateException.class);
        assertFalse(channel.finish());
    }

    @Test
    void sendWritesFramesOfTheRightType() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.send(RelayMessage.text("héllo"));
        TextWebSocketFrame text = channel.readOutbound();
        assertThat(text.text()).isEqualTo("héllo");
        text.release();
        assertThatThrownBy(() -> connection.close(1006, "")).hasMessageContaining("code: 1006");
        assertFalse(channel.finish());
    }

    @Test
    void messagesSentTogetherGoOutBackToBack() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        CompletableFuture<Void> written = connection.send(List.of(RelayMessage.text("{\"response\":{}}"),
                RelayMessage.binary(new byte[] {1, 2})));
        channel.runPendingTasks();
        assertThat(written).isCompleted();
        TextWebSocketFrame text = channel.readOutbound();
        assertThat(text.text()).isEqualTo("{\"response\":{}}");
        text.release();
        BinaryWebSocketFrame binary = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(binary.content())).containsExactly(1, 2);
        binary.release();
        assertFalse(channel.finish());
    }

    @Test
    void aBinaryMessageGoesOutInFragments() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.sendBinaryFragment(new byte[] {1}, true, false);
        connection.sendBinaryFragment(new byte[] {2}, false, false);
        connection.sendBinaryFragment(new byte[0], false, true).join();
        WebSocketFrame first = channel.readOutbound();
        assertThat(first).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(first.isFinalFragment()).isFalse();
        first.release();
        WebSocketFrame second = channel.readOutbound();
        assertThat(second).isInstanceOf(ContinuationWebSocketFrame.class);
        assertThat(second.isFinalFragment()).isFalse();
        assertThat(ByteBufUtil.getBytes(second.content())).containsExactly(2);
        second.release();
        WebSocketFrame last = channel.readOutbound();
        assertThat(last).isInstanceOf(ContinuationWebSocketFrame.class);
        assertThat(last.isFinalFragment()).isTrue();
        assertThat(last.content().readableBytes()).isZero();
        last.release();
        assertFalse(channel.finish());
    }

    @Test
    void fragmentsAreQueuedWithTheirFinalFlag() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        RelayConnection connection = connection(channel, 16);
        connection.onMessage(RelayMessage.wrapFragment(false, new byte[] {1}, false));
        connection.onMessage(RelayMessage.wrapFragment(false, new byte[] {2}, true));
        RelayMessage first = connection.receive(NO_WAIT);
        assertThat(first.isFinal()).isFalse();
        assertThat(first).hasToString("binary fragment (1 bytes)");
        RelayMessage last = connection.receive(NO_WAIT);
        assertThat(last.isFinal()).isTrue();
        assertThat(last.isBinary()).isTrue();
        assertThat(RelayMessage.binary(new byte[] {2})).isEqualTo(last).isNotEqualTo(first);
        assertFalse(channel.finish());
    }
}

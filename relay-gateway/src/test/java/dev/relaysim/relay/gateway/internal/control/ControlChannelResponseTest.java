package dev.relaysim.relay.gateway.internal.control;

import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Refused;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;

/** {@link ControlChannelHandler} routing {@code response} commands and their body frames, on an EmbeddedChannel. */
class ControlChannelResponseTest {

    private final Recorder receiver = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    ControlChannelResponseTest() {
        ListenerConnection listener = new ListenerConnection("l1", channel, false);
        channel.pipeline().addLast(new ControlChannelHandler(listener,
                token -> new Refused(401, "no", "test", "tracker"),
                (id, from) -> id.equals("r1") && from == listener ? Optional.of(receiver) : Optional.empty(),
                Instant.now().plus(Duration.ofHours(1)), Clock.systemUTC(), Duration.ofMinutes(5)));
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void responseAndItsBodyFramesGoToTheExchange() {
        channel.writeInbound(new TextWebSocketFrame("{\"response\":{\"requestId\":\"r1\",\"statusCode\":\"201\","
                + "\"statusDescription\":\"Made\",\"responseHeaders\":{\"x-a\":\"1\"},\"body\":true}}"));
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, bytes("ab")));
        channel.writeInbound(new ContinuationWebSocketFrame(false, 0, bytes("cd")));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER));

        assertThat(receiver.responses).singleElement().satisfies(response -> {
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.statusDescription()).isEqualTo("Made");
            assertThat(response.responseHeaders()).containsEntry("x-a", "1");
        });
        assertThat(receiver.sources).containsExactly(channel);
        assertThat(receiver.body).containsExactly("ab", "cd", "|last");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void oneStrayEmptyFrameAfterABodilessResponseIsTolerated() {
        channel.writeInbound(new TextWebSocketFrame("{\"response\":{\"requestId\":\"r1\",\"statusCode\":204,"
                + "\"body\":false}}"));
        channel.writeInbound(new BinaryWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER));

        assertThat(receiver.responses).hasSize(1);
        assertThat(receiver.body).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();

        channel.writeInbound(new BinaryWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER));
        assertClosedWith(1003);
    }

    @Test
    void responseNobodyWaitsForIsDroppedWithItsBody() {
        channel.writeInbound(new TextWebSocketFrame("{\"response\":{\"requestId\":\"late\",\"statusCode\":200,"
                + "\"body\":true}}"));
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, bytes("ab")));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, bytes("cd")));

        assertThat(receiver.responses).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void binaryMessageWithoutResponseCloses1003() {
        channel.writeInbound(new BinaryWebSocketFrame(true, 0, bytes("x")));

        assertClosedWith(1003);
    }

    @Test
    void textInsideAResponseBodyCloses1008() {
        channel.writeInbound(new TextWebSocketFrame("{\"response\":{\"requestId\":\"r1\",\"statusCode\":200,"
                + "\"body\":true}}"));
        channel.writeInbound(new TextWebSocketFrame("{\"renewToken\":{\"token\":\"x\"}}"));

        assertClosedWith(1008);
    }

    @Test
    void controlChannelClosingDuringABodyAbortsTheExchange() {
        channel.writeInbound(new TextWebSocketFrame("{\"response\":{\"requestId\":\"r1\",\"statusCode\":200,"
                + "\"body\":true}}"));
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, bytes("ab")));
        channel.close();

        assertThat(receiver.aborts).singleElement().asString().contains("control channel closed");
    }

    private void assertClosedWith(int code) {
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(code);
        close.release();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static final class Recorder implements HttpResponseReceiver {

        final List<ResponseCommand> responses = new ArrayList<>();
        final List<Channel> sources = new ArrayList<>();
        final List<String> body = new ArrayList<>();
        final List<String> aborts = new ArrayList<>();

        @Override
        public void onResponse(ResponseCommand response, Channel source) {
            responses.add(response);
            sources.add(source);
        }

        @Override
        public void onBody(ByteBuf content, boolean last) {
            if (content.isReadable()) {
                body.add(content.toString(StandardCharsets.US_ASCII));
            }
            if (last) {
                body.add("|last");
            }
            content.release();
        }

        @Override
        public void onAbort(String reason) {
            aborts.add(reason);
        }
    }
}

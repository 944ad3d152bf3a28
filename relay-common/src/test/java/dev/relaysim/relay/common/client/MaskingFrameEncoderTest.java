package dev.relaysim.relay.common.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames from {@link MaskingFrameEncoder} are masked and decode, with Netty's server decoder, to what was sent. */
class MaskingFrameEncoderTest {

    private final EmbeddedChannel encoder = new EmbeddedChannel(new MaskingFrameEncoder());
    private final EmbeddedChannel decoder =
            new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
            .expectMaskedFrames(true).maxFramePayloadLength(1 << 20).build()));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 125, 126, 127, 65535, 65536, 65537, 200_003})
    void binaryFramesOfEverySizeDecodeByteExact(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        WebSocketFrame decoded = roundTrip(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
        assertThat(decoded).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(decoded.isFinalFragment()).isTrue();
        assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(data);
        decoded.release();
    }

    @Test
    void typesFinBitsAndControlFramesArePreserved() {
        WebSocketFrame first = roundTrip(new TextWebSocketFrame(false, 0, "héllo "));
        assertThat(first).isInstanceOf(TextWebSocketFrame.class);
        assertThat(first.isFinalFragment()).isFalse();
        assertThat(((TextWebSocketFrame) first).text()).isEqualTo("héllo ");
        first.release();
        WebSocketFrame last = roundTrip(new ContinuationWebSocketFrame(true, 0, "world"));
        assertThat(last).isInstanceOf(ContinuationWebSocketFrame.class);
        assertThat(last.isFinalFragment()).isTrue();
        last.release();
        WebSocketFrame ping = roundTrip(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
        assertThat(ByteBufUtil.getBytes(ping.content())).containsExactly(1, 2, 3);
        ping.release();
        CloseWebSocketFrame close = (CloseWebSocketFrame) roundTrip(new CloseWebSocketFrame(4000, "bye"));
        assertThat(close.statusCode()).isEqualTo(4000);
        assertThat(close.reasonText()).isEqualTo("bye");
        close.release();
    }

    @Test
    void everyFrameIsMaskedWithItsOwnKey() {
        encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[16])));
        encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[16])));
        ByteBuf one = encoder.readOutbound();
        ByteBuf two = encoder.readOutbound();
        assertThat(one.getByte(1) & 0x80).as("mask bit").isEqualTo(0x80);
        assertThat(one.getInt(2)).isNotEqualTo(two.getInt(2));
        one.release();
        two.release();
    }

    @Test
    void controlFramesOver125BytesAreRefused() {
        assertThatThrownBy(() -> encoder.writeOutbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[126]))))
                .isInstanceOf(EncoderException.class).hasCauseInstanceOf(TooLongFrameException.class);
        assertThat(encoder.finishAndReleaseAll()).isFalse();
    }

    private WebSocketFrame roundTrip(WebSocketFrame frame) {
        encoder.writeOutbound(frame);
        ByteBuf wire = encoder.readOutbound();
        decoder.writeInbound(wire);
        WebSocketFrame decoded = decoder.readInbound();
        assertThat(decoder.<Object>readInbound()).isNull();
        return decoded;
    }
}

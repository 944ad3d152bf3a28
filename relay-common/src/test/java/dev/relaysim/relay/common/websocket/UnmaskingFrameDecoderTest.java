package dev.relaysim.relay.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link UnmaskingFrameDecoder} decodes what Netty's decoder decodes, frame for frame, and refuses what it refuses with
 * the same close code and reason, however the bytes are cut into reads.
 */
class UnmaskingFrameDecoderTest {

    private static final int MAX = 100_000;

    @Test
    void frameSequencesDecodeAsNettysDecoderDoesWhereverTheyAreCut() {
        byte[] stream = masked(
                new TextWebSocketFrame(false, 0, "héllo "),
                new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
                new ContinuationWebSocketFrame(true, 0, "world"),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(0, 1))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(125, 2))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(126, 3))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(65_535, 4))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(65_536, 5))),
                new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(random(MAX, 6))),
                new PongWebSocketFrame(Unpooled.wrappedBuffer(random(125, 7))),
                new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(random(9, 8))),
                new CloseWebSocketFrame(4000, "bye"));
        List<String> expected = FrameDecoding.describe(FrameDecoding.netty(true, MAX), List.of(stream));
        assertThat(expected).hasSize(12);
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(stream))).isEqualTo(expected);
        Random random = new Random(9);
        for (int run = 0; run < 200; run++) {
            int[] cuts = random.ints(random.nextInt(40), 0, stream.length).sorted().distinct().toArray();
            assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), FrameDecoding.cut(stream, cuts)))
                    .as("cut at %s", Arrays.toString(cuts)).isEqualTo(expected);
        }
    }

    @Test
    void headersCutAtEveryByteDecode() {
        byte[] stream = masked(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(70_000, 10))),
                new TextWebSocketFrame("x"), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(300, 11))));
        List<String> expected = FrameDecoding.describe(FrameDecoding.netty(true, MAX), List.of(stream));
        for (int cut = 1; cut < 16; cut++) {
            assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), FrameDecoding.cut(stream, cut, cut + 1)))
                    .isEqualTo(expected);
        }
        int second = stream.length - 300 - 8 - 7;
        for (int cut = second; cut < second + 8; cut++) {
            assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), FrameDecoding.cut(stream, cut)))
                    .isEqualTo(expected);
        }
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("RSV bits", "c280" + "00000000"),
                Arguments.of("unmasked frame", "8203" + "010203"),
                Arguments.of("reserved data opcode", "838000000000"),
                Arguments.of("reserved control opcode", "8b8000000000"),
                Arguments.of("fragmented ping", "098000000000"),
                Arguments.of("control frame of 126 bytes", "89fe007e00000000" + "00".repeat(126)),
                Arguments.of("close with a 1-byte body", "888100000000" + "03"),
                Arguments.of("continuation outside a message", "808000000000"),
                Arguments.of("text inside a fragmented message", "018000000000" + "818000000000"),
                Arguments.of("non-minimal 16-bit length", "82fe007d00000000" + "00".repeat(125)),
                Arguments.of("non-minimal 64-bit length", "82ff000000000000ffff00000000"),
                Arguments.of("negative 64-bit length", "82ff800000000000000000000000"),
                Arguments.of("frame over the maximum", "82ff00000000000186a100000000"),
                Arguments.of("close code 999", "888200000000" + "03e7"),
                Arguments.of("close code 1005 on the wire", "888200000000" + "03ed"),
                Arguments.of("close reason not UTF-8", "888400000000" + "03e8c328"),
                Arguments.of("close reason with a surrogate", "888500000000" + "03e8eda080"),
                Arguments.of("frames after a violation", "c280" + "00000000" + "828000000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void everyViolationIsRefusedWithNettysCloseCodeAndReason(String name, String hexBytes) {
        byte[] bytes = HexFormat.of().parseHex(hexBytes);
        byte[] stream = concat(masked(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {42}))), bytes);
        List<String> expected = FrameDecoding.describe(FrameDecoding.netty(true, MAX), List.of(stream));
        assertThat(expected.get(expected.size() - 1)).startsWith("violation ");
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(stream))).isEqualTo(expected);
        for (int cut = 1; cut < stream.length; cut++) {
            assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), FrameDecoding.cut(stream, cut)))
                    .as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void theCloseCodesAreThoseOfRfc6455() {
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(HexFormat.of().parseHex(
                "82ff00000000000186a100000000")))).containsExactly(
                "violation 1009: Max frame length of 100000 has been exceeded.");
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(HexFormat.of().parseHex(
                "888400000000" + "03e8c328")))).containsExactly("violation 1007: bytes are not UTF-8");
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(HexFormat.of().parseHex(
                "8203" + "010203")))).containsExactly(
                "violation 1002: received a frame that is not masked as expected");
    }

    @Test
    void nothingAfterACloseFrameIsDecoded() {
        byte[] stream = masked(new CloseWebSocketFrame(1000, "done"), new BinaryWebSocketFrame(Unpooled.buffer(4)
                .writeInt(7)));
        assertThat(FrameDecoding.describe(FrameDecoding.ours(true, MAX), List.of(stream))).singleElement()
                .asString().startsWith("CloseWebSocketFrame");
    }

    @Test
    void aClientDecoderReadsUnmaskedFramesAndRefusesMaskedOnes() {
        byte[] stream = encoded(false, new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(70_000, 12))),
                new TextWebSocketFrame("hi"));
        List<String> expected = FrameDecoding.describe(FrameDecoding.netty(false, MAX), List.of(stream));
        assertThat(expected).hasSize(2);
        assertThat(FrameDecoding.describe(FrameDecoding.ours(false, MAX), FrameDecoding.cut(stream, 3, 5000)))
                .isEqualTo(expected);
        assertThat(FrameDecoding.describe(FrameDecoding.ours(false, MAX), List.of(masked(new TextWebSocketFrame("x")))))
                .containsExactly("violation 1002: received a frame that is not masked as expected");
    }

    @Test
    void aPartFrameIsReleasedWhenTheChannelCloses() {
        byte[] stream = masked(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(10_000, 13))));
        EmbeddedChannel channel = new EmbeddedChannel(FrameDecoding.ours(true, MAX));
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, 5_000));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        // The leak detector (paranoid in tests) fails the build if the payload buffer was not released.
    }

    @Test
    void aReadThatCompletesNoFrameAsksForMoreWhenAutoReadIsOff() {
        List<String> reads = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.add("read");
                ctx.read();
            }
        }, FrameDecoding.ours(true, MAX));
        channel.config().setAutoRead(false);
        reads.clear();
        byte[] stream = masked(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(1_000, 14))));
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, 500));
        assertThat(reads).hasSize(1);
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 500, stream.length - 500));
        assertThat(reads).as("a read that completed a frame asks for nothing more").hasSize(1);
        WebSocketFrame frame = channel.readInbound();
        assertThat(frame.content().readableBytes()).isEqualTo(1_000);
        frame.release();
        channel.finishAndReleaseAll();
    }

    /** The frames as a client sends them: masked by Netty's encoder. */
    static byte[] masked(WebSocketFrame... frames) {
        return encoded(true, frames);
    }

    /** The frames as Netty's encoder writes them, masked (as a client) or not (as a server). */
    private static byte[] encoded(boolean mask, WebSocketFrame... frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(mask));
        encoder.writeOutbound((Object[]) frames);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf out = encoder.readOutbound(); out != null; out = encoder.readOutbound()) {
            bytes.writeBytes(ByteBufUtil.getBytes(out));
            out.release();
        }
        encoder.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}

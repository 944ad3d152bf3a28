package dev.relaysim.relay.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link FrameMasking#xorCopy} XORs exactly as RFC 6455, 5.3 says, whatever kind of buffer it reads and writes. */
class FrameMaskingTest {

    private static final int KEY = 0xA1B2C3D4;

    /** Buffer kinds, each of which takes a different path through the masking loops. */
    enum Kind {
        DIRECT(bytes -> ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes)),
        HEAP(bytes -> Unpooled.buffer(bytes.length).writeBytes(bytes)),
        HEAP_SLICE(bytes -> Unpooled.buffer(bytes.length + 5).writerIndex(5).writeBytes(bytes).slice(5, bytes.length)),
        COMPOSITE(bytes -> {
            CompositeByteBuf composite = Unpooled.compositeBuffer();
            int half = bytes.length / 2;
            composite.addComponent(true, Unpooled.buffer(half).writeBytes(bytes, 0, half));
            composite.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer(bytes.length - half + 1)
                    .writeBytes(bytes, half, bytes.length - half));
            return composite;
        });

        private final Function<byte[], ByteBuf> make;

        Kind(Function<byte[], ByteBuf> make) {
            this.make = make;
        }

        ByteBuf of(byte[] bytes) {
            return make.apply(bytes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyLengthAndKeyOffsetMatchesTheRfcDefinition(Kind source) {
        for (Kind destination : Kind.values()) {
            for (int length = 0; length <= 41; length++) {
                for (int keyOffset = 0; keyOffset < 4; keyOffset++) {
                    byte[] payload = random(length, length * 4 + keyOffset);
                    ByteBuf src = source.of(payload);
                    ByteBuf dst = destination.of(new byte[length + 3]);
                    try {
                        FrameMasking.xorCopy(src, src.readerIndex(), dst, 3, length, KEY, keyOffset);
                        assertThat(ByteBufUtil.getBytes(dst, 3, length))
                                .as("%s -> %s, %d bytes, key offset %d", source, destination, length, keyOffset)
                                .isEqualTo(reference(payload, keyOffset));
                        assertThat(ByteBufUtil.getBytes(dst, 0, 3)).as("bytes before the destination index")
                                .containsExactly(0, 0, 0);
                    } finally {
                        src.release();
                        dst.release();
                    }
                }
            }
        }
    }

    @Test
    void maskingTwiceGivesThePayloadBackAndWorksInPlace() {
        byte[] payload = random(70_001, 1);
        ByteBuf buffer = Kind.DIRECT.of(payload);
        FrameMasking.xorCopy(buffer, 0, buffer, 0, payload.length, KEY, 0);
        assertThat(ByteBufUtil.getBytes(buffer)).isEqualTo(reference(payload, 0));
        FrameMasking.xorCopy(buffer, 0, buffer, 0, payload.length, KEY, 0);
        assertThat(ByteBufUtil.getBytes(buffer)).isEqualTo(payload);
        buffer.release();
    }

    @Test
    void aPayloadUnmaskedInPiecesEqualsOneUnmaskedWhole() {
        byte[] payload = random(1_000, 2);
        ByteBuf src = Kind.DIRECT.of(payload);
        ByteBuf dst = Kind.DIRECT.of(new byte[payload.length]);
        int[] cuts = {0, 1, 2, 7, 8, 13, 64, 65, 511, 999, 1_000};
        for (int i = 0; i + 1 < cuts.length; i++) {
            FrameMasking.xorCopy(src, cuts[i], dst, cuts[i], cuts[i + 1] - cuts[i], KEY, cuts[i]);
        }
        assertThat(ByteBufUtil.getBytes(dst)).isEqualTo(reference(payload, 0));
        src.release();
        dst.release();
    }

    @Test
    void rangesOutsideEitherBufferAreRefused() {
        ByteBuf src = Unpooled.buffer(8).writerIndex(8);
        ByteBuf dst = Unpooled.buffer(8).writerIndex(8);
        assertThatThrownBy(() -> FrameMasking.xorCopy(src, 4, dst, 0, 5, KEY, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FrameMasking.xorCopy(src, 0, dst, -1, 5, KEY, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** RFC 6455, 5.3: octet i is XORed with octet i MOD 4 of the key. */
    private static byte[] reference(byte[] payload, int keyOffset) {
        byte[] key = {(byte) (KEY >>> 24), (byte) (KEY >>> 16), (byte) (KEY >>> 8), (byte) KEY};
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            out[i] = (byte) (payload[i] ^ key[(keyOffset + i) % 4]);
        }
        return out;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}

package dev.relaysim.relay.common.websocket;

import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential fuzzing of {@link UnmaskingFrameDecoder} against Netty's {@code WebSocket08FrameDecoder} with the same
 * settings: for frame streams, mostly well-formed, sometimes with any header field wrong and bytes flipped, cut into
 * random reads, both decode the same frames and refuse at the same frame with the same close code and reason; no
 * buffer leaks (checked by {@link Fuzz}).
 */
@Tag("fuzz")
class UnmaskingFrameDecoderFuzzTest {

    private static final int MAX = 70_000;

    /** A byte stream and the reads it is cut into. */
    record Input(byte[] stream, int[] cuts, boolean expectMasked) {
        @Override
        public String toString() {
            String hex = HexFormat.of().formatHex(stream);
            return (expectMasked ? "server" : "client") + " reads cut at " + Arrays.toString(cuts) + " of "
                    + (hex.length() > 400 ? hex.substring(0, 400) + "... (" + stream.length + " bytes)" : hex);
        }
    }

    @Test
    void decodesAndRefusesExactlyAsNettysDecoderDoes() {
        Fuzz.check(inputs(), input -> {
            List<byte[]> reads = FrameDecoding.cut(input.stream(), input.cuts());
            assertThat(FrameDecoding.describe(FrameDecoding.ours(input.expectMasked(), MAX), reads))
                    .isEqualTo(FrameDecoding.describe(FrameDecoding.netty(input.expectMasked(), MAX), reads));
        });
    }

    private static Gen<Input> inputs() {
        return random -> {
            boolean expectMasked = random.nextInt(4) != 0;
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int frames = 1 + random.nextInt(6);
            for (int i = 0; i < frames; i++) {
                frame(random, expectMasked, stream);
            }
            byte[] bytes = stream.toByteArray();
            for (int flips = random.nextInt(8) == 0 ? 1 + random.nextInt(3) : 0; flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
            int[] cuts = random.ints(random.nextInt(12), 0, bytes.length + 1).sorted().toArray();
            return new Input(bytes, cuts, expectMasked);
        };
    }

    /** One frame, well-formed unless a coin says otherwise for one of its fields. */
    private static void frame(Random random, boolean expectMasked, ByteArrayOutputStream out) {
        boolean wrong = random.nextInt(5) == 0;
        int[] opcodes = {0x0, 0x1, 0x2, 0x2, 0x2, 0x8, 0x9, 0xA};
        int opcode = wrong && random.nextBoolean() ? random.nextInt(16) : opcodes[random.nextInt(opcodes.length)];
        boolean control = opcode >= 0x8;
        boolean fin = control ? !(wrong && random.nextInt(4) == 0) : random.nextInt(3) != 0;
        int rsv = wrong && random.nextInt(6) == 0 ? 1 + random.nextInt(7) : 0;
        boolean masked = wrong && random.nextInt(6) == 0 ? !expectMasked : expectMasked;
        // Mostly short frames; 64-bit lengths (a 64 KiB payload each, the bulk of the work) in one frame of 48.
        int length = switch (random.nextInt(control ? 2 : 48)) {
            case 0, 2, 3 -> random.nextInt(8);
            case 1, 4, 5 -> random.nextInt(126);
            case 6, 7, 8, 9, 10, 11, 12, 13, 14 -> 126 + random.nextInt(1000);
            case 15 -> 65_536 + random.nextInt(MAX - 65_536 + 10);
            default -> random.nextInt(300);
        };
        if (control && wrong && random.nextInt(4) == 0) {
            length = 126 + random.nextInt(10);
        }
        byte[] payload = new byte[length];
        random.nextBytes(payload);
        if (opcode == 0x8 && length >= 2 && random.nextInt(3) != 0) {
            int[] codes = {1000, 1001, 1002, 1011, 3000, 4999, 999, 1005, 1006, 1015, 5000, 65535};
            int code = codes[random.nextInt(codes.length)];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            for (int i = 2; i < length && random.nextInt(10) != 0; i++) {
                payload[i] = (byte) ('a' + random.nextInt(26));
            }
        }
        out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int maskBit = masked ? 0x80 : 0;
        boolean nonMinimal = wrong && random.nextInt(6) == 0;
        if (length < 126 && !nonMinimal) {
            out.write(maskBit | length);
        } else if (length <= 0xFFFF && !(nonMinimal && length >= 126)) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            long encoded = wrong && random.nextInt(8) == 0 ? Long.MIN_VALUE | length : length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (encoded >>> shift));
            }
        }
        byte[] key = new byte[4];
        if (masked) {
            random.nextBytes(key);
            out.writeBytes(key);
        }
        for (int i = 0; i < length; i++) {
            payload[i] ^= key[i & 3];
        }
        out.writeBytes(payload);
    }
}

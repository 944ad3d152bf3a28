package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.loadtest.StreamPattern.Direction;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;

/** The integrity scenario's checks: the generator is deterministic, and each kind of discrepancy is named. */
class InboundCheckTest {

    private static final int MESSAGES = 5;
    private static final int MAX_SIZE = 200_000;

    private final StreamPattern pattern = new StreamPattern(7, 3, Direction.UP, MESSAGES, MAX_SIZE);
    private final InboundCheck check = new InboundCheck(pattern);

    @Test
    void theGeneratorIsDeterministicAndStampsEveryMessage() {
        StreamPattern again = new StreamPattern(7, 3, Direction.UP, MESSAGES, MAX_SIZE);
        long total = 0;
        for (int i = 0; i < MESSAGES; i++) {
            byte[] message = pattern.message(i);
            assertThat(again.message(i)).isEqualTo(message);
            assertThat(message.length).isEqualTo(pattern.size(i)).isBetween(StreamPattern.HEADER, MAX_SIZE);
            assertThat(StreamPattern.Header.of(ByteBuffer.wrap(message))).isEqualTo(new StreamPattern.Header(3, 0, i));
            total += message.length;
        }
        assertThat(pattern.totalBytes()).isEqualTo(total);
        assertThat(new StreamPattern(8, 3, Direction.UP, MESSAGES, MAX_SIZE).message(0))
                .isNotEqualTo(pattern.message(0));
        assertThat(new StreamPattern(7, 3, Direction.DOWN, MESSAGES, MAX_SIZE).message(0))
                .isNotEqualTo(pattern.message(0));
    }

    @Test
    void everyMessageInOrderPassesAndTheDigestCoversAllBytes() {
        MessageDigest expected = InboundCheck.sha256();
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(check.complete()).isFalse();
            byte[] message = pattern.message(i);
            expected.update(message);
            assertThat(check.accept(ByteBuffer.wrap(message))).isNull();
        }
        assertThat(check.complete()).isTrue();
        assertThat(check.bytes()).isEqualTo(pattern.totalBytes());
        assertThat(check.sha256Digest()).isEqualTo(expected.digest());
    }

    @Test
    void aLostMessageIsNamed() {
        assertThat(check.accept(ByteBuffer.wrap(pattern.message(0)))).isNull();
        assertThat(check.accept(ByteBuffer.wrap(pattern.message(2))))
                .isEqualTo("message 2 arrived where message 1 was expected (lost or reordered)");
    }

    @Test
    void aDuplicatedMessageIsNamed() {
        assertThat(check.accept(ByteBuffer.wrap(pattern.message(0)))).isNull();
        assertThat(check.accept(ByteBuffer.wrap(pattern.message(0))))
                .isEqualTo("message 0 arrived where message 1 was expected (duplicated or reordered)");
    }

    @Test
    void aMessageAfterTheLastIsExtra() {
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(check.accept(ByteBuffer.wrap(pattern.message(i)))).isNull();
        }
        assertThat(check.accept(ByteBuffer.wrap(pattern.message(MESSAGES - 1)))).startsWith("an extra message of ")
                .endsWith("after all 5 (duplicated)");
    }

    @Test
    void aCorruptedByteIsLocated() {
        byte[] message = pattern.message(0);
        assertThat(message.length).as("a body after the header").isGreaterThan(StreamPattern.HEADER);
        int offset = message.length - 1;
        int original = message[offset] & 0xff;
        message[offset] = (byte) (original ^ 0x40);
        assertThat(check.accept(ByteBuffer.wrap(message)))
                .isEqualTo("message 0: byte " + offset + " is " + (original ^ 0x40)
                        + " (expected: " + original + ", corrupted)");
    }

    @Test
    void aTruncatedMessageIsCorrupted() {
        byte[] message = pattern.message(0);
        ByteBuffer shorter = ByteBuffer.wrap(message, 0, message.length - 1);
        assertThat(check.accept(shorter)).isEqualTo("message 0: " + (message.length - 1) + " bytes (expected: "
                + message.length + ", corrupted)");
        assertThat(new InboundCheck(pattern).accept(ByteBuffer.wrap(message, 0, 3)))
                .isEqualTo("message 0: 3 bytes, shorter than its header (corrupted)");
    }

    @Test
    void anotherStreamsMessageIsCrossed() {
        byte[] foreign = new StreamPattern(7, 4, Direction.UP, MESSAGES, MAX_SIZE).message(0);
        assertThat(check.accept(ByteBuffer.wrap(foreign)))
                .isEqualTo("message 0 belongs to stream 4 direction 0 (crossed streams)");
        byte[] echoed = new StreamPattern(7, 3, Direction.DOWN, MESSAGES, MAX_SIZE).message(0);
        assertThat(new InboundCheck(pattern).accept(ByteBuffer.wrap(echoed)))
                .isEqualTo("message 0 belongs to stream 3 direction 1 (crossed streams)");
    }
}

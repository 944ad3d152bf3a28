package dev.relaysim.relay.loadtest;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadsTest {

    private final Payloads payloads = new Payloads(1024);

    @Test
    void acceptsTheExpectedMessage() {
        assertThat(payloads.check(ByteBuffer.wrap(payloads.create(7)), 7)).isNull();
    }

    @Test
    void detectsLossAndReordering() {
        assertThat(payloads.check(ByteBuffer.wrap(payloads.create(8)), 7))
                .isEqualTo("message 8 arrived where message 7 was expected (lost or reordered)");
    }

    @Test
    void detectsCorruptionAndTruncation() {
        byte[] message = payloads.create(3);
        message[500] ^= 1;
        assertThat(payloads.check(ByteBuffer.wrap(message), 3)).isEqualTo("message 3 is corrupted (CRC-32C mismatch)");
        assertThat(payloads.check(ByteBuffer.wrap(message, 0, 1000), 3))
                .isEqualTo("message 3: 1000 bytes (expected: 1024)");
    }

    @Test
    void refusesSizesTooSmallForSequenceAndChecksum() {
        assertThatThrownBy(() -> new Payloads(11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size: 11 (expected: >= 12)");
    }
}

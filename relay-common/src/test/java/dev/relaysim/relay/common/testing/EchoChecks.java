package dev.relaysim.relay.common.testing;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that a connection to an echo answers what it is sent, as the client and listener tests need it. */
public final class EchoChecks {

    private EchoChecks() {
    }

    /**
     * Sends {@code size} random bytes and then a text of {@code size} UTF-8 bytes (two-byte characters), and asserts
     * that each comes back whole, of the same type and content.
     */
    public static void assertEchoes(RelayConnection connection, int size, Random random, Duration timeout)
            throws InterruptedException, TimeoutException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        connection.send(data);
        RelayMessage binary = connection.receive(timeout);
        assertThat(binary.isBinary()).isTrue();
        assertThat(binary.contentEquals(data)).as("binary echo of %d bytes", size).isTrue();

        String text = "é".repeat(size / 2) + "x".repeat(size % 2);
        connection.sendText(text);
        RelayMessage echoed = connection.receive(timeout);
        assertThat(echoed.isText()).isTrue();
        assertThat(echoed.length()).isEqualTo(size);
        assertThat(echoed.asText()).as("text echo of %d bytes", size).isEqualTo(text);
    }
}

package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.OPEN_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that stops reading, through a real gateway: the sender is back-pressured (its writes stop
 * completing), the gateway holds a bounded amount for the pair (the bytes queued on its channels stay below the
 * relay's high water mark plus one read), other pairs keep relaying, and once the listener reads again it gets every
 * byte, in order (SHA-256 over the stream).
 */
@Timeout(120)
class SlowReaderIntegrationTest {

    private static final int MESSAGE_SIZE = 64 * 1024;
    /** More than the kernel's socket buffers on both sides of the gateway can take: the sender must stall first. */
    private static final long LIMIT = 256L * 1024 * 1024;
    /** The high water mark plus one read of up to 256 KiB and the frames decoded from it, with room to spare. */
    private static final long GATEWAY_BOUND = RelayPair.WRITE_BUFFER_WATER_MARK.high() + 1024 * 1024;

    @Test
    void aListenerThatStopsReadingBackPressuresItsSenderOnlyAndLosesNothing() throws Exception {
        try (TestGateway gateway = TestGateway.builder().start();
             TestListener slow = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Ignore());
             TestListener healthy = TestListener.connect(gateway.httpClient(),
                     gateway.listenUri(false, OPEN_ENTITY), TestGateway.token(OPEN_ENTITY),
                     new TestListener.Mode.Echo())) {
            WsPeer other = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, OPEN_ENTITY), Map.of())
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<WsPeer> senderFuture = WsPeer.connect(gateway.httpClient(),
                    gateway.connectUri(false, ENTITY), Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !slow.accepts().isEmpty());
            try (RawWebSocket listenerLeg = RawWebSocket.open(URI.create(slow.accepts().get(0).address()))) {
                WsPeer sender = senderFuture.get(10, TimeUnit.SECONDS);
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                Random random = new Random(7);
                long sentBytes = 0;
                CompletableFuture<?> stalled = null;
                while (stalled == null) {
                    assertThat(sentBytes).as("bytes the sender could write to a listener that does not read")
                            .isLessThan(LIMIT);
                    byte[] message = new byte[MESSAGE_SIZE];
                    random.nextBytes(message);
                    sent.update(message);
                    sentBytes += message.length;
                    CompletableFuture<?> write = sender.sendBinary(message);
                    try {
                        write.get(2, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        stalled = write;
                    }
                }

                long held = queuedInTheGateway(gateway);
                assertThat(held).isLessThan(GATEWAY_BOUND);
                // Still stalled a while later, and the gateway holds no more than before.
                assertThat(stalled).isNotDone();
                other.sendText("unaffected").get(10, TimeUnit.SECONDS);
                assertThat(other.next().asText()).isEqualTo("unaffected");
                assertThat(stalled).isNotDone();
                assertThat(queuedInTheGateway(gateway)).isLessThan(GATEWAY_BOUND);

                MessageDigest received = MessageDigest.getInstance("SHA-256");
                long receivedBytes = 0;
                while (receivedBytes < sentBytes) {
                    RawWebSocket.Frame frame = listenerLeg.read();
                    assertThat(frame.opcode()).isIn(0, RawWebSocket.BINARY);
                    received.update(frame.payload());
                    receivedBytes += frame.payload().length;
                }
                stalled.get(10, TimeUnit.SECONDS);
                assertThat(receivedBytes).isEqualTo(sentBytes);
                assertThat(received.digest()).isEqualTo(sent.digest());
                System.out.printf("slow reader: the sender stalled after %d KiB; the gateway held %d KiB%n",
                        sentBytes / 1024, held / 1024);
            }
        }
    }

    /** The bytes queued for writing on every channel of the gateway. */
    private static long queuedInTheGateway(TestGateway gateway) {
        long queued = 0;
        for (Channel channel : gateway.server().context().channels()) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            if (buffer != null) {
                queued += buffer.totalPendingWriteBytes();
            }
        }
        return queued;
    }
}

package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large messages through a real gateway, seen by raw WebSocket clients that record every frame: in either
 * direction a message sent as one frame arrives as frames of at most 64 KiB (the Java SDK's Jetty client, on its
 * sender as on its listener, refuses larger ones with 1009), with its type on the first frame, continuations after
 * and FIN only on the last, byte-exact; close codes pass through unchanged.
 */
@Timeout(60)
class RelayFragmentationIntegrationTest {

    private static final int MAX_FRAGMENT = 65_536;

    private static TestGateway gateway;
    private static TestListener controlChannel;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = TestGateway.builder().start();
        controlChannel = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore());
    }

    @AfterAll
    static void stopGateway() {
        if (controlChannel != null) {
            controlChannel.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void largeMessagesArriveInFragmentsOfAtMost64KiBBothWays() throws Exception {
        try (Legs legs = Legs.open()) {
            for (int size : new int[] {70 * 1024, 1024 * 1024}) {
                for (int opcode : new int[] {RawWebSocket.BINARY, RawWebSocket.TEXT}) {
                    assertRelayedInFragments(legs.sender, legs.listener, opcode, size);
                    assertRelayedInFragments(legs.listener, legs.sender, opcode, size);
                }
            }
            // A message of exactly 64 KiB stays one frame.
            assertThat(relay(legs.listener, legs.sender, RawWebSocket.BINARY, MAX_FRAGMENT)).hasSize(1);

            legs.listener.send(RawWebSocket.CLOSE, RawWebSocket.closePayload(4001, "listener done"));
            RawWebSocket.Frame close = legs.sender.readClose();
            assertThat(close.closeCode()).isEqualTo(4001);
            assertThat(close.closeReason()).isEqualTo("listener done");
        }
    }

    private static void assertRelayedInFragments(RawWebSocket from, RawWebSocket to, int opcode, int size)
            throws Exception {
        List<RawWebSocket.Frame> frames = relay(from, to, opcode, size);
        assertThat(frames).as("frames of a %d-byte message", size).hasSize((size + MAX_FRAGMENT - 1) / MAX_FRAGMENT);
    }

    /** Sends one message of {@code size} bytes as one frame and returns the frames of the message received. */
    private static List<RawWebSocket.Frame> relay(RawWebSocket from, RawWebSocket to, int opcode, int size)
            throws Exception {
        byte[] payload = payload(opcode, size);
        // Written from another thread: a megabyte does not fit in the socket buffers while nobody reads.
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                from.send(opcode, payload);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        List<RawWebSocket.Frame> frames = new ArrayList<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream(size);
        RawWebSocket.Frame frame;
        do {
            frame = to.read();
            assertThat(frame.opcode()).as("opcode of frame %d", frames.size())
                    .isEqualTo(frames.isEmpty() ? opcode : RawWebSocket.CONTINUATION);
            assertThat(frame.payload().length).as("payload of frame %d", frames.size())
                    .isLessThanOrEqualTo(MAX_FRAGMENT);
            assertThat(frame.masked()).isFalse();
            frames.add(frame);
            received.writeBytes(frame.payload());
        } while (!frame.fin());
        sent.get(10, TimeUnit.SECONDS);
        assertThat(received.toByteArray()).isEqualTo(payload);
        return frames;
    }

    /** Random bytes, or for text random ASCII letters (valid UTF-8 wherever the message is cut). */
    private static byte[] payload(int opcode, int size) {
        Random random = new Random(size * 31L + opcode);
        byte[] payload = new byte[size];
        if (opcode == RawWebSocket.TEXT) {
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) ('a' + random.nextInt(26));
            }
        } else {
            random.nextBytes(payload);
        }
        return payload;
    }

    /** A sender and the listener's rendezvous leg of one relayed connection, both raw. */
    private record Legs(RawWebSocket sender, RawWebSocket listener) implements AutoCloseable {

        static Legs open() throws Exception {
            int accepted = controlChannel.accepts().size();
            URI connect = gateway.connectUri(false, ENTITY);
            CompletableFuture<RawWebSocket> sender = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawWebSocket.open(connect, "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> controlChannel.accepts().size() > accepted);
            RawWebSocket listenerLeg = RawWebSocket.open(URI.create(controlChannel.accepts().get(accepted).address()));
            return new Legs(sender.get(10, TimeUnit.SECONDS), listenerLeg);
        }

        @Override
        public void close() throws IOException {
            sender.close();
            listener.close();
        }
    }
}

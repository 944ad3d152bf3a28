package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.internal.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.NESTED_ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.OPEN_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of rendezvous that never complete: offered to a listener that gets the {@code accept} and never opens
 * the address, and to one whose control channel never reads (it never even sees the {@code accept}). Every held
 * sender gets its 404 at the rendezvous timeout, and afterwards nothing is left: no pending rendezvous, no pending
 * gauges, no channels beyond those before, and (checked for the class by the leak detection extension) no buffer.
 */
@Timeout(120)
class RendezvousExpiryLeakTest {

    /** Per hybrid connection: below the per-entity limit of pending senders (1000), so that all of them are held. */
    private static final int SENDERS_PER_ENTITY = 999;
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void everyExpiredRendezvousAnswersItsSenderAndLeavesNothingBehind() throws Exception {
        ProtocolSettings defaults = TestGateway.defaultProtocol();
        try (TestGateway gateway = TestGateway.builder().tls(false).protocol(new ProtocolSettings(RENDEZVOUS_TIMEOUT,
                defaults.handshakeTimeout(), defaults.maxMessageSize(), defaults.maxListenersPerEndpoint(),
                defaults.shutdownTimeout())).start();
             TestListener ignoring = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Ignore());
             TestListener ignoringOpen = TestListener.connect(gateway.httpClient(),
                     gateway.listenUri(false, OPEN_ENTITY), TestGateway.token(OPEN_ENTITY),
                     new TestListener.Mode.Ignore());
             RawWebSocket deaf = RawWebSocket.open(gateway.listenUri(false, NESTED_ENTITY),
                     "ServiceBusAuthorization: " + TestGateway.token(NESTED_ENTITY))) {
            GatewayContext context = gateway.server().context();
            await().atMost(Duration.ofSeconds(10)).until(() -> context.registry().defaultNamespace()
                    .hybridConnections().stream().allMatch(entity -> entity.listeners().size() == 1));
            int channelsBefore = context.channels().size();

            List<byte[]> requests = Stream.of(ENTITY, OPEN_ENTITY, NESTED_ENTITY).map(entity -> RawHttp.upgradeRequest(
                    "/$hc/" + entity + "?sb-hc-action=connect", TestGateway.HOST, "ServiceBusAuthorization: "
                            + TestGateway.token(entity)).getBytes(StandardCharsets.ISO_8859_1)).toList();
            List<Socket> senders = new ArrayList<>(requests.size() * SENDERS_PER_ENTITY);
            try {
                for (int i = 0; i < SENDERS_PER_ENTITY; i++) {
                    for (byte[] request : requests) {
                        senders.add(connect(gateway.addresses().plainPort(), request));
                    }
                }
                for (Socket sender : senders) {
                    RawHttp.Response response = RawHttp.read(sender.getInputStream());
                    assertThat(response.status()).as(response.body()).isEqualTo(404);
                    assertThat(response.body()).contains("TrackingId:");
                }
            } finally {
                for (Socket sender : senders) {
                    sender.close();
                }
            }

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // Every accept reached the listeners that ignore them (the deaf one never reads its socket).
                assertThat(ignoring.accepts()).hasSize(SENDERS_PER_ENTITY);
                assertThat(ignoringOpen.accepts()).hasSize(SENDERS_PER_ENTITY);
                assertThat(context.rendezvousTable().size()).isZero();
                assertThat(context.channels().size()).isEqualTo(channelsBefore);
                assertThat(gauges(gateway, RelayMeters.SENDERS_PENDING)).isZero();
                assertThat(gauges(gateway, RelayMeters.RENDEZVOUS_PENDING)).isZero();
            });
            assertThat(gateway.server().meterRegistry().find(RelayMeters.RENDEZVOUS_EXPIRED).counters().stream()
                    .mapToDouble(counter -> counter.count()).sum()).isEqualTo((double) senders.size());
        }
    }

    /** A sender's upgrade request, sent and left waiting for its answer. */
    private static Socket connect(int port, byte[] request) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        return socket;
    }

    private static double gauges(TestGateway gateway, String name) {
        return gateway.server().meterRegistry().find(name).gauges().stream().mapToDouble(Gauge::value).sum();
    }
}

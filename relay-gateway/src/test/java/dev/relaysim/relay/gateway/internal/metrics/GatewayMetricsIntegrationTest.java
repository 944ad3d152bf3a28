package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.NAMESPACE;
import static dev.relaysim.relay.gateway.testing.TestGateway.OPEN_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the recorder counts while a real gateway on loopback serves listeners and senders. */
@Timeout(60)
class GatewayMetricsIntegrationTest {

    /** One listener per hybrid connection, a 1 s rendezvous timeout and a 1 s handshake timeout. */
    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            Duration.ofSeconds(1), Duration.ofSeconds(1), 16 * 1024 * 1024, 1, Duration.ofSeconds(2))));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void listenConnectAcceptAndRelayAreCounted() throws Exception {
        TestGateway gw = gateway.get();
        MeterRegistry registry = gw.server().meterRegistry();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            await().atMost(WAIT).until(() -> gauge(registry, RelayMeters.LISTENERS_CONNECTED, ENTITY) == 1);
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(20, TimeUnit.SECONDS);
            sender.sendText("hello").get(10, TimeUnit.SECONDS);
            assertThat(sender.next(WAIT).asText()).isEqualTo("hello");
            sender.sendBinary(new byte[70_000]).get(10, TimeUnit.SECONDS);
            assertThat(sender.next(WAIT).data()).hasSize(70_000);

            assertThat(counter(registry, RelayMeters.RENDEZVOUS_COMPLETED, ENTITY)).isEqualTo(1);
            assertThat(gauge(registry, RelayMeters.RENDEZVOUS_PENDING, ENTITY)).isZero();
            assertThat(gauge(registry, RelayMeters.SENDERS_PENDING, ENTITY)).isZero();
            assertThat(gauge(registry, RelayMeters.CONNECTIONS_ACTIVE, ENTITY)).isEqualTo(1);
            assertThat(counter(registry, RelayMeters.CONNECTIONS, ENTITY)).isEqualTo(1);
            assertThat(traffic(registry, RelayMeters.RELAYED_BYTES, TrafficDirection.SENDER_TO_LISTENER))
                    .isEqualTo(70_005);
            assertThat(traffic(registry, RelayMeters.RELAYED_BYTES, TrafficDirection.LISTENER_TO_SENDER))
                    .isEqualTo(70_005);
            // 70,000 bytes reach the listener in two fragments of one message.
            assertThat(traffic(registry, RelayMeters.RELAYED_MESSAGES, TrafficDirection.SENDER_TO_LISTENER))
                    .isEqualTo(2);
            for (String action : new String[] {"listen", "connect", "accept"}) {
                assertThat(registry.get(RelayMeters.HANDSHAKE_LATENCY).tag(RelayMeters.ACTION, action).timer().count())
                        .as(action).isEqualTo(1);
            }
            assertThat(registry.get(RelayMeters.RENDEZVOUS_LATENCY).tags(entityTags(ENTITY)).timer().count())
                    .isEqualTo(1);
            for (ConnectionPhase phase : ConnectionPhase.values()) {
                assertThat(registry.get(RelayMeters.CONNECTION_PHASE).tag(RelayMeters.PHASE, phase.tagValue()).timer()
                        .count()).as(phase.tagValue()).isEqualTo(1);
            }

            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            sender.closed().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> gauge(registry, RelayMeters.CONNECTIONS_ACTIVE, ENTITY) == 0);
        }
        await().atMost(WAIT).until(() -> gauge(registry, RelayMeters.LISTENERS_CONNECTED, ENTITY) == 0);
        assertThat(refusals(registry, RefusalReason.values())).isZero();
    }

    @Test
    void rejectedExpiredAndAbandonedRendezvousAreCounted() throws Exception {
        TestGateway gw = gateway.get();
        MeterRegistry registry = gw.server().meterRegistry();
        try (TestListener rejecting = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Reject(403, "no"));
             TestListener ignoring = TestListener.connect(gw.httpClient(), gw.listenUri(false, OPEN_ENTITY),
                     TestGateway.token(OPEN_ENTITY), new TestListener.Mode.Ignore())) {
            assertThat(connect(gw, ENTITY).status()).isEqualTo(403);
            assertThat(connect(gw, OPEN_ENTITY).status()).isEqualTo(404);

            int port = gw.addresses().plainPort();
            try (Socket abandoning = new Socket("127.0.0.1", port)) {
                abandoning.getOutputStream().write(RawHttp.upgradeRequest("/$hc/" + OPEN_ENTITY
                        + "?sb-hc-action=connect", "127.0.0.1:" + port).getBytes(StandardCharsets.ISO_8859_1));
                await().atMost(WAIT).until(() -> gauge(registry, RelayMeters.SENDERS_PENDING, OPEN_ENTITY) == 1);
                assertThat(gauge(registry, RelayMeters.RENDEZVOUS_PENDING, OPEN_ENTITY)).isEqualTo(1);
            }
            await().atMost(WAIT).until(() -> counter(registry, RelayMeters.RENDEZVOUS_ABANDONED, OPEN_ENTITY) == 1);
        }
        assertThat(counter(registry, RelayMeters.RENDEZVOUS_REJECTED, ENTITY)).isEqualTo(1);
        assertThat(counter(registry, RelayMeters.RENDEZVOUS_EXPIRED, OPEN_ENTITY)).isEqualTo(1);
        for (String entity : new String[] {ENTITY, OPEN_ENTITY}) {
            assertThat(gauge(registry, RelayMeters.RENDEZVOUS_PENDING, entity)).as(entity).isZero();
            await().atMost(WAIT).until(() -> gauge(registry, RelayMeters.SENDERS_PENDING, entity) == 0);
            assertThat(counter(registry, RelayMeters.RENDEZVOUS_COMPLETED, entity)).as(entity).isZero();
        }
        assertThat(refusals(registry, RefusalReason.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void refusalsAreCountedByReason() throws Exception {
        TestGateway gw = gateway.get();
        MeterRegistry registry = gw.server().meterRegistry();
        int port = gw.addresses().plainPort();
        String host = "127.0.0.1:" + port;

        assertThat(RawHttp.exchange(port, RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=listen", host)).status())
                .isEqualTo(401);
        assertThat(connect(gw, "nothing-here").status()).isEqualTo(404);
        assertThat(connect(gw, ENTITY).status()).isEqualTo(404);
        assertThat(RawHttp.exchange(port, "GET /$hc/echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status())
                .isEqualTo(400);
        assertThat(RawHttp.exchange(port, "GET /$hc/echo HTTP/1.1\r\n").status()).isEqualTo(408);
        try (TestListener first = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            assertThat(RawHttp.exchange(port, RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=listen", host,
                    "ServiceBusAuthorization: " + TestGateway.token(ENTITY))).status()).isEqualTo(403);
            assertThat(gauge(registry, RelayMeters.LISTENERS_CONNECTED, ENTITY)).isEqualTo(1);
        }

        assertThat(refusals(registry, RefusalReason.AUTH)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.NOT_FOUND)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.NO_LISTENER)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.BAD_REQUEST)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.TIMEOUT)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.LIMIT)).isEqualTo(1);
        assertThat(refusals(registry, RefusalReason.NETWORK_RULE, RefusalReason.ENDPOINT_STATE)).isZero();
    }

    private static Response connect(TestGateway gw, String entity) throws Exception {
        int port = gw.addresses().plainPort();
        return RawHttp.exchange(port, RawHttp.upgradeRequest("/$hc/" + entity + "?sb-hc-action=connect",
                "127.0.0.1:" + port, "ServiceBusAuthorization: " + TestGateway.token(entity)));
    }

    private static String[] entityTags(String entity) {
        return new String[] {RelayMeters.NAMESPACE, NAMESPACE, RelayMeters.ENTITY, entity};
    }

    private static double gauge(MeterRegistry registry, String name, String entity) {
        return registry.get(name).tags(entityTags(entity)).gauge().value();
    }

    private static double counter(MeterRegistry registry, String name, String entity) {
        return registry.get(name).tags(entityTags(entity)).counter().count();
    }

    private static double traffic(MeterRegistry registry, String name, TrafficDirection direction) {
        return registry.get(name).tags(entityTags(ENTITY)).tag(RelayMeters.DIRECTION, direction.tagValue()).counter()
                .count();
    }

    private static double refusals(MeterRegistry registry, RefusalReason... reasons) {
        double sum = 0;
        for (RefusalReason reason : reasons) {
            sum += registry.get(RelayMeters.REFUSALS).tag(RelayMeters.REASON, reason.tagValue()).counter().count();
        }
        return sum;
    }
}

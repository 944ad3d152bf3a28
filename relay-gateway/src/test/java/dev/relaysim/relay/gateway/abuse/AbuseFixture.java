package dev.relaysim.relay.gateway.abuse;

import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every abuse test shares: a healthy listener+sender pair opened before the abuse that must keep relaying
 * after it, raw WebSockets (control channel, sender, listener rendezvous) on {@value #ABUSED_ENTITY} for the abuse,
 * and the check that the gateway let go of every connection the abuse opened.
 */
final class AbuseFixture {

    /** The hybrid connection the abuse targets; the healthy pair uses {@link TestGateway#ENTITY}. */
    static final String ABUSED_ENTITY = TestGateway.NESTED_ENTITY;
    static final String SENDER_TARGET = "/$hc/" + ABUSED_ENTITY + "?sb-hc-action=connect";
    static final String LISTEN_TARGET = "/$hc/" + ABUSED_ENTITY + "?sb-hc-action=listen";

    private AbuseFixture() {
    }

    /**
     * An echo listener and a sender on {@link TestGateway#ENTITY} over the plain front end, opened before a test
     * class's first abuse and closed after its last; register it as a static extension ordered after the gateway's:
     * <pre>{@code
     * @RegisterExtension @Order(1)
     * static final GatewayExtension gateway = new GatewayExtension(...);
     * @RegisterExtension @Order(2)
     * static final HealthyPair healthy = new HealthyPair(gateway);
     * }</pre>
     */
    static final class HealthyPair implements BeforeAllCallback, AfterAllCallback {

        private final GatewayExtension gatewayExtension;
        private final AtomicInteger round = new AtomicInteger();
        private TestGateway gateway;
        private TestListener listener;
        private WsPeer sender;
        private int baseline;

        HealthyPair(GatewayExtension gateway) {
            this.gatewayExtension = gateway;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            gateway = gatewayExtension.get();
            listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                    TestGateway.token(ENTITY), new TestListener.Mode.Echo());
            sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            assertRelays();
            baseline = gateway.server().context().channels().size();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (sender != null) {
                sender.socket().abort();
            }
            if (listener != null) {
                listener.close();
            }
        }

        /** A text and a binary message go to the echo listener and come back unchanged. */
        void assertRelays() throws Exception {
            String text = "healthy " + round.incrementAndGet();
            sender.sendText(text).get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo(text);
            byte[] binary = (text + " binary").getBytes(StandardCharsets.UTF_8);
            sender.sendBinary(binary).get(10, TimeUnit.SECONDS);
            WsPeer.Message echoed = sender.next();
            assertThat(echoed.text()).isFalse();
            assertThat(echoed.data()).isEqualTo(binary);
            assertThat(sender.closed()).isNotDone();
        }

        /**
         * Nothing else was disturbed: this pair still relays both ways, and the gateway holds exactly the channels
         * it held when the pair was opened (every connection the abuse opened is gone).
         */
        void assertUndisturbed() throws Exception {
            assertRelays();
            awaitOpenChannels(gateway, baseline);
            assertThat(gaugeSum(gateway, RelayMeters.SENDERS_PENDING)).as("senders held").isZero();
            assertThat(gaugeSum(gateway, RelayMeters.RENDEZVOUS_PENDING)).as("rendezvous pending").isZero();
            assertRelays();
        }
    }

    /** The {@code ServiceBusAuthorization} header line for {@link #ABUSED_ENTITY}. */
    static String authorization() {
        return "ServiceBusAuthorization: " + TestGateway.token(ABUSED_ENTITY);
    }

    /** An upgrade request for {@code target} on the plain front end, with the token for {@link #ABUSED_ENTITY}. */
    static String upgrade(TestGateway gateway, String target, String... extraHeaders) {
        String[] headers = new String[extraHeaders.length + 1];
        headers[0] = authorization();
        System.arraycopy(extraHeaders, 0, headers, 1, extraHeaders.length);
        return RawHttp.upgradeRequest(target, "127.0.0.1:" + gateway.addresses().plainPort(), headers);
    }

    /** A raw control channel on {@link #ABUSED_ENTITY}, upgraded. */
    static RawWebSocket rawControlChannel(TestGateway gateway) throws IOException {
        RawWebSocket control = RawWebSocket.open(gateway.addresses().plainPort(), upgrade(gateway, LISTEN_TARGET));
        assertThat(control.status()).isEqualTo(101);
        return control;
    }

    /** A raw sender and a raw listener rendezvous relayed to each other on {@link #ABUSED_ENTITY}. */
    record RawPair(TestListener listener, RawWebSocket sender, RawWebSocket rendezvous) implements AutoCloseable {

        static RawPair open(TestGateway gateway) throws Exception {
            TestListener listener = TestListener.connect(gateway.httpClient(),
                    gateway.listenUri(false, ABUSED_ENTITY), TestGateway.token(ABUSED_ENTITY),
                    new TestListener.Mode.Ignore());
            try {
                CompletableFuture<RawWebSocket> sender = connectRawSender(gateway);
                await().atMost(Duration.ofSeconds(10)).until(() -> !listener.accepts().isEmpty());
                RawWebSocket rendezvous = openAccept(listener.accepts().get(0).address(), "");
                assertThat(rendezvous.status()).isEqualTo(101);
                RawWebSocket connected = sender.get(10, TimeUnit.SECONDS);
                assertThat(connected.status()).isEqualTo(101);
                return new RawPair(listener, connected, rendezvous);
            } catch (Exception | AssertionError e) {
                listener.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try (RawWebSocket s = sender; RawWebSocket r = rendezvous) {
                listener.close();
            }
        }
    }

    /**
     * A raw sender on {@link #ABUSED_ENTITY}, connecting in the background: its upgrade is held until a listener
     * opens the accept address (or the rendezvous expires), and the future then holds the answer.
     */
    static CompletableFuture<RawWebSocket> connectRawSender(TestGateway gateway) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawWebSocket.open(gateway.addresses().plainPort(), upgrade(gateway, SENDER_TARGET));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Opens an accept address (as the gateway issued it, plus {@code suffix}) on a raw socket. */
    static RawWebSocket openAccept(String address, String suffix) throws IOException {
        URI uri = URI.create(address);
        String target = uri.getRawPath() + '?' + uri.getRawQuery() + suffix;
        return RawWebSocket.open(uri.getPort(), RawHttp.upgradeRequest(target, uri.getHost() + ':' + uri.getPort()));
    }

    /** Waits until the gateway holds exactly {@code expected} channels open. */
    static void awaitOpenChannels(TestGateway gateway, int expected) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(gateway.server().context().channels().size()).isEqualTo(expected));
    }

    /** The sum of a gauge over all its tags (hybrid connections). */
    static double gaugeSum(TestGateway gateway, String name) {
        return gateway.server().meterRegistry().find(name).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    /** How many refusals the gateway counted for {@code reason}. */
    static double refusals(TestGateway gateway, RefusalReason reason) {
        return gateway.server().meterRegistry().find(RelayMeters.REFUSALS)
                .tag(RelayMeters.REASON, reason.tagValue()).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** {@code count} bytes of 'x'. */
    static byte[] bytes(int count) {
        return "x".repeat(count).getBytes(StandardCharsets.US_ASCII);
    }
}

package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GatewayServer#close()} while a relayed connection is moving data: control channels get 1001 at once, new
 * connections are refused, the relayed connection keeps relaying during the drain and either ends by itself (close
 * returns then, long before {@code shutdownTimeout}) or is closed with 1001 on both legs at the timeout; a sender
 * still waiting for an accept gets 503 at once.
 */
@Timeout(60)
class GracefulShutdownIntegrationTest {

    @Test
    void aRelayedConnectionEndingByItselfDuringTheDrainIsNotCut() throws Exception {
        TestGateway gateway = start(Duration.ofSeconds(30));
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = connectSender(gateway);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);

            assertThat(listener.control().closed().get(10, TimeUnit.SECONDS))
                    .isEqualTo(new WsPeer.Close(1001, GatewayServer.SHUTDOWN_REASON));
            assertRefused(gateway.addresses().plainPort());
            assertRefused(gateway.addresses().rendezvous().get(0).getPort());
            for (int i = 0; i < 20; i++) {
                sender.sendText("draining " + i).get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("draining " + i);
            }
            assertThat(closing).isNotDone();

            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);

            // The listener's own close answer comes through: the connection ended by itself, not by the gateway.
            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
            closing.get(20, TimeUnit.SECONDS); // well before the 30 s shutdown timeout
        } finally {
            gateway.close();
        }
    }

    @Test
    void aRelayedConnectionStillOpenAtTheShutdownTimeoutIsClosedWith1001() throws Exception {
        Duration shutdownTimeout = Duration.ofSeconds(2);
        TestGateway gateway = start(shutdownTimeout);
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = connectSender(gateway);
            long started = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
            listener.control().closed().get(10, TimeUnit.SECONDS);

            int relayedDuringTheDrain = 0;
            while (!sender.closed().isDone()) {
                if (sender.sendText("still here").handle((sent, failure) -> failure == null)
                        .get(10, TimeUnit.SECONDS)) {
                    WsPeer.Message echo = sender.messages().poll(200, TimeUnit.MILLISECONDS);
                    if (echo != null) {
                        relayedDuringTheDrain++;
                    }
                }
            }

            assertThat(relayedDuringTheDrain).isGreaterThan(0);
            assertThat(sender.closed().get().code()).isEqualTo(1001);
            assertThat(listener.rendezvous().get(0).closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(shutdownTimeout
                    .minusMillis(100));
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            gateway.close();
        }
    }

    @Test
    void aSenderWaitingForAnAcceptGets503AtOnce() throws Exception {
        TestGateway gateway = start(Duration.ofSeconds(30));
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            URI connect = gateway.connectUri(false, ENTITY);
            CompletableFuture<RawHttp.Response> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(connect.getPort(), RawHttp.upgradeRequest(connect.getRawPath() + '?'
                            + connect.getRawQuery(), TestGateway.HOST, "ServiceBusAuthorization: "
                            + TestGateway.token(ENTITY)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.server().context().rendezvousTable().size() == 1);

            gateway.close();

            // Long before the 30 s rendezvous timeout: the ports are closed, nobody can accept it any more.
            RawHttp.Response refused = held.get(10, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).startsWith(GatewayServer.SHUTDOWN_REASON + ". TrackingId:");
        } finally {
            gateway.close();
        }
    }

    private static TestGateway start(Duration shutdownTimeout) {
        ProtocolSettings defaults = TestGateway.defaultProtocol();
        return TestGateway.builder().protocol(new ProtocolSettings(defaults.rendezvousTimeout(),
                defaults.handshakeTimeout(), defaults.maxMessageSize(), defaults.maxListenersPerEndpoint(),
                shutdownTimeout)).start();
    }

    private static WsPeer connectSender(TestGateway gateway) throws Exception {
        WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, ENTITY),
                Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
        sender.sendText("before").get(10, TimeUnit.SECONDS);
        assertThat(sender.next().asText()).isEqualTo("before");
        return sender;
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }
}

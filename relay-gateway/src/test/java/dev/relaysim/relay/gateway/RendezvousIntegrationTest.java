package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Accepts, rejects and expiries of rendezvous, and listeners coming and going. */
@Timeout(60)
class RendezvousIntegrationTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            Duration.ofSeconds(2), Duration.ofSeconds(10), 16 * 1024 * 1024, 25, Duration.ofSeconds(2))));

    @Test
    void rejectGivesTheListener410AndTheSenderItsStatusAndDescription() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Reject(403, "Rejected+by+user%20code%21"))) {
            Response response = rawConnect(gw);

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.reason()).isEqualTo("Rejected by user code!");
            Throwable listenerSide = catchThrowable(() -> listener.rendezvousAttempts().get(0).join());
            assertThat(listenerSide).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) listenerSide.getCause()).getResponse().statusCode())
                    .isEqualTo(410);
        }
    }

    @Test
    void aSendersOwnStatusCodeParameterDoesNotRejectItsConnection() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.uri(false, ENTITY,
                    "statusCode=500&sb-hc-action=connect"),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("still accepted").get(10, TimeUnit.SECONDS);

            assertThat(sender.next().asText()).isEqualTo("still accepted");
            assertThat(listener.accepts().get(0).address()).contains("?statusCode=500&sb-hc-action=accept");
        }
    }

    @Test
    void invalidRejectStatusBecomes400() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Reject(42, "nope"))) {
            Response response = rawConnect(gw);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.reason()).isEqualTo("nope");
            assertThat(listener.accepts()).hasSize(1);
        }
    }

    @Test
    void senderGets404WhenNoListenerAcceptsInTime() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            Response response = rawConnect(gw);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.reason()).startsWith("None of the connected listeners accepted the connection within "
                    + "the allowed timeout. TrackingId:");
            AcceptCommand accept = listener.accepts().get(0);
            assertThat(handshakeStatus(gw, URI.create(accept.address()))).isEqualTo(403);
        }
    }

    @Test
    void acceptAddressWorksOnceAndOnlyOnItsOwnPort() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            CompletableFuture<WsPeer> sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.accepts().isEmpty());
            URI address = URI.create(listener.accepts().get(0).address());
            int otherPort = gw.addresses().rendezvous().stream().mapToInt(a -> a.getPort())
                    .filter(port -> port != address.getPort()).findFirst().orElseThrow();
            URI wrongPort = URI.create(address.toString()
                    .replace(":" + address.getPort() + "/", ":" + otherPort + "/"));
            assertThat(handshakeStatus(gw, wrongPort)).isEqualTo(404);
            URI frontEnd = URI.create(address.toString().replace(":" + address.getPort() + "/",
                    ":" + gw.addresses().plainPort() + "/"));
            assertThat(handshakeStatus(gw, frontEnd)).isEqualTo(404);

            WsPeer rendezvous = WsPeer.connect(gw.httpClient(), address, Map.of(),
                    (peer, message) -> peer.send(message)).get(10, TimeUnit.SECONDS);
            WsPeer connected = sender.get(10, TimeUnit.SECONDS);
            connected.sendText("once").get(10, TimeUnit.SECONDS);
            assertThat(connected.next().asText()).isEqualTo("once");
            assertThat(handshakeStatus(gw, address)).isEqualTo(403);
            rendezvous.socket().abort();
        }
    }

    @Test
    void twoListenersBothGetTraffic() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener first = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo());
             TestListener second = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            for (int i = 0; i < 4; i++) {
                WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(i % 2 == 0, ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
                sender.sendText("message " + i).get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("message " + i);
                sender.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                sender.closed().get(10, TimeUnit.SECONDS);
            }
            assertThat(first.accepts()).isNotEmpty();
            assertThat(second.accepts()).isNotEmpty();
            assertThat(first.accepts().size() + second.accepts().size()).isEqualTo(4);
        }
    }

    @Test
    void listenerDroppedMidStreamClosesTheSenderWith1011() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(true, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendBinary(new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
            assertThat(sender.next().data()).containsExactly(1, 2, 3);

            listener.rendezvousAttempts().get(0).get(10, TimeUnit.SECONDS).socket().abort();

            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1011);
        }
    }

    private static Response rawConnect(TestGateway gw) throws Exception {
        int port = gw.addresses().plainPort();
        return RawHttp.exchange(port, RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", "127.0.0.1:" + port,
                "ServiceBusAuthorization: " + TestGateway.token(ENTITY)));
    }

    /** The status with which the gateway refused a WebSocket handshake (fails if it was accepted). */
    private static int handshakeStatus(TestGateway gw, URI uri) {
        Throwable failure = catchThrowable(() -> WsPeer.connect(gw.httpClient(), uri, Map.of()).join());
        assertThat(failure).as("handshake to %s", uri).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }
}

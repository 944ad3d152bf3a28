package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.NESTED_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The limits on live sockets with small values: the connection over a limit gets the exact status and text, the
 * ones before it keep relaying, and the counts drop as connections close so that new ones are admitted again.
 */
@Timeout(120)
class GatewayLimitsIntegrationTest {

    private static final String SERVICE_TEXT = ".* TrackingId:[0-9a-f-]{36}_G\\d+, SystemTracker:.+, Timestamp:"
            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Long enough that nothing in a test expires on a slow machine. */
    private static final ProtocolSettings PATIENT = new ProtocolSettings(Duration.ofSeconds(90),
            Duration.ofSeconds(90), 16 * 1024 * 1024, 25, Duration.ofSeconds(2));

    @Test
    void perSourceLimitRefusesTheFourthConnectionOfOneAddressOnEveryPort() throws Exception {
        InetAddress listenerSource = InetAddress.getByName("127.0.0.1");
        InetAddress source = InetAddress.getByName("127.0.0.3");
        InetAddress otherSource = InetAddress.getByName("127.0.0.4");
        List<Socket> sockets = new ArrayList<>();
        try (TestGateway gateway = TestGateway.builder().protocol(PATIENT).limits(new LimitSettings(3, 1000, 5000))
                .start();
             RelayWebSocketClient client = new RelayWebSocketClient(null, RelayClientConfig.defaults(), null, source);
             TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            ConnectionLimits limits = gateway.server().context().limits();
            int plainPort = gateway.addresses().plainPort();
            // 127.0.0.3: two relayed senders and one idle connection; 127.0.0.1: the listener's control channel and
            // its two rendezvous connections. Both sources are at their limit of 3.
            RelayConnection first = sender(client, gateway);
            RelayConnection second = sender(client, gateway);
            Socket idle = connect(source, plainPort, sockets);
            await().atMost(TIMEOUT).until(() -> limits.openConnections(source) == 3
                    && limits.openConnections(listenerSource) == 3);

            Response plain = RawHttp.exchange(connect(source, plainPort, sockets), connectRequest(plainPort, ENTITY));
            assertThat(plain.status()).isEqualTo(429);
            assertThat(plain.reason()).startsWith("Server busy. MaximumConnectionsPerSource: 3 connections from "
                    + "127.0.0.3 are open to the gateway already; retry after 1 s. TrackingId:")
                    .contains("SystemTracker:127.0.0.1:/$hc/echo").matches(SERVICE_TEXT);
            assertThat(plain.body()).isEqualTo(plain.reason());
            assertThat(plain.headers()).containsEntry("retry-after", "1")
                    .containsEntry("content-type", "text/plain; charset=utf-8");

            int tlsPort = gateway.addresses().tlsPort();
            SSLSocket tlsSocket = (SSLSocket) gateway.sslContext().getSocketFactory().createSocket();
            sockets.add(tlsSocket);
            tlsSocket.bind(new InetSocketAddress(source, 0));
            tlsSocket.connect(new InetSocketAddress("127.0.0.1", tlsPort));
            Response tls = RawHttp.exchange(tlsSocket, "GET /echo/http-mode HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(tls.status()).isEqualTo(429);
            assertThat(tls.reason()).startsWith("Server busy. MaximumConnectionsPerSource: 3 connections");
            assertThat(tls.headers()).containsEntry("retry-after", "1");

            int rendezvousPort = gateway.addresses().rendezvous().get(0).getPort();
            Response rendezvous = RawHttp.exchange(connect(source, rendezvousPort, sockets),
                    connectRequest(rendezvousPort, "echo?sb-hc-action=accept&sb-hc-id=guess"));
            assertThat(rendezvous.status()).isEqualTo(429);
            assertThat(rendezvous.reason()).contains("MaximumConnectionsPerSource");

            assertThat(echo(first, "first after the refusals")).isEqualTo("first after the refusals");
            assertThat(echo(second, "second after the refusals")).isEqualTo("second after the refusals");
            Response other = RawHttp.exchange(connect(otherSource, plainPort, sockets),
                    connectRequest(plainPort, "nothing-here"));
            assertThat(other.status()).as("another source is not limited").isEqualTo(404);

            // A flood beyond the connections being refused is reset unread.
            List<Socket> flood = new ArrayList<>();
            for (int i = 0; i < ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE; i++) {
                flood.add(connect(source, plainPort, sockets));
            }
            await().atMost(TIMEOUT).until(() -> limits.openConnections(source)
                    == 3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE);
            assertThat(answerOfResetConnection(source, plainPort, sockets)).as("reset without an answer").isEmpty();
            assertThat(limits.openConnections(source)).isEqualTo(3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE);
            for (Socket socket : flood) {
                socket.close();
            }

            // Room again once connections close: the idle one and the second relayed connection.
            idle.close();
            second.close(1000, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> limits.openConnections(source) == 1
                    && limits.openConnections(listenerSource) == 2);
            RelayConnection third = sender(client, gateway);
            assertThat(echo(third, "third")).isEqualTo("third");
            assertThat(echo(first, "first still")).isEqualTo("first still");

            assertThat(refusals(gateway)).isEqualTo(4);
            first.abort();
            third.abort();
            listener.close();
            sockets.forEach(GatewayLimitsIntegrationTest::closeQuietly);
            await().atMost(TIMEOUT).until(() -> limits.openConnections() == 0 && limits.relayedConnections() == 0);
        } finally {
            sockets.forEach(GatewayLimitsIntegrationTest::closeQuietly);
        }
    }

    @Test
    void pendingAndNamespaceLimitsRefuseSendersWhileTheFirstOnesKeepRelaying() throws Exception {
        try (TestGateway gateway = TestGateway.builder().protocol(PATIENT).limits(new LimitSettings(1000, 2, 4))
                .start();
             RelayWebSocketClient client = new RelayWebSocketClient(null, RelayClientConfig.defaults());
             TestListener echoListener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Ignore());
             TestListener nestedListener = TestListener.connect(gateway.httpClient(),
                     gateway.listenUri(false, NESTED_ENTITY), TestGateway.token(NESTED_ENTITY),
                     new TestListener.Mode.Ignore())) {
            ConnectionLimits limits = gateway.server().context().limits();
            int plainPort = gateway.addresses().plainPort();
            CompletableFuture<RelayConnection> first = connect(client, gateway, ENTITY);
            CompletableFuture<RelayConnection> second = connect(client, gateway, ENTITY);
            await().atMost(TIMEOUT).until(() -> echoListener.accepts().size() == 2);

            Response pending = RawHttp.exchange(plainPort, connectRequest(plainPort, ENTITY));
            assertThat(pending.status()).isEqualTo(429);
            assertThat(pending.reason()).startsWith("Server busy. MaximumPendingRendezvousPerEntity: 2 senders wait "
                    + "for a listener to accept on the hybrid connection already; retry after 1 s. TrackingId:")
                    .contains("SystemTracker:sandbox.servicebus.windows.net:echo").matches(SERVICE_TEXT);
            assertThat(pending.headers()).containsEntry("retry-after", "1");
            assertThat(first).isNotDone();

            List<WsPeer> rendezvous = new ArrayList<>();
            for (AcceptCommand accept : echoListener.accepts()) {
                rendezvous.add(WsPeer.connect(gateway.httpClient(), URI.create(accept.address()), Map.of(),
                        (peer, message) -> peer.send(message)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            RelayConnection firstSender = first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RelayConnection secondSender = second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(echo(firstSender, "one")).isEqualTo("one");

            // Two relayed and two waiting: the namespace's quota of 4 is reached, for every hybrid connection in it.
            CompletableFuture<RelayConnection> third = connect(client, gateway, ENTITY);
            CompletableFuture<RelayConnection> fourth = connect(client, gateway, ENTITY);
            await().atMost(TIMEOUT).until(() -> echoListener.accepts().size() == 4);
            assertThat(limits.relayedConnections(TestGateway.NAMESPACE)).isEqualTo(4);
            Response quota = RawHttp.exchange(plainPort, connectRequest(plainPort, NESTED_ENTITY,
                    TestGateway.token(NESTED_ENTITY)));
            assertThat(quota.status()).isEqualTo(403);
            assertThat(quota.reason()).startsWith("Quota exceeded. MaximumConnectionsPerNamespace: the namespace has 4 "
                    + "relayed connections and waiting senders already. TrackingId:")
                    .contains("SystemTracker:sandbox.servicebus.windows.net:orders/eu").matches(SERVICE_TEXT);
            assertThat(quota.headers()).doesNotContainKey("retry-after");
            assertThat(nestedListener.accepts()).isEmpty();
            assertThat(echo(secondSender, "two after the refusal")).isEqualTo("two after the refusal");

            firstSender.close(1000, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> limits.relayedConnections(TestGateway.NAMESPACE) == 3);
            CompletableFuture<RelayConnection> nested = connect(client, gateway, NESTED_ENTITY);
            await().atMost(TIMEOUT).until(() -> nestedListener.accepts().size() == 1);
            assertThat(nested).isNotDone();

            assertThat(refusals(gateway)).isEqualTo(2);
            secondSender.abort();
            for (CompletableFuture<RelayConnection> held : List.of(third, fourth, nested)) {
                held.cancel(true);
            }
            client.close();
            rendezvous.forEach(peer -> peer.socket().abort());
            await().atMost(TIMEOUT).until(() -> limits.relayedConnections() == 0);
            echoListener.close();
            nestedListener.close();
            await().atMost(TIMEOUT).until(() -> limits.openConnections() == 0);
        }
    }

    private static CompletableFuture<RelayConnection> connect(RelayWebSocketClient client, TestGateway gateway,
                                                              String entity) {
        HttpHeaders headers = new DefaultHttpHeaders().add("ServiceBusAuthorization", TestGateway.token(entity));
        return client.connect(gateway.connectUri(false, entity), headers, null, Duration.ofSeconds(90));
    }

    private static RelayConnection sender(RelayWebSocketClient client, TestGateway gateway) throws Exception {
        return connect(client, gateway, ENTITY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String echo(RelayConnection connection, String text) throws Exception {
        connection.sendText(text).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return connection.receive(TIMEOUT).asText();
    }

    /**
     * What a connection the gateway resets at once receives: nothing. On loopback the reset can beat the connecting
     * thread to the socket, so the connect itself may fail with it.
     */
    private static String answerOfResetConnection(InetAddress source, int port, List<Socket> sockets)
            throws IOException {
        Socket reset;
        try {
            reset = connect(source, port, sockets);
        } catch (SocketException e) {
            assertThat(e).hasMessageContaining("reset");
            return "";
        }
        reset.setSoTimeout((int) TIMEOUT.toMillis());
        return readUntilClosed(reset.getInputStream());
    }

    private static Socket connect(InetAddress source, int port, List<Socket> sockets) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        return socket;
    }

    private static String connectRequest(int port, String entityAndQuery) {
        return connectRequest(port, entityAndQuery, TestGateway.token(ENTITY));
    }

    private static String connectRequest(int port, String entityAndQuery, String token) {
        String target = "/$hc/" + entityAndQuery + (entityAndQuery.contains("?") ? "" : "?sb-hc-action=connect");
        return RawHttp.upgradeRequest(target, "127.0.0.1:" + port, "ServiceBusAuthorization: " + token);
    }

    /** What arrives until the peer closes; a reset counts as closed. */
    private static String readUntilClosed(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException reset) {
            return text.toString();
        }
        return text.toString();
    }

    private static double refusals(TestGateway gateway) {
        return gateway.server().meterRegistry().get(RelayMeters.REFUSALS)
                .tag(RelayMeters.REASON, RefusalReason.LIMIT.tagValue()).counter().count();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the gateway may have reset already
        }
    }
}

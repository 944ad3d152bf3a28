package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.testing.EchoChecks;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The listener library against the in-process gateway; the sender side is a bare {@link RelayWebSocketClient}. */
@Timeout(60)
class HybridConnectionListenerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static RelayWebSocketClient sender;

    @BeforeAll
    static void startSender() {
        sender = new RelayWebSocketClient(
                SslContexts.forClient(gateway.get().server().certificateAuthority().caCertificatePem()),
                RelayClientConfig.defaults());
    }

    @AfterAll
    static void stopSender() {
        sender.close();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesTextAndBinaryByteExact(boolean tls) throws Exception {
        List<AcceptCommand> accepts = new CopyOnWriteArrayList<>();
        try (HybridConnectionListener listener = echoListener(tls).acceptHandler(accept -> {
            accepts.add(accept);
            return AcceptDecision.accept();
        }).build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            assertThat(listener.isOnline()).isTrue();
            RelayConnection connection = connectSender(tls, null).get(20, TimeUnit.SECONDS);
            Random random = new Random(7);
            for (int size : new int[] {1, 64 * 1024 + 1}) {
                EchoChecks.assertEchoes(connection, size, random, TIMEOUT);
            }
            assertThat(connection.close(1000, "done").get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
            assertThat(accepts).hasSize(1);
            assertThat(accepts.get(0).remoteEndpoint().address()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void passesTheSendersFirstSubprotocol() throws Exception {
        List<String> chosen = new CopyOnWriteArrayList<>();
        try (HybridConnectionListener listener = listener(false).connectionHandler((accept, connection) -> {
            chosen.add(connection.subprotocol());
            connection.close(1000, "");
        }).build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayConnection connection = connectSender(false, "chat.v1, chat.v2").get(20, TimeUnit.SECONDS);
            assertThat(connection.subprotocol()).isEqualTo("chat.v1");
            assertThat(connection.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
            assertThat(chosen).containsExactly("chat.v1");
        }
    }

    @Test
    void aRejectionReachesTheSenderWithItsStatus() throws Exception {
        try (HybridConnectionListener listener = echoListener(false)
                .acceptHandler(accept -> AcceptDecision.reject(429, "Too busy: try later & elsewhere"))
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            CompletableFuture<RelayConnection> refused = connectSender(false, null);
            assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.reasonPhrase()).isEqualTo("Too busy: try later & elsewhere");
                    });
        }
    }

    @Test
    void aThrowingAcceptHandlerRejectsWith502() throws Exception {
        try (HybridConnectionListener listener = echoListener(false)
                .acceptHandler(accept -> {
                    throw new IllegalStateException("boom");
                })
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            CompletableFuture<RelayConnection> refused = connectSender(false, null);
            assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> assertThat(e.statusCode())
                            .isEqualTo(502));
        }
    }

    @Test
    void aBadKeyFailsOpenWith401AndStopsTheListener() throws Exception {
        RecordingStatusListener status = new RecordingStatusListener();
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString(TestGateway.KEY_NAME, "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk="))
                .sslContext(sslContext())
                .connectionHandler((accept, connection) -> { })
                .statusListener(status)
                .build()) {
            assertThatThrownBy(() -> listener.open().get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> assertThat(e.statusCode())
                            .isEqualTo(401));
            assertThat(listener.terminationFuture()).isCompletedExceptionally();
            assertThat(status.stopCauses).singleElement().isInstanceOf(RelayHandshakeException.class);
            assertThat(ListenerMain.describe(status.stopCauses.get(0),
                    new ClientOptions.Target(null, listener.endpoint(), null, null, null, "the test CA")))
                    .startsWith("the gateway refused the listener: 401 ");
        }
    }

    @Test
    void anUnknownEntityFailsOpenWith404() {
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()), "nosuch", tokens())
                .connectionHandler((accept, connection) -> { })
                .build()) {
            assertThatThrownBy(() -> listener.open().get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> assertThat(e.statusCode())
                            .isEqualTo(404));
        }
    }

    @Test
    void renewsItsTokenBeforeItExpiresAndStaysOnline() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        RecordingStatusListener status = new RecordingStatusListener();
        TokenProvider counting = (audience, validFor) -> {
            tokens.incrementAndGet();
            return tokens().token(audience, validFor);
        };
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()), ENTITY, counting)
                .tokenTimeToLive(Duration.ofSeconds(2))
                .connectionHandler(HybridConnectionListenerTest::echo)
                .statusListener(status)
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).until(() -> tokens.get() >= 3);
            RelayConnection connection = connectSender(false, null).get(20, TimeUnit.SECONDS);
            connection.sendText("still listening");
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("still listening");
            connection.close(1000, "").get(10, TimeUnit.SECONDS);
            assertThat(status.reconnectCauses).isEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndClosesAcceptedConnections() throws Exception {
        HybridConnectionListener listener = echoListener(false).build();
        listener.open().get(20, TimeUnit.SECONDS);
        RelayConnection connection = connectSender(false, null).get(20, TimeUnit.SECONDS);
        listener.close();
        listener.close();
        assertThat(connection.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
        assertThat(listener.terminationFuture()).isCompleted();
        assertThat(listener.isOnline()).isFalse();
    }

    private static HybridConnectionListener.Builder echoListener(boolean tls) {
        return listener(tls).connectionHandler(HybridConnectionListenerTest::echo);
    }

    private static HybridConnectionListener.Builder listener(boolean tls) {
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder().sslContext(sslContext());
        return tls ? builder.connectionString(connectionString(TestGateway.KEY_NAME, TestGateway.KEY))
                : builder.endpoint(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()), ENTITY,
                        tokens());
    }

    static void echo(AcceptCommand accept, RelayConnection connection) {
        connection.setHandler(connection::send);
    }

    private static CompletableFuture<RelayConnection> connectSender(boolean tls, String subprotocol) {
        HttpHeaders headers = new DefaultHttpHeaders().add("ServiceBusAuthorization", TestGateway.token(ENTITY));
        return sender.connect(gateway.get().connectUri(tls, ENTITY), headers, subprotocol, TIMEOUT);
    }

    private static ConnectionString connectionString(String keyName, String key) {
        return ConnectionString.parse("Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/;SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key + ";EntityPath=" + ENTITY);
    }

    private static TokenProvider tokens() {
        return (audience, validFor) -> SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME,
                TestGateway.KEY, Instant.now().plus(validFor));
    }

    private static SslContext sslContext() {
        return SslContexts.forClient(gateway.get().server().certificateAuthority().caCertificatePem());
    }
}

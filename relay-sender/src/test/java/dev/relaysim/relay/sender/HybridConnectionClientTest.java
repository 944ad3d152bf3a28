package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.testing.EchoChecks;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.AcceptDecision;
import dev.relaysim.relay.listener.HybridConnectionListener;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Sender and listener libraries relayed through the in-process gateway. */
@Timeout(180)
class HybridConnectionClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int[] SIZES = {1, 64 * 1024 + 1, 8 * 1024 * 1024};

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = EventLoops.newGroup("sender-test", 2);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesTextAndBinaryOfEverySizeByteExact(boolean tls) throws Exception {
        List<Map<String, String>> connectHeaders = new CopyOnWriteArrayList<>();
        try (HybridConnectionListener listener = listener(tls).acceptHandler(accept -> {
            connectHeaders.add(accept.connectHeaders());
            return AcceptDecision.accept();
        }).build(); HybridConnectionClient client = client(tls)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayConnection connection = client.connect("app.v1", new DefaultHttpHeaders().add("X-App", "hello"))
                    .get(20, TimeUnit.SECONDS);
            assertThat(connection.subprotocol()).isEqualTo("app.v1");
            assertThat(connectHeaders).singleElement().satisfies(headers -> assertThat(headers)
                    .containsEntry("X-App", "hello")
                    .doesNotContainKey("ServiceBusAuthorization"));
            Random random = new Random(11);
            for (int size : SIZES) {
                EchoChecks.assertEchoes(connection, size, random, TIMEOUT);
            }
            assertThat(connection.close(1000, "done").get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    @Test
    void withoutAListenerTheRefusalSaysSo() throws Exception {
        try (HybridConnectionClient client = client(true)) {
            CompletableFuture<RelayConnection> refused = client.connect();
            assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.description()).startsWith("There are no listeners connected for the endpoint.");
                    });
            assertThat(SenderMain.describe(refused.handle((c, e) -> e).join(),
                    new ClientOptions.Target(null, client.endpoint(), null, null, null, "the test CA")))
                    .isEqualTo("no listener is connected to sb://localhost:" + gateway.get().addresses().tlsPort()
                            + "/echo — start one with ./relaysim listen --echo");
        }
    }

    @Test
    void aListenersRejectionReachesTheSender() throws Exception {
        try (HybridConnectionListener listener = listener(false)
                .acceptHandler(accept -> AcceptDecision.reject(403, "Not you"))
                .build(); HybridConnectionClient client = client(false)) {
            listener.open().get(20, TimeUnit.SECONDS);
            CompletableFuture<RelayConnection> refused = client.connect();
            assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.reasonPhrase()).isEqualTo("Not you");
                    });
        }
    }

    @Test
    void aWrongKeyIsRefusedWith401() throws Exception {
        ConnectionString wrong = ConnectionString.parse("Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/;SharedAccessKeyName=" + TestGateway.KEY_NAME + ";SharedAccessKey=d3Jvbmcta2V5;EntityPath="
                + ENTITY);
        try (HybridConnectionClient client = HybridConnectionClient.builder().connectionString(wrong)
                .sslContext(sslContext()).build()) {
            assertThatThrownBy(() -> client.connect().get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> assertThat(e.statusCode())
                            .isEqualTo(401));
        }
    }

    /** Microsoft's hyco-ws sender (npm) through the gateway to this project's listener. */
    @Test
    void hycoWsSenderReachesTheProjectsListener() throws Exception {
        NodeClients node = NodeClients.install();
        try (HybridConnectionListener listener = listener(true).build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            URI sendUri = URI.create("wss://localhost:" + gateway.get().addresses().tlsPort() + "/$hc/" + ENTITY
                    + "?sb-hc-action=connect");
            NodeProcess sender = node.start("hyco-ws-sender.js", nodeEnvironment(), sendUri.toString(),
                    TestGateway.KEY_NAME, TestGateway.KEY, "11", "100000", "70000", "1");

            assertThat(sender.awaitExit(TIMEOUT)).as("%s", sender).isZero();
            assertThat(sender.lines()).last().asString().contains("\"ok\":true").contains("\"received\":4");
        }
    }

    /** This project's sender through the gateway to Microsoft's hyco-ws listener (npm). */
    @Test
    void theProjectsSenderReachesAHycoWsListener() throws Exception {
        NodeClients node = NodeClients.install();
        URI listenUri = URI.create("wss://localhost:" + gateway.get().addresses().tlsPort() + "/$hc/" + ENTITY
                + "?sb-hc-action=listen");
        try (NodeProcess listener = node.start("hyco-ws-listener.js", nodeEnvironment(), listenUri.toString(),
                TestGateway.KEY_NAME, TestGateway.KEY, "20");
             HybridConnectionClient client = client(true)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(listener.lines()).as("%s", listener).contains("listening"));
            RelayConnection connection = client.connect().get(20, TimeUnit.SECONDS);
            byte[] data = new byte[200_000];
            new Random(5).nextBytes(data);

            connection.send(data);
            assertThat(connection.receive(TIMEOUT).contentEquals(data)).isTrue();
            connection.sendText("hello from Java");
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("hello from Java");
            assertThat(connection.close(1000, "done").get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    private static Map<String, String> nodeEnvironment() {
        return Map.of("NODE_EXTRA_CA_CERTS",
                gateway.get().server().certificateAuthority().caCertificatePem().toString());
    }

    private static HybridConnectionListener.Builder listener(boolean tls) {
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .sslContext(sslContext())
                .eventLoopGroup(group)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send));
        return tls ? builder.connectionString(connectionString())
                : builder.endpoint(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()), ENTITY,
                        tokens());
    }

    private static HybridConnectionClient client(boolean tls) {
        if (tls) {
            return HybridConnectionClient.builder().connectionString(connectionString()).sslContext(sslContext())
                    .build();
        }
        return HybridConnectionClient.builder()
                .endpoint(RelayEndpoint.of(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()),
                        ENTITY), tokens())
                .eventLoopGroup(group).connectTimeout(Duration.ofSeconds(20)).build();
    }

    private static ConnectionString connectionString() {
        return ConnectionString.parse("Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/;SharedAccessKeyName=" + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY
                + ";EntityPath=" + ENTITY);
    }

    private static TokenProvider tokens() {
        return (audience, validFor) -> SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME,
                TestGateway.KEY, Instant.now().plus(validFor));
    }

    private static SslContext sslContext() {
        return SslContexts.forClient(gateway.get().server().certificateAuthority().caCertificatePem());
    }
}

package dev.relaysim.relay.sender.faults;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerMain;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.OPEN_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Peers in processes of their own, killed with SIGKILL mid-stream: the {@code relay-listener} CLI ({@link
 * ListenerMain} {@code --echo}) and {@link CrashingPeerMain}. The gateway closes the other leg within a second with
 * 1011 {@value RelayPair#PEER_LOST_REASON}, drops a dead listener from its hybrid connection, answers the sender it
 * had offered that listener with 404 at the rendezvous timeout, and a relayed connection of another hybrid
 * connection keeps relaying throughout.
 */
@Timeout(120)
class KilledProcessIntegrationTest {

    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration START = Duration.ofSeconds(60);

    private TestGateway gateway;
    private SslContext sslContext;
    private HybridConnectionListener healthyListener;
    private HybridConnectionClient healthyClient;
    private RelayConnection healthySender;

    @BeforeEach
    void start() throws Exception {
        ProtocolSettings defaults = TestGateway.defaultProtocol();
        gateway = TestGateway.builder().protocol(new ProtocolSettings(RENDEZVOUS_TIMEOUT, defaults.handshakeTimeout(),
                defaults.maxMessageSize(), defaults.maxListenersPerEndpoint(), defaults.shutdownTimeout())).start();
        sslContext = SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
        healthyListener = HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse(connectionString(OPEN_ENTITY)))
                .sslContext(sslContext)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .build();
        healthyListener.open().get(20, TimeUnit.SECONDS);
        healthyClient = HybridConnectionClient.builder()
                .connectionString(ConnectionString.parse(connectionString(OPEN_ENTITY))).sslContext(sslContext).build();
        healthySender = healthyClient.connect().get(20, TimeUnit.SECONDS);
        assertHealthyPairRelays("before");
    }

    @AfterEach
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {healthyClient, healthyListener, gateway}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aKilledListenerProcessClosesItsSenderWithin1sWith1011() throws Exception {
        try (ChildJvm listener = ChildJvm.start(ListenerMain.class, "--connection-string", connectionString(ENTITY),
                "--ca", caFile(), "--echo");
             HybridConnectionClient client = HybridConnectionClient.builder()
                     .connectionString(ConnectionString.parse(connectionString(ENTITY))).sslContext(sslContext)
                     .build()) {
            listener.awaitLine(line -> line.startsWith("listening on "), START);
            RelayConnection sender = client.connect().get(20, TimeUnit.SECONDS);
            sender.send(new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
            assertThat(sender.receive(Duration.ofSeconds(10)).data()).containsExactly(1, 2, 3);
            listener.awaitLine(line -> line.startsWith("accepted connection "), START);
            sender.send(new byte[32 * 1024]); // mid-stream: on its way when the listener dies

            listener.kill();

            assertThat(sender.closeFuture().get(1, TimeUnit.SECONDS))
                    .isEqualTo(new RelayCloseStatus(1011, RelayPair.PEER_LOST_REASON));
            await().atMost(Duration.ofSeconds(5)).until(() -> entity(ENTITY).listeners().size() == 0);
        }
        assertHealthyPairRelays("after the listener process died");
    }

    @Test
    void aKilledSenderProcessClosesTheListenerLegWithin1sWith1011() throws Exception {
        CompletableFuture<RelayConnection> accepted = new CompletableFuture<>();
        AtomicInteger received = new AtomicInteger();
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse(connectionString(ENTITY)))
                .sslContext(sslContext)
                .connectionHandler((accept, connection) -> {
                    connection.setHandler((RelayMessage message) -> received.incrementAndGet());
                    accepted.complete(connection);
                })
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayConnection listenerLeg;
            try (ChildJvm sender = ChildJvm.start(CrashingPeerMain.class, "sender", connectionString(ENTITY),
                    caFile())) {
                sender.awaitLine("connected"::equals, START);
                listenerLeg = accepted.get(20, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> received.get() >= 10);

                sender.kill();
            }

            assertThat(listenerLeg.closeFuture().get(1, TimeUnit.SECONDS))
                    .isEqualTo(new RelayCloseStatus(1011, RelayPair.PEER_LOST_REASON));
            assertThat(listener.isOnline()).isTrue();
        }
        assertHealthyPairRelays("after the sender process died");
    }

    @Test
    void aKilledListenerProcessLeavesItsHybridConnectionAndItsPendingSenderGetsItsError() throws Exception {
        try (ChildJvm listener = ChildJvm.start(CrashingPeerMain.class, "holding-listener", connectionString(ENTITY),
                caFile());
             HybridConnectionClient client = HybridConnectionClient.builder()
                     .connectionString(ConnectionString.parse(connectionString(ENTITY))).sslContext(sslContext)
                     .build()) {
            listener.awaitLine("listening"::equals, START);
            assertThat(entity(ENTITY).listeners().size()).isEqualTo(1);
            CompletableFuture<RelayConnection> pending = client.connect();
            listener.awaitLine(line -> line.startsWith("accept "), START);

            listener.kill();

            await().atMost(Duration.ofSeconds(1)).until(() -> entity(ENTITY).listeners().size() == 0);
            ExecutionException failure = catchThrowableOfType(ExecutionException.class,
                    () -> pending.get(RENDEZVOUS_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS));
            assertThat(failure.getCause()).isInstanceOfSatisfying(RelayHandshakeException.class,
                    e -> assertThat(e.statusCode()).isEqualTo(404));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> gateway.server().context().rendezvousTable().size() == 0);
        }
        assertHealthyPairRelays("after the holding listener died");
    }

    private void assertHealthyPairRelays(String text) throws Exception {
        healthySender.sendText(text).get(10, TimeUnit.SECONDS);
        assertThat(healthySender.receive(Duration.ofSeconds(10)).asText()).isEqualTo(text);
        assertThat(healthySender.closeFuture()).isNotDone();
    }

    private HybridConnection entity(String name) {
        return gateway.server().context().registry().defaultNamespace().match(name).orElseThrow().entity();
    }

    private String caFile() {
        return gateway.server().certificateAuthority().caCertificatePem().toString();
    }

    private String connectionString(String entity) {
        return "Endpoint=sb://localhost:" + gateway.addresses().tlsPort() + "/;SharedAccessKeyName="
                + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY + ";EntityPath=" + entity;
    }
}

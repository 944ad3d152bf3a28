package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The listener across gateway restarts on the same ports. */
@Timeout(60)
class ListenerReconnectTest {

    private static final String OTHER_KEY = "YW5vdGhlci1rZXktYWZ0ZXItdGhlLXJlc3RhcnQtLQ==";

    @TempDir
    Path dataDirectory;

    @Test
    void reconnectsAfterTheGatewayRestartsOnTheSamePorts() throws Exception {
        RecordingStatus status = new RecordingStatus();
        TestGateway first = TestGateway.builder().dataDirectory(dataDirectory).start();
        GatewayServer second = null;
        try (HybridConnectionListener listener = listener(first, status);
             RelayWebSocketClient sender = new RelayWebSocketClient(null, RelayClientConfig.defaults())) {
            listener.open().get(20, TimeUnit.SECONDS);
            assertThat(status.online).hasValue(1);

            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !status.reconnects.isEmpty());
            assertThat(listener.isOnline()).isFalse();

            second = restart(first, TestGateway.defaultNamespaces());
            await().atMost(Duration.ofSeconds(30)).until(() -> status.online.get() == 2);
            assertThat(listener.isOnline()).isTrue();
            assertThat(status.stopped).isEmpty();

            RelayConnection connection = sender.connect(first.connectUri(false, ENTITY),
                    new DefaultHttpHeaders().add("ServiceBusAuthorization", TestGateway.token(ENTITY)), null,
                    Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
            connection.sendText("after the restart");
            assertThat(connection.receive(Duration.ofSeconds(20)).asText()).isEqualTo("after the restart");
            connection.close(1000, "").get(10, TimeUnit.SECONDS);
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void stopsWhenTheRestartedGatewayAnswers401() throws Exception {
        RecordingStatus status = new RecordingStatus();
        TestGateway first = TestGateway.builder().dataDirectory(dataDirectory).start();
        GatewayServer second = null;
        try (HybridConnectionListener listener = listener(first, status)) {
            listener.open().get(20, TimeUnit.SECONDS);
            first.close();
            AuthorizationRuleConfig rotated = new AuthorizationRuleConfig(TestGateway.KEY_NAME, OTHER_KEY, OTHER_KEY,
                    EnumSet.allOf(AccessRight.class));
            second = restart(first,
                    List.of(new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(rotated),
                    List.of(new HybridConnectionConfig(ENTITY, true, List.of())))));

            await().atMost(Duration.ofSeconds(30)).until(() -> listener.terminationFuture().isDone());
            assertThat(status.stopped.get(0)).isInstanceOfSatisfying(RelayHandshakeException.class,
                    e -> assertThat(e.statusCode()).isEqualTo(401));
            assertThat(listener.terminationFuture()).isCompletedExceptionally();
            assertThat(listener.isOnline()).isFalse();
            assertThat(ListenerMain.describe(status.stopped.get(0),
                    new ClientOptions.Target(null, listener.endpoint(), null, null, null, "the test CA")))
                    .startsWith("the gateway refused the listener: 401 ");
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    private static HybridConnectionListener listener(TestGateway gateway, RecordingStatus status) {
        return HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + gateway.addresses().plainPort()), ENTITY,
                        (audience, validFor) -> SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME,
                                TestGateway.KEY, Instant.now().plus(validFor)))
                .connectionHandler(HybridConnectionListenerTest::echo)
                .statusListener(status)
                .build();
    }

    /** A new gateway on the stopped one's ports and data directory. */
    private static GatewayServer restart(TestGateway stopped, List<NamespaceConfig> namespaces) throws Exception {
        GatewayConfig old = stopped.config();
        ListenSettings listen =
                new ListenSettings(old.listen().bindAddress(), true, stopped.addresses().tlsPort(), true,
                stopped.addresses().plainPort(), old.listen().rendezvousPorts(), false, 0);
        GatewayServer server = new GatewayServer(new GatewayConfig(listen, old.protocol(), old.dataDirectory(),
                TestGateway.NAMESPACE, namespaces));
        server.start();
        return server;
    }

    private static final class RecordingStatus implements ListenerStatusListener {

        final AtomicInteger online = new AtomicInteger();
        final List<Throwable> reconnects = new CopyOnWriteArrayList<>();
        final List<Throwable> stopped = new CopyOnWriteArrayList<>();

        @Override
        public void online() {
            online.incrementAndGet();
        }

        @Override
        public void reconnecting(Throwable cause, Duration delay) {
            reconnects.add(cause);
        }

        @Override
        public void stopped(Throwable cause) {
            if (cause != null) {
                stopped.add(cause);
            }
        }
    }
}

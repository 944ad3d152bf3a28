package dev.relaysim.relay.sender.faults;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.cli.GatewayMain;
import dev.relaysim.relay.gateway.config.EmbeddedPortBlocks;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerStatusListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway in a JVM of its own ({@link GatewayMain}), killed with SIGKILL under a connected
 * {@link HybridConnectionListener} and a relayed connection, then started again on the same ports: the relayed
 * connection fails, the listener reconnects by itself on its backoff schedule (0, 1, 2, 5, 10, 30 s) and a sender's
 * round trip works again.
 */
@Timeout(180)
class GatewayKillRestartIntegrationTest {

    private static final String ENTITY = DevDefaults.ENTITY_PATH;
    private static final Duration START = Duration.ofSeconds(60);
    private static final int RENDEZVOUS_BLOCK = 10;
    private static final int ATTEMPTS = 10;

    @TempDir
    Path dataDirectory;

    @Test
    void theListenerReconnectsByItselfAfterTheGatewayIsKilledAndRestarted() throws Exception {
        ChildJvm gateway = null;
        String[] flags = null;
        for (int attempt = 0; gateway == null; attempt++) {
            // Off the ports a running ./relaysim gateway holds (9400-9599 and its front ends on 127.0.0.1).
            PortRange block = EmbeddedPortBlocks.random(RENDEZVOUS_BLOCK);
            flags = new String[] {"--tls-port", Integer.toString(freePort()), "--plain-port",
                    Integer.toString(freePort()), "--rendezvous-ports", block.toString(),
                    "--no-management", "--no-dns", "--data-dir", dataDirectory.toString()};
            ChildJvm started = ChildJvm.start(GatewayMain.class, flags);
            String line = started.awaitLine(text -> text.contains("TLS front end") || text.contains("cannot start"),
                    START);
            if (line.contains("cannot start")) {
                started.close();
                assertThat(attempt).as("port collisions: " + line).isLessThan(ATTEMPTS);
            } else {
                gateway = started;
            }
        }
        ConnectionString connectionString = ConnectionString.parse("Endpoint=sb://localhost:" + flags[1]
                + "/;SharedAccessKeyName=" + DevDefaults.KEY_NAME + ";SharedAccessKey=" + DevDefaults.KEY
                + ";EntityPath=" + ENTITY);
        // The CA stays in the data directory, so the restarted gateway's certificate is trusted too.
        SslContext sslContext = SslContexts.forClient(dataDirectory.resolve(DevDefaults.TLS_DIRECTORY_NAME)
                .resolve(DevDefaults.CA_CERTIFICATE_FILE));
        RecordingStatus status = new RecordingStatus();
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString)
                .sslContext(sslContext)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .statusListener(status)
                .build();
             HybridConnectionClient client = HybridConnectionClient.builder().connectionString(connectionString)
                     .sslContext(sslContext).build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayConnection before = roundTrip(client, "before the kill");

            gateway.kill();

            assertThat(before.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(1006);
            await().atMost(Duration.ofSeconds(10)).until(() -> !status.delays.isEmpty());
            assertThat(listener.isOnline()).isFalse();

            gateway = ChildJvm.start(GatewayMain.class, flags);
            gateway.awaitLine(text -> text.contains("TLS front end"), START);
            long restarted = System.nanoTime();
            // Once the gateway is back, the next attempt on the schedule connects: at most 30 s later.
            await().atMost(Duration.ofSeconds(40)).until(() -> status.online.get() == 2);
            Duration back = Duration.ofNanos(System.nanoTime() - restarted);
            assertThat(listener.isOnline()).isTrue();
            assertThat(status.delays).allSatisfy(delay -> assertThat(delay).isIn(Duration.ZERO, Duration.ofSeconds(1),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)));
            assertThat(status.delays.get(0)).isEqualTo(Duration.ZERO);

            roundTrip(client, "after the restart").close(1000, "done").get(10, TimeUnit.SECONDS);
            System.out.printf("gateway kill -9 and restart: listener back %d ms after the new gateway started "
                    + "(reconnect delays %s)%n", back.toMillis(), status.delays);
        } finally {
            gateway.close();
        }
    }

    private static RelayConnection roundTrip(HybridConnectionClient client, String text) throws Exception {
        RelayConnection connection = client.connect().get(20, TimeUnit.SECONDS);
        connection.sendText(text).get(10, TimeUnit.SECONDS);
        assertThat(connection.receive(Duration.ofSeconds(10)).asText()).isEqualTo(text);
        return connection;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final class RecordingStatus implements ListenerStatusListener {

        final AtomicInteger online = new AtomicInteger();
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public void online() {
            online.incrementAndGet();
        }

        @Override
        public void reconnecting(Throwable cause, Duration delay) {
            delays.add(delay);
        }
    }
}

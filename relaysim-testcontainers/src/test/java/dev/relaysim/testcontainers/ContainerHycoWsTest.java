package dev.relaysim.testcontainers;

import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Microsoft's {@code hyco-ws} 1.0.5 listener and sender on the host against the gateway in a container, over TLS,
 * trusting the development CA fetched from the container's {@code /relaysim/ca.pem}: the accept address the listener
 * follows names the advertised host and a published rendezvous port, and the certificate covers that host.
 */
@Timeout(300)
class ContainerHycoWsTest {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void hycoWsListenerAndSenderRelayThroughTheContainerOverTls(@TempDir Path directory) throws Exception {
        NodeClients node = NodeClients.install();
        try (RelaysimContainer relay = new RelaysimContainer(RelaysimImage.build())) {
            relay.start();
            Path ca = Files.writeString(directory.resolve("relaysim-ca.pem"), relay.getCaCertificatePem(),
                    StandardCharsets.US_ASCII);
            Map<String, String> environment = Map.of("NODE_EXTRA_CA_CERTS", ca.toString());
            String base = "wss://" + relay.getHost() + ':' + relay.getMappedPort(RelaysimContainer.TLS_PORT)
                    + "/$hc/echo?sb-hc-action=";

            try (NodeProcess listener = node.start("hyco-ws-listener.js", environment, base + "listen",
                    RelaysimContainer.KEY_NAME, RelaysimContainer.KEY, "20")) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(listener.lines()).as("%s", listener).contains("listening"));
                NodeProcess sender = node.start("hyco-ws-sender.js", environment, base + "connect",
                        RelaysimContainer.KEY_NAME, RelaysimContainer.KEY, "5", "70000");

                assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
                assertThat(sender.lines()).last().asString().contains("\"ok\":true").contains("\"received\":2");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(listener.lines()).contains("connection"));
            }
        }
    }
}

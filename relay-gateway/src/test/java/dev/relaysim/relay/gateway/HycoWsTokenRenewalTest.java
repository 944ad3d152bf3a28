package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token renewal by Microsoft's {@code hyco-ws} 1.0.5 listener, whose {@code token} option is a function: hyco-ws sends
 * {@code renewToken} with a fresh token every hour. The script shortens that hard-coded hour
 * ({@code RENEW_INTERVAL_MS}, a timer shim) and the tokens' lifetime ({@code TOKEN_TTL_SECONDS}), so that the
 * library's own renewal runs within the test against a gateway with a 1 s expiry grace: a renewing listener keeps
 * its one control channel, a listener that does not renew is closed (1008) and reconnects.
 */
@Timeout(120)
class HycoWsTokenRenewalTest {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(
            TestGateway.defaultProtocol(ProtocolSettings.DEFAULT_RESPONSE_TIMEOUT, GRACE)));

    private static NodeClients node;

    @BeforeAll
    static void installClients() {
        node = NodeClients.install();
    }

    @Test
    void renewingListenerKeepsItsControlChannelPastItsFirstTokensExpiry() throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess listener = startListener(gw, Map.of("RENEW_INTERVAL_MS", "1000", "TOKEN_TTL_SECONDS", "3"))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.lines())
                    .contains("listening"));

            // One token for the connect, then one per renewal: six take the channel well past the first token's
            // expiry (3 s) plus the grace, on the one control channel.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(count(listener.lines(), "token")).isGreaterThanOrEqualTo(7));
            assertThat(count(listener.lines(), "listening")).as("%s", listener).isEqualTo(1);

            NodeProcess sender = node.start("hyco-ws-sender.js", environment(gw), gw.connectUri(false, ENTITY)
                    .toString(),
                    TestGateway.KEY_NAME, TestGateway.KEY, "5", "70000");
            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
            assertThat(count(listener.lines(), "listening")).as("%s", listener).isEqualTo(1);
        }
    }

    @Test
    void listenerThatDoesNotRenewIsClosedAndReconnects() throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess listener = startListener(gw, Map.of("TOKEN_TTL_SECONDS", "2"))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(count(listener.lines(), "listening")).as("%s", listener).isGreaterThanOrEqualTo(2));
            // One token per connect (the last one's may still be under way): none was renewed.
            List<String> lines = listener.lines();
            assertThat(count(lines, "token")).isBetween(count(lines, "listening"), count(lines, "listening") + 1);
        }
    }

    private static NodeProcess startListener(TestGateway gw, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>(environment(gw));
        environment.putAll(extraEnvironment);
        return node.start("hyco-ws-listener.js", environment, gw.listenUri(false, ENTITY).toString(),
                TestGateway.KEY_NAME, TestGateway.KEY, "20");
    }

    private static long count(List<String> lines, String line) {
        return lines.stream().filter(line::equals).count();
    }

    private static Map<String, String> environment(TestGateway gw) {
        return Map.of("NODE_EXTRA_CA_CERTS", gw.server().certificateAuthority().caCertificatePem().toString());
    }
}

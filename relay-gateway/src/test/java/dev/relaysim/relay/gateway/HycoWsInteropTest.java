package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Microsoft's {@code hyco-ws} 1.0.5 (npm) as listener and as sender through the gateway, over plain
 * {@code ws} and over {@code wss} with the development CA given to Node by {@code NODE_EXTRA_CA_CERTS}.
 * The clients build their own URLs (their helpers hard-code port 443) and their own tokens, whose
 * audience keeps the port ({@code http://localhost:<port>/echo}).
 */
@Timeout(180)
class HycoWsInteropTest {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static NodeClients node;

    @BeforeAll
    static void installClients() {
        node = NodeClients.install();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void hycoWsListenerAndSenderExchangeTextAndBinaryByteExact(boolean tls) throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess listener = startListener(gw, tls, TestGateway.KEY)) {
            awaitListening(listener);

            // Alternating text and binary, up to 1 MiB, which the gateway hands the listener in 64 KiB fragments.
            NodeProcess sender = node.start("hyco-ws-sender.js", environment(gw), gw.connectUri(tls, ENTITY).toString(),
                    TestGateway.KEY_NAME, TestGateway.KEY, "1", "1", "1000", "70000", "65536", "1048576");

            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
            assertThat(sender.lines()).last().asString().contains("\"ok\":true").contains("\"received\":6")
                    .contains("\"closeCode\":1000");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(listener.lines()).contains("connection", "closed 1000 done"));
        }
    }

    @Test
    void hycoWsListenerServesAJavaSenderAndPicksItsFirstSubprotocol() throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess listener = startListener(gw, true, TestGateway.KEY)) {
            awaitListening(listener);
            byte[] payload = new byte[300_000];
            ThreadLocalRandom.current().nextBytes(payload);

            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.uri(true, ENTITY + "/suffix",
                    "app=1&sb-hc-action=connect"),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)), "chat.v1", "chat.v2")
                    .get(30, TimeUnit.SECONDS);
            sender.sendBinary(payload).get(30, TimeUnit.SECONDS);

            assertThat(sender.socket().getSubprotocol()).isEqualTo("chat.v1");
            assertThat(sender.next(Duration.ofSeconds(30)).data()).isEqualTo(payload);
            sender.sendClose(4000, "app-defined").get(10, TimeUnit.SECONDS);
            assertThat(sender.closed().get(30, TimeUnit.SECONDS).code()).isEqualTo(4000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(listener.lines()).contains("closed 4000 app-defined"));
        }
    }

    @Test
    void hycoWsSenderReachesAJavaListener() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            NodeProcess sender = node.start("hyco-ws-sender.js", environment(gw), gw.connectUri(false, ENTITY)
                    .toString(),
                    TestGateway.KEY_NAME, TestGateway.KEY, "5", "200000");

            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
            // hyco-ws sends the headers its ws@1 client makes, including the permessage-deflate offer.
            assertThat(listener.accepts()).singleElement().satisfies(accept -> {
                assertThat(accept.connectHeaders()).containsKey("Sec-WebSocket-Key")
                        .doesNotContainKey("ServiceBusAuthorization");
                PortRange ports = gateway.get().config().listen().rendezvousPorts();
                assertThat(URI.create(accept.address()).getPort()).isBetween(ports.first(), ports.last());
            });
        }
    }

    @Test
    void aRefusedHycoWsListenerSeesTheServicesStatusWhileOthersCarryOn() throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess wrongKey = startListener(gw, false, "d3Jvbmcta2V5");
             TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            // hyco-ws reconnects at once after every error; the script gives up after 20.
            assertThat(wrongKey.awaitExit(PROCESS_TIMEOUT)).as("%s", wrongKey).isEqualTo(3);
            assertThat(wrongKey.lines()).filteredOn(line -> line.startsWith("error:")).hasSize(20)
                    .allSatisfy(line -> assertThat(line).contains("401"));

            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("still served").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("still served");
        }
    }

    private static NodeProcess startListener(TestGateway gw, boolean tls, String key) {
        return node.start("hyco-ws-listener.js", environment(gw), gw.listenUri(tls, ENTITY).toString(),
                TestGateway.KEY_NAME, key, "20");
    }

    private static void awaitListening(NodeProcess listener) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(listener.lines()).as("%s", listener).contains("listening"));
    }

    private static Map<String, String> environment(TestGateway gw) {
        return Map.of("NODE_EXTRA_CA_CERTS", gw.server().certificateAuthority().caCertificatePem().toString());
    }
}

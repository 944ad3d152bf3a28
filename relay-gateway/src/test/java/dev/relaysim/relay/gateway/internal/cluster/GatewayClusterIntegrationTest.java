package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three gateway nodes as separate JVMs on 127.0.1.1-3 in one Hazelcast cluster: a sender on one node is relayed to
 * a listener on another through an accept address of the sender's node, the 25 listeners per hybrid connection are
 * counted across the nodes, and a node killed with SIGKILL leaves the directory of the others and their DNS
 * answers (the namespace's public name resolves to every live node).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class GatewayClusterIntegrationTest {

    private static final String ECHO = "echo";
    private static final String HYCO = "hyco";
    private static final String LIMITS = "limits";
    private static final String KILL = "kill";
    private static final List<String> ENTITIES = List.of(ECHO, HYCO, LIMITS, KILL);
    private static final String MEMBERS = "127.0.1.1,127.0.1.2,127.0.1.3";
    private static final String PUBLIC_NAME = TestGateway.HOST + '.';
    private static final Duration STARTUP = Duration.ofSeconds(240);

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final List<ClusterNode> NODES = new ArrayList<>();
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;

    @BeforeAll
    static void startNodes() {
        node1 = start("127.0.1.1", MEMBERS);
        node2 = start("127.0.1.2", MEMBERS);
        node3 = start("127.0.1.3", MEMBERS);
        for (ClusterNode node : List.of(node1, node2, node3)) {
            node.awaitMembers(3, STARTUP);
        }
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        for (ClusterNode node : NODES) {
            node.close();
        }
    }

    @Test
    @Timeout(120)
    void aSenderOnNode2IsRelayedToAListenerOnNode1ThroughNode2sRendezvousPort() throws Exception {
        try (TestListener listener = listen(node1, ECHO)) {
            node2.awaitListenersOf(node1, 1, Duration.ofSeconds(20));
            byte[] payload = new byte[300_000];
            ThreadLocalRandom.current().nextBytes(payload);

            WsPeer sender = connect(node2, ECHO);
            sender.sendBinary(payload).get(10, TimeUnit.SECONDS);

            assertThat(sender.next(Duration.ofSeconds(30)).data()).isEqualTo(payload);
            URI accept = URI.create(listener.accepts().get(0).address());
            assertThat(accept.getHost()).isEqualTo(node2.address());
            assertThat(accept.getPort()).isBetween(9400, 9409);
            assertThat(node2.management("/metrics")).contains("relay_cluster_members 3.0")
                    .containsPattern("relay_cluster_listeners [1-9]");
            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);

            // The cost of the cross-node accept: connects to the listener's node and to another, alternating.
            long[] local = new long[15];
            long[] remote = new long[15];
            for (int i = 0; i < local.length; i++) {
                local[i] = timedRoundTrip(node1);
                remote[i] = timedRoundTrip(node2);
            }
            System.out.printf("cluster accept: connect + first echo, median of %d: listener's node %.1f ms, "
                    + "other node %.1f ms%n", local.length, median(local), median(remote));
        }
    }

    @Test
    @Timeout(240)
    void hycoWsListenerOnNode1AndSenderOnNode2RelayByteExact() throws Exception {
        NodeClients node = NodeClients.install();
        try (NodeProcess listener = node.start("hyco-ws-listener.js", Map.of(), node1.listenUri(HYCO).toString(),
                TestGateway.KEY_NAME, TestGateway.KEY, "20")) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(listener.lines()).as("%s", listener).contains("listening"));
            node2.awaitListenersOf(node1, 1, Duration.ofSeconds(20));

            NodeProcess sender = node.start("hyco-ws-sender.js", Map.of(), node2.connectUri(HYCO).toString(),
                    TestGateway.KEY_NAME, TestGateway.KEY, "1", "1", "1000", "70000", "65536", "1048576");

            assertThat(sender.awaitExit(Duration.ofSeconds(120))).as("%s", sender).isZero();
            assertThat(sender.lines()).last().asString().contains("\"ok\":true").contains("\"received\":6")
                    .contains("\"closeCode\":1000");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(listener.lines()).contains("connection", "closed 1000 done"));
        }
    }

    @Test
    @Timeout(180)
    void twentyFiveListenersSpreadOverTheNodesAndTheTwentySixthIsRefused() throws Exception {
        List<TestListener> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                listeners.add(listen(List.of(node1, node2, node3).get(i % 3), LIMITS));
            }
            for (ClusterNode node : List.of(node1, node2, node3)) {
                assertThat(listenStatus(node, LIMITS)).as("26th listener on %s", node).isEqualTo(403);
            }

            listeners.remove(0).close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(listenStatus(node3, LIMITS)).isEqualTo(101));
        } finally {
            listeners.forEach(TestListener::close);
        }
    }

    @Test
    @Timeout(360)
    void aKilledNodesListenersLeaveTheDirectoryAndSendersGoToTheRemainingOnes() throws Exception {
        ClusterNode node4 = start("127.0.1.4", "127.0.1.1,127.0.1.4");
        try (TestListener onNode3 = listen(node3, KILL)) {
            node4.awaitMembers(4, STARTUP);
            node2.awaitMembers(4, STARTUP);
            assertThat(node2.resolve(PUBLIC_NAME)).containsExactlyInAnyOrder("127.0.1.1 ttl 10", "127.0.1.2 ttl 10",
                    "127.0.1.3 ttl 10", "127.0.1.4 ttl 10");
            TestListener onNode4 = listen(node4, KILL);
            node2.awaitListenersOf(node4, 1, Duration.ofSeconds(20));
            node2.awaitListenersOf(node3, 1, Duration.ofSeconds(20));

            node4.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(node2.members()).doesNotContain(node4.member());
                assertThat(node1.listenersOf(node4)).isZero();
                assertThat(node2.listenersOf(node4)).isZero();
            });
            assertThat(node2.resolve(PUBLIC_NAME)).containsExactlyInAnyOrder("127.0.1.1 ttl 10", "127.0.1.2 ttl 10",
                    "127.0.1.3 ttl 10");
            assertThat(node2.resolve(PUBLIC_NAME).get(0)).as("round robin: the next answer starts elsewhere")
                    .isNotEqualTo(node2.resolve(PUBLIC_NAME).get(0));
            System.out.printf("cluster: a killed node's listeners left the directory after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            onNode4.close();

            for (int i = 0; i < 6; i++) {
                WsPeer sender = connect(node2, KILL);
                sender.sendText("after the kill " + i).get(10, TimeUnit.SECONDS);
                assertThat(sender.next(Duration.ofSeconds(10)).asText()).isEqualTo("after the kill " + i);
                sender.socket().abort();
            }
            assertThat(onNode3.accepts()).hasSizeGreaterThanOrEqualTo(6)
                    .allSatisfy(accept -> assertThat(URI.create(accept.address()).getHost())
                            .isEqualTo(node2.address()));

            onNode3.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(WsPeer.upgradeStatus(CLIENT, node2.connectUri(KILL), TestGateway.token(KILL)))
                            .isEqualTo(404));
        } finally {
            node4.kill();
        }
    }

    private static ClusterNode start(String address, String members) {
        ClusterNode node = ClusterNode.start(address, members, ENTITIES);
        NODES.add(node);
        return node;
    }


    private static TestListener listen(ClusterNode node, String entity) throws Exception {
        return TestListener.connect(CLIENT, node.listenUri(entity), TestGateway.token(entity),
                new TestListener.Mode.Echo());
    }

    private static int listenStatus(ClusterNode node, String entity) throws Exception {
        try {
            listen(node, entity).close();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static WsPeer connect(ClusterNode node, String entity) throws Exception {
        return WsPeer.connect(CLIENT, node.connectUri(entity), Map.of("ServiceBusAuthorization",
                TestGateway.token(entity))).get(20, TimeUnit.SECONDS);
    }

    /** Milliseconds from a sender's connect to its first echo. */
    private static long timedRoundTrip(ClusterNode node) throws Exception {
        long start = System.nanoTime();
        WsPeer sender = connect(node, ECHO);
        sender.sendText("ping").get(10, TimeUnit.SECONDS);
        assertThat(sender.next(Duration.ofSeconds(10)).asText()).isEqualTo("ping");
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        sender.socket().abort();
        return micros;
    }

    private static double median(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }
}

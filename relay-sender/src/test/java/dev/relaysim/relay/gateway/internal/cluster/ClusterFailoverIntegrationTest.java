package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import dev.relaysim.relay.listener.AcceptDecision;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerStatusListener;
import dev.relaysim.relay.listener.RetryPolicy;
import dev.relaysim.relay.sender.HybridConnectionClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that join, fail and split, as separate JVMs on 127.0.1.31-34, with the project's own clients: listeners
 * ({@link HybridConnectionListener}, which reconnects) and senders ({@link HybridConnectionClient}) that resolve the
 * namespace's public name through the nodes' DNS responders, as a client configured with that DNS server does.
 * <ol>
 *   <li>A fourth node joins while senders relay through nodes 1-3: none fails, and the new node takes traffic at once
 *       (it is in the DNS answers, and a sender through it is relayed to a listener elsewhere).</li>
 *   <li>A node stopped (SIGSTOP) for longer than Hazelcast's heartbeat timeout and continued (SIGCONT) splits the
 *       cluster and merges back: its listeners are found again from every node, its own view is the merged
 *       directory's, and a listener of its that the merged cluster has no room for (the other side took 25
 *       meanwhile) is closed with 1001.</li>
 *   <li>Node 1 killed with SIGKILL: its listeners come back on nodes 2 and 3 through DNS, senders are relayed again
 *       within {@link #RECOVERY_BOUND}, a sender waiting for a listener of node 1 gets 404 within the rendezvous
 *       timeout (while one whose accept that listener still opens is relayed, the rendezvous being on the sender's
 *       node), a sender relayed on node 1 loses its connection, and nothing of node 1 stays in the directories,
 *       {@code /health} or the DNS answers.</li>
 * </ol>
 * It lives in relay-sender because it drives both client libraries, which depend on the gateway's test jar, where
 * {@link ClusterNode} is (same package, so it uses the helper as the gateway's own cluster tests do).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ClusterFailoverIntegrationTest {

    private static final String FLOW = "flow";
    private static final String SPLIT = "split";
    private static final String CROWDED = "crowded";
    private static final String FAILOVER = "failover";
    private static final String PENDING = "pending";
    private static final List<String> ENTITIES = List.of(FLOW, SPLIT, CROWDED, FAILOVER, PENDING);
    private static final String MEMBERS = "127.0.1.31,127.0.1.32,127.0.1.33";
    private static final String PUBLIC_NAME = TestGateway.HOST + '.';
    private static final URI PUBLIC_NAMESPACE = URI.create("ws://" + TestGateway.HOST + ':' + ClusterNode.PLAIN_PORT);
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The rendezvous timeout the nodes are configured with ({@link ClusterNode}). */
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(10);
    /** {@code protocol.maxListenersPerEndpoint}, the nodes' default. */
    private static final int MAX_LISTENERS = 25;
    /**
     * From a node's SIGKILL until its listeners are back on the other nodes and senders are relayed again: the
     * others notice the dead member at once (its TCP connections reset) or after Hazelcast's 10 s without heartbeats,
     * and the listener retries after 0, 1, 2 and 5 s (its backoff), the first attempts perhaps still at the dead
     * node's address while the DNS answers have it.
     */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final Pattern CLUSTER_LISTENERS = Pattern.compile("(?m)^relay_cluster_listeners ([0-9.]+)$");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<ClusterNode> NODES = new ArrayList<>();
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;

    @BeforeAll
    static void startNodes() {
        node1 = start("127.0.1.31", MEMBERS);
        node2 = start("127.0.1.32", MEMBERS);
        node3 = start("127.0.1.33", MEMBERS);
        for (ClusterNode node : List.of(node1, node2, node3)) {
            node.awaitMembers(3, STARTUP);
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (ClusterNode node : NODES) {
            if (node.isAlive()) {
                node.resume();
            }
            node.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(300)
    void aNodeJoiningWhileSendersRelayTakesTrafficAtOnce() throws Exception {
        List<String> acceptHosts = new CopyOnWriteArrayList<>();
        try (HybridConnectionListener onNode1 = echoListener(node1.namespaceUri(), FLOW, null, acceptHosts);
             HybridConnectionListener onNode2 = echoListener(node2.namespaceUri(), FLOW, null, acceptHosts)) {
            onNode1.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            onNode2.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            node3.awaitListenersOf(node1, 1, TIMEOUT);
            node3.awaitListenersOf(node2, 1, TIMEOUT);
            ClusterNode node4;
            long relayedBefore;
            long firstThroughNode4;
            // Senders through nodes 1-3, one after another on each; node 3 has no listener, so it relays across.
            try (Traffic traffic = new Traffic(List.of(node1, node2, node3), FLOW)) {
                await().atMost(TIMEOUT).until(() -> traffic.relayed() >= 6);
                node4 = start("127.0.1.34", MEMBERS + ",127.0.1.34");
                node4.awaitMembers(4, STARTUP);
                long joined = System.nanoTime();
                assertThat(node1.resolve(PUBLIC_NAME)).contains("127.0.1.34 ttl 10");
                try (HybridConnectionClient client = client(node4.namespaceUri(), FLOW, null)) {
                    echo(client, "through the new node");
                }
                firstThroughNode4 = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
                assertThat(acceptHosts).as("a listener on node 1 or 2 was told node 4's address")
                        .contains(node4.address());
                Set<String> reached = new HashSet<>();
                try (HybridConnectionClient client = client(PUBLIC_NAMESPACE, FLOW,
                        new DnsHostResolver(node1.dnsServer(), null))) {
                    for (int i = 0; i < 4; i++) {
                        reached.add(echo(client, "by name " + i));
                    }
                }
                assertThat(reached).as("senders resolving the public name").contains(node4.address());
                relayedBefore = traffic.relayed();
                await().atMost(TIMEOUT).until(() -> traffic.relayed() >= relayedBefore + 6);
                traffic.stop();
                assertThat(traffic.failures()).as("relayed connections that failed while node 4 joined").isEmpty();
                System.out.printf("cluster join: %d connections relayed through nodes 1-3 without a failure; the "
                        + "new node relayed its first sender %d ms after it saw the cluster%n", traffic.relayed(),
                        firstThroughNode4);
            }
            node4.close();
            node1.awaitMembers(3, STARTUP);
        }
    }

    @Test
    @Order(2)
    @Timeout(300)
    void aNodeCutOffLongerThanTheHeartbeatTimeoutMergesBackWithItsListeners() throws Exception {
        awaitThreeNodes();
        List<TestListener> crowd = new ArrayList<>();
        try (HybridConnectionListener onNode3 = echoListener(node3.namespaceUri(), SPLIT, null, null);
             HybridConnectionListener onNode1 = echoListener(node1.namespaceUri(), FLOW, null, null);
             TestListener crowdedOnNode3 = TestListener.connect(HTTP, node3.listenUri(CROWDED),
                     TestGateway.token(CROWDED), new TestListener.Mode.Echo())) {
            onNode3.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            onNode1.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            node1.awaitListenersOf(node3, 2, TIMEOUT);
            node3.awaitListenersOf(node1, 1, TIMEOUT);

            node3.suspend();
            long suspended = System.nanoTime();
            // Hazelcast's heartbeat timeout (10 s): nodes 1 and 2 go on as a cluster of two without node 3.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(node1.members()).doesNotContain(node3.member()).hasSize(2);
                assertThat(node2.members()).doesNotContain(node3.member()).hasSize(2);
            });
            long split = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - suspended);
            assertThat(WsPeer.upgradeStatus(HTTP, node1.connectUri(SPLIT), TestGateway.token(SPLIT)))
                    .as("while split, node 1 does not see node 3's listener").isEqualTo(404);
            assertThat(node1.resolve(PUBLIC_NAME)).doesNotContain("127.0.1.33 ttl 10");
            // Each side forgets the other's listeners once Hazelcast has moved the departed member's partitions (a
            // listener registering before that waits for them, and may time out on a loaded machine).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(node1.listenersOf(node3)).as("node 3's listeners in node 1's directory").isZero();
                assertThat(node2.listenersOf(node3)).as("node 3's listeners in node 2's directory").isZero();
            });
            // The listener limit counts per side: nodes 1 and 2 take the 25 listeners node 3's one leaves room for.
            for (int i = 0; i < MAX_LISTENERS; i++) {
                crowd.add(crowdedListener(List.of(node1, node2).get(i % 2)));
            }

            node3.resume();
            long resumed = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (ClusterNode node : List.of(node1, node2, node3)) {
                    assertThat(node.members()).as("members %s sees", node).hasSize(3);
                }
                assertThat(node1.listenersOf(node3)).isEqualTo(1);
                assertThat(node2.listenersOf(node3)).isEqualTo(1);
                // Node 1's FLOW listener and the half of the crowd on it.
                assertThat(node3.listenersOf(node1)).isEqualTo(1 + (MAX_LISTENERS + 1) / 2);
                assertThat(node3.listenersOf(node2)).isEqualTo(MAX_LISTENERS / 2);
            });
            long merged = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
            // Node 3 merged into the larger side and entered its listeners again: the 26th of its hybrid connection
            // is closed, to reconnect as any listener would.
            WsPeer.Close closed = crowdedOnNode3.control().closed().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(1001);
            assertThat(closed.reason()).isEqualTo(SplitBrainRecovery.OVER_LIMIT_REASON);
            for (ClusterNode node : List.of(node1, node2, node3)) {
                assertThat(clusterListeners(node)).as("listeners in %s's directory", node)
                        .isEqualTo(2 + MAX_LISTENERS);
            }
            try (HybridConnectionClient toNode3 = client(node1.namespaceUri(), SPLIT, null);
                 HybridConnectionClient toNode1 = client(node3.namespaceUri(), FLOW, null)) {
                assertThat(echo(toNode3, "node 1 to node 3's listener")).isEqualTo(node1.address());
                assertThat(echo(toNode1, "node 3 to node 1's listener")).isEqualTo(node3.address());
            }
            System.out.printf("cluster split: node 3 left the others %d ms after SIGSTOP; merged back with its "
                    + "listener %d ms after SIGCONT%n", split, merged);
        } finally {
            crowd.forEach(TestListener::close);
            // A failure above must not leave node 3 stopped for the next test (SIGCONT to a running process is a
            // no-op).
            if (node3.isAlive()) {
                node3.resume();
            }
        }
    }

    @Test
    @Order(3)
    @Timeout(300)
    void aKilledNodesListenersComeBackThroughDnsAndItsPendingSendersGet404() throws Exception {
        awaitThreeNodes();
        DnsHostResolver listenerDns = new DnsHostResolver(node3.dnsServer(), null);
        List<HybridConnectionListener> listeners = new ArrayList<>();
        AtomicInteger reconnects = new AtomicInteger();
        try (TestListener holding = TestListener.connect(HTTP, node1.listenUri(PENDING),
                TestGateway.token(PENDING), new TestListener.Mode.Ignore());
             HybridConnectionClient sender = client(PUBLIC_NAMESPACE, FAILOVER,
                     new DnsHostResolver(node2.dnsServer(), null));
             HybridConnectionClient waiting = HybridConnectionClient.builder()
                     .endpoint(node2.namespaceUri(), PENDING, tokens()).connectTimeout(Duration.ofSeconds(60))
                     .build();
             HybridConnectionClient acceptedLate = HybridConnectionClient.builder()
                     .endpoint(node2.namespaceUri(), PENDING, tokens()).connectTimeout(Duration.ofSeconds(60))
                     .build();
             HybridConnectionClient throughNode1 = client(node1.namespaceUri(), FAILOVER, null)) {
            for (int i = 0; i < 6; i++) {
                HybridConnectionListener listener = HybridConnectionListener.builder()
                        .endpoint(PUBLIC_NAMESPACE, FAILOVER, tokens()).resolver(listenerDns)
                        .retryPolicy(RetryPolicy.forever())
                        .statusListener(new ListenerStatusListener() {
                            @Override
                            public void reconnecting(Throwable cause, Duration delay) {
                                reconnects.incrementAndGet();
                            }
                        })
                        .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                        .build();
                listeners.add(listener);
                listener.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            // Node 3's DNS answers each query with another node first: the listeners spread over the nodes.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(node2.listenersOf(node1)).as("the waiting listener and failover ones on node 1")
                        .isGreaterThanOrEqualTo(2);
                assertThat(node2.listenersOf(node1) + node2.listenersOf(node2) + node2.listenersOf(node3))
                        .isEqualTo(6 + 1);
            });
            // A sender relayed on node 1 (the pair lives on the sender's node).
            RelayConnection relayedOnNode1 = throughNode1.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            relayedOnNode1.sendText("before the kill").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(relayedOnNode1.receive(TIMEOUT)).isNotNull().extracting(RelayMessage::asText)
                    .isEqualTo("before the kill");
            // Two senders on node 2 wait for the listener on node 1, which got their accepts and does nothing.
            long pendingSince = System.nanoTime();
            CompletableFuture<RelayConnection> pending = waiting.connect();
            CompletableFuture<Long> pendingAnswered = pending.handle((connection, failure) -> System.nanoTime());
            await().atMost(TIMEOUT).until(() -> holding.accepts().size() == 1);
            CompletableFuture<RelayConnection> late = acceptedLate.connect();
            await().atMost(TIMEOUT).until(() -> holding.accepts().size() == 2);

            node1.kill();
            long killed = System.nanoTime();
            // The rendezvous is on the sender's node: a listener holding an accept still completes it.
            URI lateAddress = URI.create(holding.accepts().get(1).address());
            assertThat(lateAddress.getHost()).isEqualTo(node2.address());
            WsPeer lateListener = WsPeer.connect(HTTP, lateAddress, Map.of()).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
            RelayConnection lateSender = late.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            lateSender.sendText("accepted after the listener's node died").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(lateListener.next(TIMEOUT).asText()).isEqualTo("accepted after the listener's node died");
            lateSender.abort();
            lateListener.socket().abort();
            assertThat(relayedOnNode1.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).code())
                    .as("the connection of a sender relayed on the killed node").isEqualTo(RelayCloseStatus.ABNORMAL);

            await().atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(listeners).allMatch(HybridConnectionListener::isOnline);
                assertThat(node2.members()).doesNotContain(node1.member());
                assertThat(node2.listenersOf(node2) + node2.listenersOf(node3)).isEqualTo(6);
            });
            long listenersBack = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            long relayedAgain = awaitRelayedInTurn(sender, killed);
            assertThat(Duration.ofMillis(relayedAgain)).isLessThanOrEqualTo(RECOVERY_BOUND);

            for (ClusterNode node : List.of(node2, node3)) {
                assertThat(node.members()).as("members %s sees", node)
                        .containsExactlyInAnyOrder(node2.member(), node3.member());
                assertThat(clusterListeners(node)).as("listeners in %s's directory: none of node 1", node)
                        .isEqualTo(6);
                assertThat(node.resolve(PUBLIC_NAME)).containsExactlyInAnyOrder("127.0.1.32 ttl 10",
                        "127.0.1.33 ttl 10");
            }
            assertThat(reconnects.get()).as("reconnect attempts").isGreaterThanOrEqualTo(2);
            Throwable refused = awaitFailure(pending, RENDEZVOUS_TIMEOUT.plusSeconds(10));
            assertThat(refused).isInstanceOfSatisfying(RelayHandshakeException.class,
                    handshake -> assertThat(handshake.statusCode()).isEqualTo(404));
            long pendingMillis = TimeUnit.NANOSECONDS.toMillis(pendingAnswered.join() - pendingSince);
            System.out.printf("cluster kill: node 1's listeners back on nodes 2/3 %d ms after SIGKILL (%d "
                    + "reconnect attempts), senders relayed again after %d ms (bound %d s); the sender waiting "
                    + "for node 1's listener got 404 %d ms after its request (rendezvous timeout %d s)%n",
                    listenersBack, reconnects.get(), relayedAgain, RECOVERY_BOUND.toSeconds(), pendingMillis,
                    RENDEZVOUS_TIMEOUT.toSeconds());
            assertThat(Duration.ofMillis(pendingMillis)).isLessThanOrEqualTo(RENDEZVOUS_TIMEOUT.plusSeconds(3));
        } finally {
            listeners.forEach(HybridConnectionListener::close);
        }
    }

    /**
     * Nodes 1-3 in one cluster: a test that stops or kills a node starts from there, whatever the test before it left
     * behind (a node still merging back after a failure would answer DNS with its own side only).
     */
    private static void awaitThreeNodes() {
        for (ClusterNode node : List.of(node1, node2, node3)) {
            node.awaitMembers(3, STARTUP);
        }
    }

    /**
     * A listener of {@link #CROWDED} on {@code node}. While the cluster's partitions still move after the split, a
     * registration may find no answer in time, which is 503: the listener tries again, as any listener does; any
     * other refusal fails the test.
     */
    private static TestListener crowdedListener(ClusterNode node) {
        AtomicReference<TestListener> connected = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                connected.set(TestListener.connect(HTTP, node.listenUri(CROWDED), TestGateway.token(CROWDED),
                        new TestListener.Mode.Echo()));
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException refused) {
                    int status = refused.getResponse().statusCode();
                    if (status == 503) {
                        return false;
                    }
                    throw new AssertionError("a listener of " + CROWDED + " on " + node + " refused " + status, e);
                }
                throw e;
            }
        });
        return connected.get();
    }

    /**
     * Milliseconds from {@code since} until six senders in a row (each resolving the public name, so every live
     * node in turn) are relayed; failures before that are the recovery.
     */
    private static long awaitRelayedInTurn(HybridConnectionClient sender, long since) {
        AtomicInteger inARow = new AtomicInteger();
        long[] firstOfRow = new long[1];
        await().atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> {
            long attempt = System.nanoTime();
            try {
                echo(sender, "after the kill");
                if (inARow.getAndIncrement() == 0) {
                    firstOfRow[0] = attempt;
                }
            } catch (Exception e) {
                inARow.set(0);
            }
            return inARow.get() >= 6;
        });
        return TimeUnit.NANOSECONDS.toMillis(firstOfRow[0] - since);
    }

    private static Throwable awaitFailure(CompletableFuture<?> future, Duration timeout) throws Exception {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the connect succeeded");
    }

    /**
     * Connects, sends {@code text}, checks the echo and closes.
     *
     * @return the address of the node the sender reached
     */
    private static String echo(HybridConnectionClient client, String text) throws Exception {
        RelayConnection connection = client.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            connection.sendText(text).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RelayMessage echoed = connection.receive(TIMEOUT);
            assertThat(echoed).isNotNull();
            assertThat(echoed.asText()).isEqualTo(text);
            connection.close(1000, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return connection.remoteAddress().getAddress().getHostAddress();
        } finally {
            connection.abort();
        }
    }

    /** An echoing listener; records the host of every accept address it gets in {@code acceptHosts}. */
    private static HybridConnectionListener echoListener(URI namespace, String entity,
                                                         @Nullable DnsHostResolver resolver,
                                                         @Nullable List<String> acceptHosts) {
        return HybridConnectionListener.builder().endpoint(namespace, entity, tokens()).resolver(resolver)
                .acceptHandler(accept -> {
                    if (acceptHosts != null) {
                        acceptHosts.add(URI.create(accept.address()).getHost());
                    }
                    return AcceptDecision.accept();
                })
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .build();
    }

    private static HybridConnectionClient client(URI namespace, String entity, @Nullable DnsHostResolver resolver) {
        return HybridConnectionClient.builder().endpoint(namespace, entity, tokens()).resolver(resolver)
                .connectTimeout(TIMEOUT).build();
    }

    private static TokenProvider tokens() {
        return (audience, validFor) -> SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME,
                TestGateway.KEY, Instant.now().plus(validFor));
    }

    /** {@code relay_cluster_listeners} on {@code node}'s {@code /metrics}: every listener in its directory. */
    private static int clusterListeners(ClusterNode node) throws Exception {
        Matcher matcher = CLUSTER_LISTENERS.matcher(node.management("/metrics"));
        assertThat(matcher.find()).as("relay_cluster_listeners on %s", node).isTrue();
        return (int) Double.parseDouble(matcher.group(1));
    }

    private static ClusterNode start(String address, String members) {
        ClusterNode node = ClusterNode.start(address, members, ENTITIES);
        NODES.add(node);
        return node;
    }


    /** Senders one after another on each node, each relayed, echoed and closed, until {@link #stop()}. */
    private static final class Traffic implements AutoCloseable {

        private final List<HybridConnectionClient> clients = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger relayed = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();

        Traffic(List<ClusterNode> nodes, String entity) {
            for (ClusterNode node : nodes) {
                HybridConnectionClient client = client(node.namespaceUri(), entity, null);
                clients.add(client);
                Thread thread = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        try {
                            echo(client, "through " + node.address() + " #" + i);
                            relayed.incrementAndGet();
                        } catch (Exception | AssertionError e) {
                            failures.add(node + " #" + i + ": " + e);
                        }
                    }
                }, "traffic-" + node.address());
                threads.add(thread);
                thread.start();
            }
        }

        int relayed() {
            return relayed.get();
        }

        List<String> failures() {
            return failures;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TIMEOUT.toMillis() * 3);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            clients.forEach(HybridConnectionClient::close);
        }
    }
}

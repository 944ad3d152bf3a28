package dev.relaysim.relay.gateway.internal.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three gateway nodes as separate JVMs on 127.0.1.41-43 (a fourth on 127.0.1.44 for the kill): HTTP request mode
 * across nodes (a request to node 2 answered by a listener on node 1, inline on its control channel and over a
 * rendezvous on node 2, with the single node's 504 and 502), and the limits counted across the nodes (relayed
 * connections per namespace, waiting senders per hybrid connection), a killed node's places given back.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterRoutingIntegrationTest {

    private static final String HTTP = "http";
    private static final String HYCO = "hyco";
    private static final String NOBODY = "nobody";
    private static final String QUOTA = "quota";
    private static final String PENDING = "pending";
    private static final List<String> ENTITIES = List.of(HTTP, HYCO, NOBODY, QUOTA, PENDING);
    private static final String MEMBERS = "127.0.1.41,127.0.1.42,127.0.1.43";
    private static final int MAX_RELAYED_PER_NAMESPACE = 4;
    private static final int MAX_PENDING_PER_ENTITY = 2;
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final String VIA = "1.1 " + TestGateway.HOST;

    /** How long a listener on one node may take to show in another node's directory. */
    private static final Duration LISTENER_SPREAD = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<ClusterNode> NODES = new ArrayList<>();
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;

    @BeforeAll
    static void startNodes() {
        node1 = start("127.0.1.41", MEMBERS);
        node2 = start("127.0.1.42", MEMBERS);
        node3 = start("127.0.1.43", MEMBERS);
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

    /** Every test's listeners are on node 1: the next test starts when the others no longer see them. */
    @AfterEach
    void awaitListenersGone() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(node2.listenersOf(node1)).isZero();
            assertThat(node3.listenersOf(node1)).isZero();
        });
    }

    @Test
    @Timeout(120)
    void aRequestToNode2IsAnsweredInlineByAListenerOnNode1() throws Exception {
        WsPeer control = listen(node1, HTTP);
        try {
            node2.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(request(node2, HTTP, "/sfx?a=1")
                    .header("X-Multi", "one").POST(BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());

            RequestCommand command = (RequestCommand) ControlCommandCodec.decode(control.next(Duration.ofSeconds(30))
                    .asText());
            WsPeer.Message body = control.next(Duration.ofSeconds(10));
            assertThat(command.isAddressOnly()).isFalse();
            assertThat(command.method()).isEqualTo("POST");
            assertThat(command.requestTarget()).isEqualTo("/" + HTTP + "/sfx?a=1");
            assertThat(command.requestHeaders()).containsEntry("X-Multi", "one");
            URI address = URI.create(command.address());
            assertThat(address.getHost()).as("the request address is the sender's node's").isEqualTo(node2.address());
            assertThat(address.getPort()).isBetween(9400, 9409);
            assertThat(new String(body.data(), StandardCharsets.UTF_8)).isEqualTo("hello");

            control.socket().sendText(ControlCommandCodec.encode(new ResponseCommand(command.id(), 201, "Made",
                    Map.of("X-R", "1"), true)), true).get(10, TimeUnit.SECONDS);
            control.socket().sendBinary(ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)), false)
                    .get(10, TimeUnit.SECONDS);
            control.socket().sendBinary(ByteBuffer.wrap("cd".getBytes(StandardCharsets.UTF_8)), true)
                    .get(10, TimeUnit.SECONDS);

            HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(201);
            assertThat(answer.body()).isEqualTo("abcd");
            assertThat(answer.headers().firstValue("x-r")).hasValue("1");
            assertThat(answer.headers().firstValue("via")).hasValue(VIA);

            // The cost of the cross-node request: to the listener's node and to another, alternating.
            long[] local = new long[15];
            long[] remote = new long[15];
            for (int i = 0; i < local.length; i++) {
                local[i] = timedRequest(node1, control);
                remote[i] = timedRequest(node2, control);
            }
            System.out.printf("cluster HTTP request: small request and response, median of %d: listener's node "
                    + "%.2f ms, other node %.2f ms%n", local.length, median(local), median(remote));
        } finally {
            control.socket().abort();
        }
    }

    @Test
    @Timeout(120)
    void aLargeRequestAndItsResponseGoOverARendezvousOnTheSendersNode() throws Exception {
        WsPeer control = listen(node1, HTTP);
        try {
            node3.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            byte[] payload = random(200_000);
            CompletableFuture<HttpResponse<byte[]>> response = CLIENT.sendAsync(request(node3, HTTP, "?big")
                    .PUT(BodyPublishers.ofByteArray(payload)).build(), BodyHandlers.ofByteArray());

            RequestCommand addressOnly = (RequestCommand) ControlCommandCodec.decode(
                    control.next(Duration.ofSeconds(30)).asText());
            assertThat(addressOnly.isAddressOnly()).isTrue();
            assertThat(URI.create(addressOnly.address()).getHost()).isEqualTo(node3.address());

            WsPeer rendezvous = WsPeer.connect(CLIENT, URI.create(addressOnly.address()), Map.of())
                    .get(20, TimeUnit.SECONDS);
            RequestCommand full = (RequestCommand) ControlCommandCodec.decode(rendezvous.next(Duration.ofSeconds(10))
                    .asText());
            assertThat(full.method()).isEqualTo("PUT");
            assertThat(rendezvous.next(Duration.ofSeconds(20)).data()).isEqualTo(payload);

            byte[] answerBody = random(300_000);
            rendezvous.socket().sendText(ControlCommandCodec.encode(new ResponseCommand(full.id(), 200, null,
                    Map.of(), true)), true).get(10, TimeUnit.SECONDS);
            rendezvous.socket().sendBinary(ByteBuffer.wrap(answerBody), true).get(10, TimeUnit.SECONDS);

            HttpResponse<byte[]> answer = response.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(answerBody);
            assertThat(answer.headers().firstValue("via")).hasValue(VIA);
        } finally {
            control.socket().abort();
        }
    }

    @Test
    @Timeout(120)
    void statusCodesAcrossNodesAreTheSingleNodesOnes() throws Exception {
        assertThat(CLIENT.send(request(node2, NOBODY, "").GET().build(), BodyHandlers.ofString()).statusCode())
                .as("no listener on any node").isEqualTo(502);

        WsPeer control = listen(node1, HTTP);
        try {
            node2.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            long start = System.nanoTime();
            HttpResponse<String> silent = CLIENT.send(request(node2, HTTP, "?silent").GET().build(),
                    BodyHandlers.ofString());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(silent.statusCode()).as("the listener does not answer").isEqualTo(504);
            assertThat(silent.body()).contains("did not respond within " + RESPONSE_TIMEOUT.toMillis() + " ms");
            assertThat(waited).isGreaterThanOrEqualTo(RESPONSE_TIMEOUT.toMillis() - 100);
            ResponseCommand late = new ResponseCommand(((RequestCommand) ControlCommandCodec.decode(
                    control.next(Duration.ofSeconds(10)).asText())).id(), 200, null, Map.of(), false);
            control.socket().sendText(ControlCommandCodec.encode(late), true).get(10, TimeUnit.SECONDS);

            CompletableFuture<HttpResponse<String>> gone = CLIENT.sendAsync(request(node2, HTTP, "?gone").GET()
                    .build(), BodyHandlers.ofString());
            assertThat(control.next(Duration.ofSeconds(30)).asText()).contains("?gone");
            control.socket().abort();
            assertThat(gone.get(30, TimeUnit.SECONDS).statusCode()).as("the listener went away before it answered")
                    .isEqualTo(502);
        } finally {
            control.socket().abort();
        }
    }

    @Test
    @Timeout(300)
    void hycoHttpsListenerOnNode1AnswersRequestsToNodes2And3() throws Exception {
        NodeClients node = NodeClients.install();
        try (NodeProcess listener = node.start("hyco-https-listener.js", Map.of(), node1.listenUri(HYCO).toString(),
                TestGateway.KEY_NAME, TestGateway.KEY, "echo", "20")) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(listener.lines()).as("%s", listener).contains("listening"));
            node2.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            node3.awaitListenersOf(node1, 1, LISTENER_SPREAD);

            for (ClusterNode sender : List.of(node2, node3)) {
                for (int size : new int[] {0, 1000, 70_000, 300_000}) {
                    HttpResponse<byte[]> response = CLIENT.send(request(sender, HYCO, "?size=" + size).GET().build(),
                            BodyHandlers.ofByteArray());
                    assertThat(response.statusCode()).as("GET %d bytes via %s: %s", size, sender, listener)
                            .isEqualTo(200);
                    assertThat(response.body()).isEqualTo(pattern(size));
                    assertThat(response.headers().firstValue("via")).hasValue(VIA);
                }
                for (int size : new int[] {1000, 200_000}) {
                    byte[] body = random(size);
                    HttpResponse<byte[]> echoed = CLIENT.send(request(sender, HYCO, "").POST(
                            BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());
                    assertThat(echoed.statusCode()).as("POST %d bytes via %s: %s", size, sender, listener)
                            .isEqualTo(200);
                    assertThat(echoed.headers().firstValue("x-received-length")).hasValue(String.valueOf(size));
                    assertThat(echoed.body()).isEqualTo(body);
                }
            }
            HttpResponse<String> status = CLIENT.send(request(node2, HYCO, "?status=418&reason=Teapot").GET().build(),
                    BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(418);
            assertThat(status.headers().firstValue("x-listener")).hasValue("hyco-https");
        }
    }

    @Test
    @Timeout(180)
    void relayedConnectionsPerNamespaceAreCountedAcrossTheNodes() throws Exception {
        try (TestListener listener = TestListener.connect(CLIENT, node1.listenUri(QUOTA), TestGateway.token(QUOTA),
                new TestListener.Mode.Echo())) {
            node2.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            node3.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            List<WsPeer> senders = new ArrayList<>();
            try {
                for (ClusterNode node : List.of(node1, node2, node3, node2)) {
                    senders.add(connectAndEcho(node, QUOTA));
                }
                for (ClusterNode node : List.of(node3, node1)) {
                    assertThat(status(node, QUOTA)).as("sender %d on %s", MAX_RELAYED_PER_NAMESPACE + 1, node)
                            .isEqualTo(403);
                }
                senders.remove(0).socket().abort();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(status(node3, QUOTA)).isEqualTo(101));
            } finally {
                senders.forEach(sender -> sender.socket().abort());
            }
        }
    }

    @Test
    @Timeout(180)
    void waitingSendersPerHybridConnectionAreCountedAcrossTheNodes() throws Exception {
        try (TestListener listener = TestListener.connect(CLIENT, node1.listenUri(PENDING),
                TestGateway.token(PENDING), new TestListener.Mode.Ignore())) {
            node2.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            node3.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            List<Socket> waiting = new ArrayList<>();
            try {
                waiting.add(holdSender(node2, PENDING));
                waiting.add(holdSender(node3, PENDING));
                await().atMost(Duration.ofSeconds(20)).until(() -> listener.accepts().size() == 2);

                assertThat(status(node1, PENDING)).as("a third waiting sender, on the listener's node")
                        .isEqualTo(429);
                waiting.remove(0).close();
                // A place given back: a sender on node 1 waits (the listener gets its accept) instead of a 429.
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Socket sender = holdSender(node1, PENDING);
                    if (answer(sender, Duration.ofSeconds(1)).isEmpty()) {
                        waiting.add(sender);
                        return true;
                    }
                    sender.close();
                    return false;
                });
                await().atMost(Duration.ofSeconds(20)).until(() -> listener.accepts().size() == 3);
            } finally {
                for (Socket socket : waiting) {
                    socket.close();
                }
            }
        }
    }

    @Test
    @Timeout(360)
    void aKilledNodesPlacesAreGivenBack() throws Exception {
        ClusterNode node4 = start("127.0.1.44", "127.0.1.41,127.0.1.44");
        try (TestListener listener = TestListener.connect(CLIENT, node1.listenUri(QUOTA), TestGateway.token(QUOTA),
                new TestListener.Mode.Echo())) {
            node4.awaitMembers(4, STARTUP);
            node2.awaitMembers(4, STARTUP);
            node4.awaitListenersOf(node1, 1, LISTENER_SPREAD);
            List<WsPeer> onNode4 = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                onNode4.add(connectAndEcho(node4, QUOTA));
                assertThat(onNode4).hasSize(MAX_RELAYED_PER_NAMESPACE);
            });
            assertThat(status(node2, QUOTA)).as("the namespace's places are all on node 4").isEqualTo(403);

            node4.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(status(node2, QUOTA)).isEqualTo(101));
            System.out.printf("cluster: a killed node's places under the namespace limit were given back after %d "
                    + "ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        } finally {
            node4.kill();
        }
    }

    private static ClusterNode start(String address, String members) {
        ClusterNode node = ClusterNode.start(address, members, ENTITIES, settings -> {
            ((ObjectNode) settings.get("protocol")).put("responseTimeout", RESPONSE_TIMEOUT.toSeconds() + "s");
            settings.putObject("limits").put("maxRelayedConnectionsPerNamespace", MAX_RELAYED_PER_NAMESPACE)
                    .put("maxPendingRendezvousPerEntity", MAX_PENDING_PER_ENTITY);
        });
        NODES.add(node);
        return node;
    }

    /** A listener's control channel made of a JDK WebSocket, whose commands go to its messages. */
    private static WsPeer listen(ClusterNode node, String entity) throws Exception {
        return WsPeer.connect(CLIENT, node.listenUri(entity), Map.of("ServiceBusAuthorization",
                TestGateway.token(entity))).get(20, TimeUnit.SECONDS);
    }

    private static HttpRequest.Builder request(ClusterNode node, String entity, String suffix) {
        return HttpRequest.newBuilder(node.httpUri(entity, suffix)).timeout(Duration.ofSeconds(60))
                .header("ServiceBusAuthorization", TestGateway.token(entity));
    }

    private static WsPeer connectAndEcho(ClusterNode node, String entity) throws Exception {
        WsPeer sender = WsPeer.connect(CLIENT, node.connectUri(entity), Map.of("ServiceBusAuthorization",
                TestGateway.token(entity))).get(20, TimeUnit.SECONDS);
        sender.sendText("to " + node).get(10, TimeUnit.SECONDS);
        assertThat(sender.next(Duration.ofSeconds(10)).asText()).isEqualTo("to " + node);
        return sender;
    }

    private static int status(ClusterNode node, String entity) throws Exception {
        return WsPeer.upgradeStatus(CLIENT, node.connectUri(entity), TestGateway.token(entity));
    }

    /** A sender whose upgrade request waits for an accept (the socket stays open until closed). */
    private static Socket holdSender(ClusterNode node, String entity) throws IOException {
        Socket socket = new Socket(node.address(), Integer.parseInt(ClusterNode.PLAIN_PORT));
        URI uri = node.connectUri(entity);
        socket.getOutputStream().write(RawHttp.upgradeRequest(uri.getRawPath() + '?' + uri.getRawQuery(),
                node.address(), "ServiceBusAuthorization: " + TestGateway.token(entity))
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The status line a held sender got within {@code wait}, or empty when it still waits. */
    private static Optional<String> answer(Socket sender, Duration wait) throws IOException {
        sender.setSoTimeout((int) wait.toMillis());
        try {
            String line = new BufferedReader(new InputStreamReader(sender.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Optional.of(line == null ? "closed" : line);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    /** Microseconds of a small GET answered inline by {@code control} through {@code node}. */
    private static long timedRequest(ClusterNode node, WsPeer control) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(request(node, HTTP, "?timed").GET()
                .build(), BodyHandlers.ofString());
        RequestCommand command = (RequestCommand) ControlCommandCodec.decode(control.next(Duration.ofSeconds(10))
                .asText());
        control.socket().sendText(ControlCommandCodec.encode(new ResponseCommand(command.id(), 200, null, Map.of(),
                true)), true).get(10, TimeUnit.SECONDS);
        control.socket().sendBinary(ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), true)
                .get(10, TimeUnit.SECONDS);
        assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    }

    private static double median(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** What hyco-https-listener.js answers {@code GET ?size=N}: byte i is i % 251. */
    private static byte[] pattern(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i % 251);
        }
        return body;
    }
}

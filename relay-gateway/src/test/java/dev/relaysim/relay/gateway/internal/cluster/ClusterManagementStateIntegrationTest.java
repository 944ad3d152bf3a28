package dev.relaysim.relay.gateway.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.internal.registry.NamespaceStateFile;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The management state shared by three gateway nodes as separate JVMs on 127.0.1.21-23 (a fourth joins later on
 * 127.0.1.24), each with its own ports so that all of them can serve the same private endpoint address: what is
 * created through one node's ARM-shaped API is usable on another within milliseconds, a private endpoint connection
 * rejected through node 3's API closes the connections that came through that endpoint on nodes 1 and 2 with 1008 and
 * is saved there, and a node joining later takes the cluster's state and saves it.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterManagementStateIntegrationTest {

    private static final String MEMBERS = "127.0.1.21,127.0.1.22,127.0.1.23";
    private static final String PE_ON_NODE_1 = "pe-one";
    private static final String PE_ON_NODE_2 = "pe-two";
    private static final List<String> ENTITIES = List.of(PE_ON_NODE_1, PE_ON_NODE_2);
    /** A simulated virtual network of this test's own, in its 127.0.12.x block. */
    private static final String VNET = ManagementApi.VIRTUAL_NETWORKS + "vnet-shared";
    private static final String ENDPOINT_NAME = "pe-shared";
    private static final String ENDPOINT_ADDRESS = "127.0.12.132";
    private static final String VM = "127.0.12.140";
    private static final String SANDBOX = ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE;
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final List<ClusterNode> NODES = new ArrayList<>();
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;
    private static RelayWebSocketClient vm;

    @BeforeAll
    static void startNodes() throws Exception {
        node1 = start("127.0.1.21", MEMBERS, 1);
        node2 = start("127.0.1.22", MEMBERS, 2);
        node3 = start("127.0.1.23", MEMBERS, 3);
        for (ClusterNode node : List.of(node1, node2, node3)) {
            node.awaitMembers(3, STARTUP);
        }
        vm = new RelayWebSocketClient(null, RelayClientConfig.defaults(), null, InetAddress.getByName(VM));
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        if (vm != null) {
            vm.close();
        }
        for (ClusterNode node : NODES) {
            node.close();
        }
    }

    @Test
    @Timeout(120)
    void aNamespaceAndHybridConnectionsCreatedOnNode1AreUsableOnNode2() throws Exception {
        String namespace = ManagementApi.RELAY_NAMESPACES + "created-on-one";
        assertThat(node1.arm("PUT", namespace, "{\"location\": \"westeurope\"}").statusCode()).isEqualTo(201);
        json(node1.arm("PUT", namespace + "/hybridConnections/orders",
                "{\"properties\": {\"requiresClientAuthorization\": true}}"), 200);
        json(node1.arm("PUT", SANDBOX + "/hybridConnections/created-hc", "{}"), 200);
        long created = System.nanoTime();

        // The other nodes apply the changes in their order: once the last is there, the others are too.
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> assertThat(node2.arm("GET",
                SANDBOX + "/hybridConnections/created-hc", null).statusCode()).isEqualTo(200));
        System.out.printf("cluster management state: a change made on node 1 was applied on node 2 after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - created));
        json(node2.arm("GET", namespace + "/hybridConnections/orders", null), 200);
        String keys = namespace + "/authorizationRules/RootManageSharedAccessKey/listKeys";
        String key = json(node2.arm("POST", keys, null), 200).path("primaryKey").asText();
        assertThat(key).isEqualTo(json(node1.arm("POST", keys, null), 200).path("primaryKey").asText());
        String host = "created-on-one.servicebus.windows.net";
        String token = SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(host, "orders"),
                "RootManageSharedAccessKey", key, Instant.now().plus(Duration.ofHours(1)));
        try (Socket socket = new Socket(node2.address(), node2.plainPort())) {
            // The listener's upgrade stays open: only its status line is read.
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(RawHttp.upgradeRequest("/$hc/orders?sb-hc-action=listen", host,
                    HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token)
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine()).as("a listener of the new namespace's hybrid connection on node 2")
                    .startsWith("HTTP/1.1 101");
        }

        try (TestListener listener = TestListener.connect(CLIENT, node2.listenUri("created-hc"),
                TestGateway.token("created-hc"), new TestListener.Mode.Echo())) {
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node1.listenersOf(node2)).isPositive());
            WsPeer sender = WsPeer.connect(CLIENT, node1.connectUri("created-hc"), Map.of("ServiceBusAuthorization",
                    TestGateway.token("created-hc"))).get(20, TimeUnit.SECONDS);
            sender.sendText("made on node 1, heard on node 2").get(10, TimeUnit.SECONDS);
            assertThat(sender.next(TIMEOUT).asText()).isEqualTo("made on node 1, heard on node 2");
            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(180)
    void aPrivateEndpointRejectedThroughNode3ClosesItsConnectionsOnNodes1And2With1008() throws Exception {
        json(node1.arm("PUT", VNET, """
                {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["127.0.12.128/25"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.0.12.128/26"}}]}}"""), 201);
        JsonNode endpoint = json(node1.arm("PUT", ManagementApi.PRIVATE_ENDPOINTS + ENDPOINT_NAME, """
                {"location": "westeurope", "properties": {"subnet": {"id": "%s/subnets/default"},
                 "privateLinkServiceConnections": [{"name": "sandbox-connection", "properties": {
                 "privateLinkServiceId": "%s", "groupIds": ["namespace"]}}]}}""".formatted(VNET, SANDBOX)), 201);
        assertThat(endpoint.at("/properties/customDnsConfigs/0/ipAddresses/0").asText()).isEqualTo(ENDPOINT_ADDRESS);
        for (ClusterNode node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(20)).ignoreException(ConnectException.class).untilAsserted(() -> {
                try (Socket probe = new Socket(ENDPOINT_ADDRESS, node.plainPort())) {
                    assertThat(probe.isConnected()).as("%s serves the endpoint address", node).isTrue();
                }
            });
        }
        Relayed onNode1 = relayThroughEndpoint(node1, PE_ON_NODE_1);
        Relayed onNode2 = relayThroughEndpoint(node2, PE_ON_NODE_2);

        json(node3.arm("PUT", SANDBOX + "/privateEndpointConnections/" + ENDPOINT_NAME,
                ManagementApi.connectionStateBody("Rejected")), 200);

        RelayCloseStatus rejected = new RelayCloseStatus(1008, NetworkGuard.ENDPOINT_REJECTED);
        for (Relayed relayed : List.of(onNode1, onNode2)) {
            assertThat(relayed.sender().closeFuture().get(20, TimeUnit.SECONDS)).isEqualTo(rejected);
            assertThat(relayed.listener().closeFuture().get(20, TimeUnit.SECONDS)).isEqualTo(rejected);
            assertThat(relayed.control().closeFuture().get(20, TimeUnit.SECONDS)).isEqualTo(rejected);
        }
        for (ClusterNode node : List.of(node1, node2)) {
            assertThat(json(node.arm("GET", SANDBOX + "/privateEndpointConnections/" + ENDPOINT_NAME, null), 200)
                    .at("/properties/privateLinkServiceConnectionState/status").asText()).isEqualTo("Rejected");
            Path saved = Path.of("target", "cluster-nodes", node.address(), NetworkStateFile.FILE_NAME);
            assertThat(Files.readString(saved)).as("%s saved the rejection", node).contains("\"Rejected\"");
        }
    }

    @Test
    @Timeout(360)
    void aNodeJoiningLaterTakesTheClusterStateAndSavesIt() throws Exception {
        json(node2.arm("PUT", SANDBOX + "/hybridConnections/before-node-4", "{}"), 200);
        ClusterNode node4 = start("127.0.1.24", "127.0.1.21,127.0.1.24", 4);
        try {
            node4.awaitMembers(4, STARTUP);
            json(node4.arm("GET", SANDBOX + "/hybridConnections/before-node-4", null), 200);
            Path saved = Path.of("target", "cluster-nodes", node4.address(), NamespaceStateFile.FILE_NAME);
            assertThat(Files.readString(saved)).contains("before-node-4");
            assertThat(node4.log()).contains("management state: took the cluster's version");

            json(node4.arm("PUT", SANDBOX + "/hybridConnections/made-on-node-4", "{}"), 200);
            for (ClusterNode node : List.of(node1, node2, node3)) {
                await().atMost(TIMEOUT).untilAsserted(() -> assertThat(node.arm("GET",
                        SANDBOX + "/hybridConnections/made-on-node-4", null).statusCode()).isEqualTo(200));
            }
        } finally {
            node4.close();
        }
    }

    /** A listener's control channel, a sender and the listener's side of their pair: all through the endpoint. */
    private record Relayed(RelayConnection control, RelayConnection sender, RelayConnection listener) {
    }

    /** A listener and a sender on {@code entity}, both reaching {@code node} through the private endpoint. */
    private static Relayed relayThroughEndpoint(ClusterNode node, String entity) throws Exception {
        String base = "ws://" + ENDPOINT_ADDRESS + ':' + node.plainPort() + "/$hc/" + entity + "?sb-hc-action=";
        RelayConnection control = vm.connect(URI.create(base + "listen"), authorization(entity), null, TIMEOUT)
                .get(20, TimeUnit.SECONDS);
        var sender = vm.connect(URI.create(base + "connect"), authorization(entity), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        assertThat(URI.create(accept.address()).getHost()).isEqualTo(ENDPOINT_ADDRESS);
        RelayConnection listener = vm.connect(URI.create(accept.address()), new DefaultHttpHeaders(), null, TIMEOUT)
                .get(20, TimeUnit.SECONDS);
        Relayed relayed = new Relayed(control, sender.get(20, TimeUnit.SECONDS), listener);
        relayed.sender().sendText("through the endpoint on " + node).get(10, TimeUnit.SECONDS);
        assertThat(relayed.listener().receive(TIMEOUT).asText()).isEqualTo("through the endpoint on " + node);
        return relayed;
    }

    private static HttpHeaders authorization(String entity) {
        return new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                TestGateway.token(entity));
    }

    /** Node {@code n}: plain front end 908n, rendezvous ports 94n0-94n9, its data directory emptied first. */
    private static ClusterNode start(String address, String members, int n) throws Exception {
        ClusterNode.deleteDataDirectory(address);
        ClusterNode node = ClusterNode.start(address, members, ENTITIES, 9080 + n,
                "94" + n + "0-94" + n + "9");
        NODES.add(node);
        return node;
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}

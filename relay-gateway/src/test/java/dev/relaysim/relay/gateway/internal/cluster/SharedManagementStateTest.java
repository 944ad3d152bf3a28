package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.Hazelcast;
import dev.relaysim.relay.gateway.config.ClusterSettings;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.registry.NamespaceStateFile;
import dev.relaysim.relay.gateway.network.Admission;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link SharedManagementState} with two embedded Hazelcast members in this JVM on 127.0.12.1 and 127.0.12.2 (a third
 * joins later on 127.0.12.3), each with its own registry, network state and state files, as a gateway node has them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedManagementStateTest {

    private static final List<String> MEMBERS = List.of("127.0.12.1", "127.0.12.2", "127.0.12.3");
    private static final Duration APPLIED = Duration.ofSeconds(20);

    @TempDir
    static Path dataDirectories;

    private static Node first;
    private static Node second;

    /** A member with what a gateway node shares, the changes announced to its listeners and its state files. */
    private record Node(HazelcastCluster cluster, NamespaceRegistry registry, NetworkState network,
                        List<NamespaceRegistry.Change> registryChanges, List<NetworkModel> networkChanges, Path data) {

        static Node start(String address, List<NamespaceConfig> namespaces) throws Exception {
            Path directory = Files.createDirectories(dataDirectories.resolve(address));
            GatewayConfig config = TestGateway.builder().namespaces(namespaces, TestGateway.NAMESPACE)
                    .config(directory, new PortRange(9400, 9409));
            NamespaceRegistry registry = new NamespaceRegistry(config);
            NetworkState network = new NetworkState(config.networkModel());
            registry.storeWith(new NamespaceStateFile(directory)::write);
            network.storeWith(new NetworkStateFile(directory)::write);
            HazelcastCluster cluster = HazelcastCluster.start(new ClusterSettings(MEMBERS, address,
                    ClusterSettings.DEFAULT_PORT), address, registry);
            cluster.shareManagementState(registry, network);
            Node node = new Node(cluster, registry, network, new CopyOnWriteArrayList<>(),
                    new CopyOnWriteArrayList<>(), directory);
            registry.onChange(node.registryChanges()::add);
            network.onChange(node.networkChanges()::add);
            return node;
        }

        List<String> entities() {
            return registry.namespace(TestGateway.NAMESPACE).orElseThrow().hybridConnections().stream()
                    .map(HybridConnection::name).toList();
        }

        void addEntity(String name) {
            registry.update(namespaces -> namespaces.stream().map(namespace -> namespace.name()
                    .equals(TestGateway.NAMESPACE) ? withEntity(namespace, name) : namespace).toList());
        }

        String savedNamespaces() throws Exception {
            return Files.readString(data.resolve(NamespaceStateFile.FILE_NAME));
        }

        long version() {
            return cluster.managementState().appliedVersion();
        }
    }

    @BeforeAll
    static void startMembers() throws Exception {
        first = Node.start("127.0.12.1", TestGateway.defaultNamespaces());
        second = Node.start("127.0.12.2", TestGateway.defaultNamespaces());
        await().atMost(Duration.ofSeconds(60)).until(() -> first.cluster().members().size() == 2);
    }

    @AfterAll
    static void stopMembers() {
        for (Node node : new Node[] {second, first}) {
            if (node != null) {
                node.cluster().close();
            }
        }
    }

    @Test
    void aHybridConnectionCreatedOnOneNodeIsThereOnTheOtherOnceAndNotSentBack() throws Exception {
        int firstChanges = first.registryChanges().size();
        int secondChanges = second.registryChanges().size();
        int secondNetworkChanges = second.networkChanges().size();

        first.addEntity("created-on-first");

        await().atMost(APPLIED).untilAsserted(() -> assertThat(second.entities()).contains("created-on-first"));
        assertThat(second.savedNamespaces()).contains("created-on-first");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(first.registryChanges()).as("announced once on the changing node").hasSize(firstChanges + 1);
            assertThat(second.registryChanges()).as("announced once on the other").hasSize(secondChanges + 1);
            assertThat(second.networkChanges()).as("the network state did not change").hasSize(secondNetworkChanges);
        });
        assertThat(second.version()).isEqualTo(first.version());
    }

    @Test
    void aPrivateEndpointRejectedOnOneNodeIsRejectedOnTheOtherAndItsListenersHearIt() throws Exception {
        Inet4Address address = (Inet4Address) InetAddress.getByName("127.0.12.132");
        first.network().update(model -> model.withVirtualNetwork(new VirtualNetwork("vnet-shared", "westeurope",
                        List.of(Ipv4Prefix.parse("127.0.12.128/25")),
                        List.of(new Subnet("default", Ipv4Prefix.parse("127.0.12.128/26"))), List.of()))
                .withNamespace(TestGateway.OTHER_NAMESPACE, namespace -> new NamespaceNetwork(namespace.namespace(),
                        NetworkRuleSet.OPEN, List.of(new PrivateEndpoint("pe-shared", "westeurope", "vnet-shared",
                        "default", address, ConnectionStatus.APPROVED, "Auto-Approved", false)))));
        await().atMost(APPLIED).untilAsserted(() -> assertThat(second.network().current()
                .privateEndpointsByAddress()).containsKey(address));

        second.network().update(model -> model.withNamespace(TestGateway.OTHER_NAMESPACE, namespace ->
                new NamespaceNetwork(namespace.namespace(), namespace.ruleSet(), namespace.privateEndpoints().stream()
                        .map(endpoint -> endpoint.withStatus(ConnectionStatus.REJECTED, "no")).toList())));

        await().atMost(APPLIED).untilAsserted(() -> assertThat(first.networkChanges()).last()
                .satisfies(model -> assertThat(model.privateEndpointsByAddress().get(address).endpoint().status())
                        .isEqualTo(ConnectionStatus.REJECTED)));
        assertThat(Files.readString(first.data().resolve(NetworkStateFile.FILE_NAME))).contains("Rejected");
        assertThat(first.network().current().admit(TestGateway.OTHER_NAMESPACE, address,
                InetAddress.getByName("127.0.12.140"))).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void changesMadeOnBothNodesAtOnceAreAllKeptInOneOrder() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Node node : List.of(first, second)) {
                String prefix = "concurrent-" + (node == first ? "first-" : "second-");
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 8; i++) {
                        node.addEntity(prefix + i);
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        await().atMost(APPLIED).untilAsserted(() -> {
            assertThat(first.entities().stream().filter(name -> name.startsWith("concurrent-"))).hasSize(16);
            assertThat(second.entities()).isEqualTo(first.entities());
            assertThat(second.version()).isEqualTo(first.version());
        });
    }

    @Test
    void aRefusedChangeIsNotShared() {
        long version = first.version();

        assertThatThrownBy(() -> first.registry().update(namespaces -> List.of()))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(first.version()).isEqualTo(version);
        assertThat(second.version()).isEqualTo(version);
    }

    @Test
    void afterASplitBrainHealedTheNodesTakeTheEntryTheClusterKeptInPlaceOfTheirOwnState() {
        List<NamespaceConfig> largerSide = first.registry().configs().stream().map(namespace -> namespace.name()
                .equals(TestGateway.NAMESPACE) ? withEntity(namespace, "kept-by-the-larger-side") : namespace).toList();
        String kept = SharedManagementState.Version.of(first.version(), "the larger side", largerSide,
                first.network().current()).json();
        first.addEntity("made-on-the-smaller-side");
        await().atMost(APPLIED).untilAsserted(() -> assertThat(second.version()).isEqualTo(first.version()));

        // What a healed split brain leaves: the entry of the larger side, other state under a lower number than the
        // smaller side's nodes have, so its event is older than what they have.
        Hazelcast.getHazelcastInstanceByName("relaysim-127.0.12.1-" + ClusterSettings.DEFAULT_PORT)
                .<String, String>getMap(SharedManagementState.MAP).set(SharedManagementState.KEY, kept);
        first.cluster().managementState().resynchronize();
        assertThat(first.entities()).contains("kept-by-the-larger-side").doesNotContain("made-on-the-smaller-side");
        second.addEntity("after-the-merge");

        await().atMost(APPLIED).untilAsserted(() -> {
            for (Node node : List.of(first, second)) {
                assertThat(node.entities()).contains("kept-by-the-larger-side", "after-the-merge")
                        .doesNotContain("made-on-the-smaller-side");
                assertThat(node.savedNamespaces()).contains("after-the-merge")
                        .doesNotContain("made-on-the-smaller-side");
            }
            assertThat(second.version()).isEqualTo(first.version());
        });
    }

    @Test
    void aNodeJoiningLaterTakesTheClusterStateOverItsOwnAndSavesIt() throws Exception {
        first.addEntity("before-the-third");
        List<NamespaceConfig> own = List.of(withEntity(TestGateway.defaultNamespaces().get(0), "only-on-the-third"));
        Node third = Node.start("127.0.12.3", own);
        try {
            assertThat(third.entities()).contains("before-the-third").doesNotContain("only-on-the-third");
            assertThat(third.registry().namespaces().stream().map(Namespace::name))
                    .containsExactlyElementsOf(first.registry().namespaces().stream().map(Namespace::name).toList());
            assertThat(third.savedNamespaces()).contains("before-the-third");
            assertThat(third.version()).isEqualTo(first.version());

            third.addEntity("made-on-the-third");
            await().atMost(APPLIED).untilAsserted(() -> {
                assertThat(first.entities()).contains("made-on-the-third");
                assertThat(second.entities()).contains("made-on-the-third");
            });
        } finally {
            third.cluster().close();
        }
    }

    private static NamespaceConfig withEntity(NamespaceConfig namespace, String name) {
        List<HybridConnectionConfig> entities = new ArrayList<>(namespace.hybridConnections());
        entities.add(new HybridConnectionConfig(name, true, List.of()));
        return new NamespaceConfig(namespace.name(), namespace.hostName(), namespace.authorizationRules(), entities,
                namespace.region(), namespace.networkRuleSet(), namespace.privateEndpoints());
    }
}

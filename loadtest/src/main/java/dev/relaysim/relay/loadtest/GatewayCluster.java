package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * A gateway cluster for the bench: {@code size} nodes, each a {@link GatewayProcess} bound to its own address
 * {@value #ADDRESS_PREFIX}{@value #FIRST_HOST}.. ({@code --node-address}), joined in one Hazelcast cluster
 * ({@code --cluster-members}, Hazelcast's port {@value #MEMBER_PORT} on each address). Every node has the same hybrid
 * connections {@value #ENTITY_PREFIX}0..{@code size-1} and, for TLS, server certificates from one development CA made
 * for the run (its {@code ca.pem} and {@code ca-key.pem} copied into every node's data directory before it starts, as
 * docs/cluster.md tells users to). {@link #start} returns once every node sees all members.
 */
final class GatewayCluster implements AutoCloseable {

    static final String ADDRESS_PREFIX = "127.0.1.";
    static final int FIRST_HOST = 51;
    /** Nodes at most: the bench's addresses are 127.0.1.51-59. */
    static final int MAX_NODES = 9;
    static final String ENTITY_PREFIX = "node-";
    /** The gateway's default {@code cluster.port}: {@code /health} names members {@code address:port}. */
    static final int MEMBER_PORT = 5701;

    /** The CA's key beside its certificate, as the gateway keeps them ({@code <dataDir>/tls/}). */
    private static final String CA_KEY_FILE = "ca-key.pem";
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(180);
    /** A node prints its banner once it has joined: on a busy 2-core machine that took over 60 s. */
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<GatewayProcess> nodes;
    private final List<String> addresses;
    private final Path caPem;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayCluster(List<GatewayProcess> nodes, List<String> addresses, Path caPem) {
        this.nodes = nodes;
        this.addresses = addresses;
        this.caPem = caPem;
    }

    /** The address of node {@code index} (from 0): 127.0.1.51, 127.0.1.52, ... */
    static String address(int index) {
        return ADDRESS_PREFIX + (FIRST_HOST + index);
    }

    /**
     * Starts {@code size} nodes at once, each a JVM with {@code jvmOptions}, and waits until every node's
     * {@code /health} lists all of them.
     */
    static GatewayCluster start(int size, List<String> jvmOptions) throws IOException, InterruptedException {
        if (size < 1 || size > MAX_NODES) {
            throw new IllegalArgumentException("nodes: " + size + " (expected: 1-" + MAX_NODES + ")");
        }
        List<String> addresses = IntStream.range(0, size).mapToObj(GatewayCluster::address).toList();
        String members = String.join(",", addresses);
        Path caDirectory = Files.createTempDirectory("relaysim-bench-cluster-ca");
        Path caPem = DevCertificateAuthority.loadOrCreate(caDirectory, List.of("localhost"), addresses)
                .caCertificatePem();
        ExecutorService starting = Executors.newFixedThreadPool(size);
        List<Future<GatewayProcess>> futures = new ArrayList<>();
        for (String address : addresses) {
            futures.add(starting.submit(() -> GatewayProcess.start(() -> nodeSetup(size, caPem), jvmOptions,
                    List.of("--cluster-members", members, "--node-address", address), address, NODE_START_TIMEOUT)));
        }
        starting.shutdown();
        List<GatewayProcess> nodes = new ArrayList<>();
        IOException failure = null;
        for (Future<GatewayProcess> future : futures) {
            try {
                nodes.add(future.get());
            } catch (ExecutionException e) {
                failure = failure != null ? failure : new IOException("a cluster node did not start: "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
        GatewayCluster cluster = new GatewayCluster(nodes, addresses, caPem);
        try {
            if (failure != null) {
                throw failure;
            }
            cluster.awaitMembers();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** A node's setup: the cluster's hybrid connections and CA, its own data directory and rendezvous ports. */
    private static GatewaySetup nodeSetup(int size, Path caPem) throws IOException {
        GatewaySetup setup = new GatewaySetup(ENTITY_PREFIX, size, Map.of());
        Path nodeCaPem = DevDefaults.caCertificatePem(setup.dataDirectory());
        Files.createDirectories(nodeCaPem.getParent());
        Files.copy(caPem, nodeCaPem, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(caPem.resolveSibling(CA_KEY_FILE), nodeCaPem.resolveSibling(CA_KEY_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        return setup;
    }

    int size() {
        return nodes.size();
    }

    List<GatewayProcess> nodes() {
        return nodes;
    }

    /** The node addresses, in node order. */
    List<String> addresses() {
        return addresses;
    }

    /** The CA certificate (PEM) that issued every node's TLS certificate. */
    Path caCertificatePem() {
        return caPem;
    }

    /** The phases of every node's connections, added together. */
    GatewayPhases phases() {
        return new GatewayPhases(nodes.stream().map(GatewayProcess::management).toList());
    }

    /** The CPU time of all node processes together. */
    long cpuNanos() {
        return nodes.stream().mapToLong(GatewayProcess::cpuNanos).sum();
    }

    /** The part of {@link #cpuNanos()} the nodes' JIT compiler threads used. */
    long jitCpuNanos() {
        return nodes.stream().mapToLong(GatewayProcess::jitCpuNanos).sum();
    }

    /** Waits until every node's directory holds {@code perNode} listeners of each node. */
    void awaitListeners(int perNode) throws IOException, InterruptedException {
        awaitHealth("every node to see " + perNode + " listener(s) on each node", cluster -> {
            JsonNode listeners = cluster.path("listeners");
            for (String address : addresses) {
                if (listeners.path(address + ':' + MEMBER_PORT).asInt(0) != perNode) {
                    return false;
                }
            }
            return true;
        });
    }

    private void awaitMembers() throws IOException, InterruptedException {
        awaitHealth("every node to see all " + nodes.size() + " members",
                cluster -> cluster.path("members").size() == nodes.size());
    }

    /** Polls every node's {@code /health} until its {@code cluster} section satisfies {@code condition}. */
    private void awaitHealth(String what, HealthCondition condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        Iterator<GatewayProcess> pending = new ArrayList<>(nodes).iterator();
        GatewayProcess node = pending.next();
        while (true) {
            String trouble = node.trouble();
            if (trouble != null) {
                throw new IOException("waiting for " + what + ": " + trouble);
            }
            JsonNode cluster = health(node.management()).path("cluster");
            if (condition.holds(cluster)) {
                if (!pending.hasNext()) {
                    return;
                }
                node = pending.next();
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("waited " + JOIN_TIMEOUT.toSeconds() + " s for " + what + "; node "
                        + node.management().getHostString() + " shows " + cluster + "; " + node.recentOutput());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private JsonNode health(InetSocketAddress management) throws InterruptedException {
        URI uri = URI.create("http://" + management.getHostString() + ':' + management.getPort() + "/health");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            // Not answering yet: polled again.
            return JSON.createObjectNode();
        }
    }

    /** Stops every node (at once: each leaves the cluster gracefully) and deletes the CA made for the run. */
    @Override
    public void close() {
        nodes.parallelStream().forEach(GatewayProcess::close);
        TempDirectories.delete(caPem.getParent());
    }

    @FunctionalInterface
    private interface HealthCondition {
        boolean holds(JsonNode cluster);
    }
}

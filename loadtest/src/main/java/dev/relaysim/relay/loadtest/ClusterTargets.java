package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listeners of a cluster run and the three ways of sending to them. Node {@code i} holds {@code listeners}
 * echoing listeners of hybrid connection {@code node-i}; the targets differ only in where the senders connect:
 * <ul>
 *   <li>{@value #ONE_NODE}: to node 0, for node 0's hybrid connection: one node of the cluster with both ends on it
 *   (the others idle);</li>
 *   <li>{@value #SAME_NODE}: to node {@code i} for {@code node-i}, all nodes in turn: every node busy, no accept
 *   crosses nodes;</li>
 *   <li>{@value #CROSS_NODE}: to node {@code i+1} for {@code node-i}: every sender's node has node {@code i} deliver
 *   the accept (Hazelcast executor), the listener connects back to the sender's node, the pair relays there.</li>
 * </ul>
 * Each listener counts the accepts whose rendezvous address is another node's than its own ({@link #accepts()}), so
 * a run shows where its connections were really paired.
 */
final class ClusterTargets implements AutoCloseable {

    static final String ONE_NODE = "one-node";
    static final String SAME_NODE = "same-node";
    static final String CROSS_NODE = "cross-node";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long OPEN_TIMEOUT_SECONDS = 30;

    private final List<HybridConnectionListener> listeners = new ArrayList<>();
    private final List<ClusterTarget> targets = new ArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong acceptedThroughAnotherNode = new AtomicLong();

    /**
     * Opens the listeners, waits until every node's directory holds them all, and makes the three targets.
     *
     * @param sslContext the clients' TLS context (trusting the cluster's CA), or {@code null} for plain ws
     */
    ClusterTargets(GatewayCluster cluster, int perNode, SslContext sslContext, EventLoopGroup clientGroup,
                   EventLoopGroup listenerGroup) throws IOException, InterruptedException, ExecutionException,
            TimeoutException {
        try {
            for (int node = 0; node < cluster.size(); node++) {
                RelayEndpoint endpoint = endpoint(cluster, node, node, sslContext != null);
                for (int i = 0; i < perNode; i++) {
                    openListener(endpoint, cluster.addresses().get(node), sslContext, listenerGroup);
                }
            }
            cluster.awaitListeners(perNode);
            targets.add(new ClusterTarget(ONE_NODE, List.of(sender(cluster, 0, 0, sslContext, clientGroup)), cluster));
            List<HybridConnectionClient> same = new ArrayList<>();
            List<HybridConnectionClient> cross = new ArrayList<>();
            for (int node = 0; node < cluster.size(); node++) {
                same.add(sender(cluster, node, node, sslContext, clientGroup));
                cross.add(sender(cluster, node, (node + 1) % cluster.size(), sslContext, clientGroup));
            }
            targets.add(new ClusterTarget(SAME_NODE, same, cluster));
            targets.add(new ClusterTarget(CROSS_NODE, cross, cluster));
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@value #ONE_NODE}, {@value #SAME_NODE}, {@value #CROSS_NODE}, in that order. */
    List<ClusterTarget> all() {
        return targets;
    }

    /** Accepts so far: all of them, and those whose rendezvous address was another node's than the listener's. */
    Accepts accepts() {
        return new Accepts(accepted.get(), acceptedThroughAnotherNode.get());
    }

    /** Counts of accepted connections at one moment. */
    record Accepts(long all, long throughAnotherNode) {

        /** The share of the accepts since {@code before} that went through another node, in percent (0 if none). */
        double crossNodePercentSince(Accepts before) {
            long count = all - before.all;
            return count == 0 ? 0 : 100.0 * (throughAnotherNode - before.throughAnotherNode) / count;
        }
    }

    /** The endpoint of node {@code entityNode}'s hybrid connection on node {@code node}. */
    private static RelayEndpoint endpoint(GatewayCluster cluster, int entityNode, int node, boolean tls) {
        GatewayProcess gateway = cluster.nodes().get(node);
        return new RelayEndpoint(tls, cluster.addresses().get(node), tls ? gateway.tlsPort() : gateway.plainPort(),
                GatewayCluster.ENTITY_PREFIX + entityNode);
    }

    private void openListener(RelayEndpoint endpoint, String nodeAddress, SslContext sslContext,
                              EventLoopGroup listenerGroup)
            throws InterruptedException, ExecutionException, TimeoutException {
        URI namespaceUri = URI.create((endpoint.secure() ? "wss://" : "ws://") + endpoint.authority() + '/');
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .endpoint(namespaceUri, endpoint.entityPath(), GatewaySetup.TOKENS)
                .eventLoopGroup(listenerGroup)
                // As RelayTarget's: the echo never blocks, so it runs on the connection's event loop.
                .handlerExecutor(Runnable::run)
                .connectionHandler((accept, connection) -> {
                    accepted.incrementAndGet();
                    if (!nodeAddress.equals(URI.create(accept.address()).getHost())) {
                        acceptedThroughAnotherNode.incrementAndGet();
                    }
                    connection.setHandler(new EchoBack(connection));
                });
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        HybridConnectionListener listener = builder.build();
        listeners.add(listener);
        listener.open().get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static HybridConnectionClient sender(GatewayCluster cluster, int entityNode, int node,
                                                 SslContext sslContext, EventLoopGroup clientGroup) {
        return HybridConnectionClient.builder().endpoint(endpoint(cluster, entityNode, node, sslContext != null),
                GatewaySetup.TOKENS).sslContext(sslContext).eventLoopGroup(clientGroup)
                .connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public void close() {
        targets.forEach(ClusterTarget::close);
        listeners.forEach(HybridConnectionListener::close);
    }
}

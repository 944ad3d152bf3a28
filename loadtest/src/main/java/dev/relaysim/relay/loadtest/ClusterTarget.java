package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.sender.HybridConnectionClient;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One way of sending through a {@link GatewayCluster}: senders, each for one node's hybrid connection on a chosen
 * node, taken in turn, against the listeners {@link ClusterTargets} holds. Its CPU is all nodes' together, its
 * phases all nodes' {@code /metrics} added; it times its own connects (request to relayed WebSocket open, which is
 * where a cross-node accept adds its cost) over a measured interval.
 */
final class ClusterTarget implements EchoTarget {

    private final String name;
    private final List<HybridConnectionClient> senders;
    private final GatewayCluster cluster;
    private final GatewayPhases phases;
    private final AtomicInteger next = new AtomicInteger();
    private final Recorder connects = new Recorder(EchoStream.HIGHEST_TRACKABLE_NANOS, 3);

    /**
     * @param senders one client per (hybrid connection, node it connects to); {@link #connect()} takes them in turn
     */
    ClusterTarget(String name, List<HybridConnectionClient> senders, GatewayCluster cluster) {
        this.name = name;
        this.senders = List.copyOf(senders);
        this.cluster = cluster;
        this.phases = cluster.phases();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<RelayConnection> connect() {
        HybridConnectionClient sender = senders.get(Math.floorMod(next.getAndIncrement(), senders.size()));
        long start = System.nanoTime();
        return sender.connect().whenComplete((connection, failure) -> {
            if (failure == null) {
                connects.recordValue(Math.min(EchoStream.HIGHEST_TRACKABLE_NANOS, System.nanoTime() - start));
            }
        });
    }

    @Override
    public OptionalLong intermediaryCpuNanos() {
        return OptionalLong.of(cluster.cpuNanos());
    }

    @Override
    public OptionalLong intermediaryJitNanos() {
        return OptionalLong.of(cluster.jitCpuNanos());
    }

    @Override
    public Optional<GatewayPhases> gatewayPhases() {
        return Optional.of(phases);
    }

    @Override
    public void startInterval() {
        connects.reset();
    }

    /** {@code connect p50 ms} and {@code connect p99 ms} of the connects since {@link #startInterval()}. */
    @Override
    public Map<String, Double> intervalFigures() {
        Histogram histogram = connects.getIntervalHistogram();
        Map<String, Double> figures = new LinkedHashMap<>();
        if (histogram.getTotalCount() > 0) {
            figures.put("connect p50 ms", histogram.getValueAtPercentile(50) / 1e6);
            figures.put("connect p99 ms", histogram.getValueAtPercentile(99) / 1e6);
        }
        return figures;
    }

    /** Closes the senders; the listeners belong to {@link ClusterTargets}. */
    @Override
    public void close() {
        senders.forEach(HybridConnectionClient::close);
    }
}

package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --cluster N}: {@code N} nodes as processes ({@link GatewayCluster}), the three {@link ClusterTargets}
 * warmed up, then measured in {@code rounds} rounds, forward and backward in turn (one-node, same-node, cross-node,
 * then cross-node, same-node, one-node, ...) so none is always measured first or last on a busy machine; each
 * figure is the median of its rounds. Beside each target's figures, the share of its accepts that went through
 * another node; the ratios cross-node/same-node (the cross-node accept, all nodes equally busy) and
 * cross-node/one-node (the cluster against one node); the cross-node accept's cost in a note.
 */
final class ClusterBench {

    static final String CROSS_NODE_ACCEPTS = "cross-node accepts %";
    static final int DEFAULT_ROUNDS = 3;

    private final int nodes;
    private final int rounds;
    private final List<String> jvmOptions;
    private final boolean tls;
    private final int clientThreads;
    private final int echoThreads;
    private final Pass pass;

    /**
     * @param pass one pass of the scenario against a target (warm-up or measured), its figures
     */
    ClusterBench(int nodes, int rounds, List<String> jvmOptions, boolean tls, int clientThreads, int echoThreads,
                 Pass pass) {
        this.nodes = nodes;
        this.rounds = rounds;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.tls = tls;
        this.clientThreads = clientThreads;
        this.echoThreads = echoThreads;
        this.pass = pass;
    }

    /** One pass of a scenario against a target. */
    @FunctionalInterface
    interface Pass {
        Map<String, Double> run(EchoTarget target, LoadParameters load, Progress progress) throws InterruptedException;
    }

    /** Starts the cluster, measures, adds figures, ratios and notes to {@code run}, stops the cluster. */
    void run(LoadParameters load, BenchResults run, Progress progress) throws Exception {
        EventLoopGroup clientGroup = EventLoops.newGroup("bench-client", clientThreads);
        EventLoopGroup listenerGroup = EventLoops.newGroup("bench-listener", echoThreads);
        run.note(BenchMain.loadAverage("at the start"));
        long starting = System.nanoTime();
        long stopping;
        progress.show("cluster", Duration.ZERO, Duration.ZERO, "starting " + nodes + " nodes");
        try (GatewayCluster cluster = GatewayCluster.start(nodes, jvmOptions)) {
            SslContext clientSsl = tls ? SslContexts.forClient(cluster.caCertificatePem()) : null;
            try (ClusterTargets targets = new ClusterTargets(cluster, load.listeners(), clientSsl, clientGroup,
                    listenerGroup)) {
                run.note(String.format(Locale.ROOT, "cluster: %d nodes started, joined and their listeners in every "
                        + "node's directory in %.1f s", cluster.size(), (System.nanoTime() - starting) / 1e9));
                if (!load.warmup().isZero()) {
                    for (EchoTarget target : targets.all()) {
                        pass.run(target, load.warmUpPass(), progress);
                    }
                }
                Map<String, List<Map<String, Double>>> measured = measureInRounds(targets, load, progress);
                for (ClusterTarget target : targets.all()) {
                    Map<String, Double> figures = medians(measured.get(target.name()));
                    progress.done(target.name(), BenchMain.summary(figures));
                    run.add(target.name(), figures);
                }
            }
            run.compare(ClusterTargets.CROSS_NODE, ClusterTargets.SAME_NODE);
            run.compare(ClusterTargets.CROSS_NODE, ClusterTargets.ONE_NODE);
            crossNodeAcceptCost(run).ifPresent(run::note);
            run.note("cluster of " + cluster.size() + " nodes on " + String.join(", ", cluster.addresses())
                    + "; each figure the median of " + rounds + " round(s), targets in alternating order; CPU "
                    + "figures are all nodes' processes together; direct, nginx and node ws: not run with --cluster");
            cluster.nodes().get(0).outputLine(BenchMain.UNAVAILABLE_TRANSPORT).ifPresent(run::note);
            stopping = System.nanoTime();
        } finally {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            listenerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        run.note(String.format(Locale.ROOT, "cluster: nodes stopped in %.1f s", (System.nanoTime() - stopping) / 1e9));
        run.note(BenchMain.loadAverage("at the end"));
    }

    /** Each target's figures of every round, with the share of its accepts that went through another node. */
    private Map<String, List<Map<String, Double>>> measureInRounds(ClusterTargets targets, LoadParameters load,
                                                                   Progress progress) throws InterruptedException {
        Map<String, List<Map<String, Double>>> measured = new LinkedHashMap<>();
        targets.all().forEach(target -> measured.put(target.name(), new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<ClusterTarget> order = new ArrayList<>(targets.all());
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (ClusterTarget target : order) {
                ClusterTargets.Accepts before = targets.accepts();
                Map<String, Double> figures = new LinkedHashMap<>(pass.run(target, load.measuredPass(), progress));
                figures.put(CROSS_NODE_ACCEPTS, targets.accepts().crossNodePercentSince(before));
                measured.get(target.name()).add(figures);
            }
        }
        return measured;
    }

    /** Figure by figure, the median over the rounds that have it (the mean of the middle two of an even count). */
    static Map<String, Double> medians(List<Map<String, Double>> rounds) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Map<String, Double> round : rounds) {
            round.forEach((name, value) -> values.computeIfAbsent(name, key -> new ArrayList<>()).add(value));
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        values.forEach((name, list) -> {
            Collections.sort(list);
            int middle = list.size() / 2;
            medians.put(name, list.size() % 2 == 1 ? list.get(middle) : (list.get(middle - 1) + list.get(middle)) / 2);
        });
        return medians;
    }

    /**
     * What the cross-node accept adds to a connection's setup, from connect-rate's figures: the senders' connect
     * median and the sender's node's phase 1 (upgrade request to accept written, for cross-node through the
     * listener's node) median, cross-node against same-node.
     */
    static Optional<String> crossNodeAcceptCost(BenchResults run) {
        Map<String, Double> cross = run.figures().get(ClusterTargets.CROSS_NODE);
        Map<String, Double> same = run.figures().get(ClusterTargets.SAME_NODE);
        String connect = "connect p50 ms";
        String phase = "1 accept sent p50 us";
        if (cross == null || same == null || !cross.containsKey(connect) || !same.containsKey(connect)) {
            return Optional.empty();
        }
        String text = String.format(Locale.ROOT, "cross-node accept: %+.2f ms per connection (connect p50 %.2f ms "
                + "cross-node, %.2f ms same-node)", cross.get(connect) - same.get(connect), cross.get(connect),
                same.get(connect));
        if (cross.containsKey(phase) && same.containsKey(phase)) {
            text += String.format(Locale.ROOT, "; the sender's node's phase 1 (request to accept written) p50 "
                    + "%.0f us cross-node, %.0f us same-node (%+.2f ms)", cross.get(phase), same.get(phase),
                    (cross.get(phase) - same.get(phase)) / 1e3);
        }
        return Optional.of(text);
    }
}

package dev.relaysim.relay.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's connection phases ({@code relay.connection.phase}, tag {@code phase}) as its management server's
 * {@code /metrics} shows them: {@link #snapshot()} before and after a measured interval, then
 * {@link Snapshot#figuresSince} gives each phase's mean and median over the connections of that interval (the
 * median from the timer's histogram buckets, 25 us to 1 s, interpolated within its bucket). Of a cluster, the
 * phases of all its nodes together: each node times the connections whose sender it holds.
 */
final class GatewayPhases {

    /** The phases in their order, with the row names of the bench's table. */
    static final Map<String, String> PHASES = phaseLabels();
    private static final Pattern SAMPLE =
            Pattern.compile("^relay_connection_phase_seconds_(count|sum|bucket)\\{([^}]*)}\\s+(\\S+)");
    private static final Pattern PHASE_TAG = Pattern.compile("phase=\"([a-z_]+)\"");
    private static final Pattern LE_TAG = Pattern.compile("le=\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<URI> metrics;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    GatewayPhases(InetSocketAddress management) {
        this(List.of(management));
    }

    /** The phases of several gateways (a cluster's nodes) added together. */
    GatewayPhases(List<InetSocketAddress> managements) {
        metrics = managements.stream().map(management -> URI.create("http://" + management.getHostString() + ':'
                + management.getPort() + "/metrics")).toList();
    }

    private static Map<String, String> phaseLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("accept_sent", "1 accept sent");
        labels.put("rendezvous_opened", "2 rendezvous in");
        labels.put("sender_upgraded", "3 sender 101");
        return labels;
    }

    /** The phases' meters now (of every gateway, added). */
    Snapshot snapshot() throws IOException, InterruptedException {
        StringBuilder expositions = new StringBuilder();
        for (URI uri : metrics) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + response.statusCode());
            }
            expositions.append(response.body()).append('\n');
        }
        return Snapshot.parse(expositions.toString());
    }

    /** Count, sum and cumulative buckets of each phase at one moment. */
    record Snapshot(Map<String, Phase> phases) {

        /** Reads the phase samples of a Prometheus text exposition; other samples are ignored. */
        static Snapshot parse(String exposition) {
            Map<String, Phase> phases = new LinkedHashMap<>();
            for (String line : exposition.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!sample.find()) {
                    continue;
                }
                Matcher phaseTag = PHASE_TAG.matcher(sample.group(2));
                if (!phaseTag.find()) {
                    continue;
                }
                Phase phase = phases.computeIfAbsent(phaseTag.group(1), name -> new Phase());
                double value = Double.parseDouble(sample.group(3));
                // Several expositions (a cluster's nodes) add up.
                switch (sample.group(1)) {
                    case "count" -> phase.count += value;
                    case "sum" -> phase.sumSeconds += value;
                    default -> {
                        Matcher le = LE_TAG.matcher(sample.group(2));
                        if (le.find()) {
                            String bound = le.group(1);
                            phase.buckets.merge(bound.equals("+Inf") ? Double.POSITIVE_INFINITY
                                    : Double.parseDouble(bound), value, Double::sum);
                        }
                    }
                }
            }
            return new Snapshot(phases);
        }

        /**
         * Mean and median in microseconds of each phase recorded since {@code before}, by table row name; phases
         * without a connection in between are left out.
         */
        Map<String, Double> figuresSince(Snapshot before) {
            Map<String, Double> figures = new LinkedHashMap<>();
            PHASES.forEach((name, label) -> {
                Phase now = phases.get(name);
                if (now == null) {
                    return;
                }
                Phase then = before.phases.getOrDefault(name, new Phase());
                double count = now.count - then.count;
                if (count <= 0) {
                    return;
                }
                figures.put(label + " us", (now.sumSeconds - then.sumSeconds) / count * 1e6);
                figures.put(label + " p50 us", median(now.buckets, then.buckets, count) * 1e6);
            });
            return figures;
        }

        private static double median(NavigableMap<Double, Double> now, NavigableMap<Double, Double> then,
                                     double count) {
            double half = count / 2;
            double lower = 0;
            double belowLower = 0;
            for (Map.Entry<Double, Double> bucket : now.entrySet()) {
                double cumulative = bucket.getValue() - then.getOrDefault(bucket.getKey(), 0.0);
                if (cumulative >= half) {
                    if (bucket.getKey().isInfinite()) {
                        return lower;
                    }
                    double within = cumulative - belowLower;
                    return lower + (bucket.getKey() - lower) * (within == 0 ? 1 : (half - belowLower) / within);
                }
                lower = bucket.getKey();
                belowLower = cumulative;
            }
            return lower;
        }
    }

    /** One phase's samples. */
    static final class Phase {
        double count;
        double sumSeconds;
        final NavigableMap<Double, Double> buckets = new TreeMap<>();
    }
}

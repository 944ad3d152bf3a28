package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench --cluster}: two gateway nodes as processes on 127.0.1.51-52 in one Hazelcast cluster, briefly. Every
 * connection's echo is checked by the run itself (it exits 1 otherwise); here the figures must be real: connections
 * made on every target, the cross-node target's accepts all through the other node and the others' none, and the
 * cost of the cross-node accept stated. Correctness only, never speed.
 */
class BenchClusterTest {

    private static final List<String> TARGETS = List.of("one-node", "same-node", "cross-node");

    @TempDir
    Path results;

    @Test
    @Timeout(300)
    void connectRateAcrossTwoNodesPairsEveryConnectionWhereItSays() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BenchMain bench = new BenchMain();
        int code = new CommandLine(bench).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("connect-rate", "--cluster", "2", "--listeners", "1", "--in-flight", "2", "--duration", "1s",
                        "--rounds", "2", "--warmup", "0s", "--results", results.toString(), "--no-progress");

        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(bench.lastResultFile().toFile());
        assertThat(json.path("parameters").path("gateway").asText()).isEqualTo("cluster");
        assertThat(json.path("parameters").path("clusterNodes").asInt()).isEqualTo(2);
        assertThat(json.path("parameters").path("rounds").asInt()).isEqualTo(2);
        for (String target : TARGETS) {
            JsonNode figures = json.path("figures").path(target);
            assertThat(figures.path("connections/s").asDouble()).as(target).isPositive();
            assertThat(figures.path("connect p50 ms").asDouble()).as(target).isPositive();
            assertThat(figures.path("CPU us/conn").asDouble()).as(target).isPositive();
            assertThat(figures.path("1 accept sent p50 us").asDouble()).as(target).isPositive();
            assertThat(figures.path("cross-node accepts %").asDouble()).as(target)
                    .isEqualTo(target.equals("cross-node") ? 100.0 : 0.0);
        }
        assertThat(json.path("figures").has("direct")).as("no baselines in cluster mode").isFalse();
        assertThat(json.path("ratios").path("cross-node/same-node").path("connections/s").asDouble()).isPositive();
        assertThat(json.path("ratios").path("cross-node/one-node").has("connect p50 ms")).isTrue();
        assertThat(json.path("notes").toString()).contains("cross-node accept: ", "cluster of 2 nodes on 127.0.1.51, "
                + "127.0.1.52", "cluster: 2 nodes started, joined", "the median of 2 round(s)",
                "load average at the end");
        assertThat(out.toString()).contains("cross-node/same-node", "cross-node accepts %").doesNotContain("FAILED");
    }

    @Test
    void clusterArgumentsOutOfRangeExitWithTwo() {
        assertUsage("--cluster: 1 (expected: 2-9 nodes)", "connect-rate", "--cluster", "1");
        assertUsage("--cluster: 10 (expected: 2-9 nodes)", "throughput", "--cluster", "10");
        assertUsage("--cluster: not with idle", "idle", "--cluster", "2");
        assertUsage("--cluster: not with integrity", "integrity", "--cluster", "2");
        assertUsage("--rounds: 0 (expected: 1-99)", "connect-rate", "--cluster", "2", "--rounds", "0");
        assertUsage("--rounds: only with --cluster", "connect-rate", "--rounds", "2");
        assertUsage("--cluster: not with --connection-string", "latency", "--cluster", "2", "--connection-string",
                "Endpoint=sb://localhost/;EntityPath=echo");
    }

    @Test
    void eachFigureIsItsMedianOverTheRoundsThatHaveIt() {
        Map<String, Double> medians = ClusterBench.medians(List.of(
                Map.of("connections/s", 30.0, "connect p50 ms", 9.0),
                Map.of("connections/s", 10.0, "connect p50 ms", 4.0),
                Map.of("connections/s", 20.0)));

        assertThat(medians).containsOnly(Map.entry("connections/s", 20.0), Map.entry("connect p50 ms", 6.5));
    }

    private static void assertUsage(String message, String... args) {
        StringWriter err = new StringWriter();
        assertThat(new CommandLine(new BenchMain()).setErr(new PrintWriter(err)).execute(args))
                .as(String.join(" ", args)).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(err.toString()).contains(message);
    }
}

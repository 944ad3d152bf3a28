package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.node.NodePackages;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke runs of every scenario at tiny sizes (leak detection is paranoid here): each must check out every message
 * and connection, print the table, and write the JSON result and the chart. Correctness only, never speed.
 */
@Timeout(120)
class BenchMainTest {

    @TempDir
    Path results;

    /** What the last {@link #run} printed. */
    private String printed;

    @Test
    void throughputRelaysEveryMessageIntactAndWritesResults() throws IOException {
        JsonNode json = run("throughput", "--size", "4096", "--window", "4", "--connections", "2", "--duration", "1s",
                "--warmup", "0s", "--no-nginx", "--no-node");
        assertThat(json.path("figures").path("relay").path("down MB/s").asDouble()).isPositive();
        assertThat(json.path("figures").path("relay").has("CPU s/GB")).isTrue();
        assertThat(json.path("figures").path("direct").path("down msg/s").asDouble()).isPositive();
        assertThat(json.path("ratios").path("relay/direct").has("down MB/s")).isTrue();
        assertThat(json.path("parameters").path("tls").asBoolean()).isFalse();
        assertThat(json.path("parameters").path("gateway").asText()).isEqualTo("in-process");
        assertThat(json.path("figures").path("relay").path("loops CPU %").asDouble()).isPositive();
        // How many loops pass the "busy" share depends on the machine's load; that the figure is there does not.
        assertThat(json.path("figures").path("relay").has("busy loops")).isTrue();
        assertThat(json.path("figures").path("direct").has("loops CPU %")).as("no gateway").isFalse();
    }

    /** A gateway process's I/O event loops found in its thread dump, each one's CPU read from /proc. */
    @Test
    void throughputReportsTheCpuOfEachEventLoopOfAGatewayProcess() throws IOException {
        JsonNode json = run("throughput", "--size", "4096", "--window", "4", "--connections", "4", "--duration", "2s",
                "--warmup", "0s", "--no-nginx", "--no-node", "--gateway-process");
        JsonNode relay = json.path("figures").path("relay");
        assertThat(relay.path("loops CPU %").asDouble()).isPositive();
        assertThat(relay.path("loop 1 CPU %").asDouble()).isPositive()
                .isGreaterThanOrEqualTo(relay.path("loop 2 CPU %").asDouble());
        assertThat(printed).contains("busy loops");
    }

    @Test
    void throughputOverTlsOnEveryLeg() throws IOException {
        JsonNode json = run("throughput", "--tls", "--size", "2048", "--window", "2", "--duration", "1s", "--warmup",
                "0s", "--no-nginx", "--no-node");
        assertThat(json.path("parameters").path("tls").asBoolean()).isTrue();
        assertThat(json.path("figures").path("relay").path("down MB/s").asDouble()).isPositive();
    }

    /**
     * A connection string's sb:// endpoint is always TLS, so the baselines (echo server, its clients, nginx) run over
     * TLS too, without {@code --tls}, and the header line, the JSON (and the chart title, which follows its
     * {@code tls} parameter) say so. Before, the baselines ran plain beside a TLS relay under a "plain ws" label. The
     * echo server's CA, made for the run in a temporary directory, is deleted after it.
     */
    @Test
    void connectionStringToATlsGatewayRunsTheBaselinesOverTlsTooAndSaysSo() throws IOException {
        List<Path> echoCasBefore = echoCertificateAuthorities();
        try (TestGateway gateway = TestGateway.builder().plain(false).start()) {
            String connectionString = "Endpoint=sb://localhost:" + gateway.addresses().tlsPort()
                    + "/;SharedAccessKeyName=" + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY
                    + ";EntityPath=" + TestGateway.ENTITY;
            JsonNode json = run("throughput", "--connection-string", connectionString,
                    "--ca", gateway.server().certificateAuthority().caCertificatePem().toString(),
                    "--size", "2048", "--window", "2", "--duration", "1s", "--warmup", "0s", "--no-nginx", "--no-node");

            assertThat(json.path("parameters").path("tls").asBoolean()).isTrue();
            assertThat(json.path("parameters").path("gateway").asText()).isEqualTo("external");
            assertThat(printed).contains("tls=true, gateway=external");
            assertThat(json.path("figures").path("relay").path("down MB/s").asDouble()).isPositive();
            assertThat(json.path("figures").path("direct").path("down MB/s").asDouble()).isPositive();
            assertThat(json.path("notes").toString()).contains("external gateway");
        }
        assertThat(echoCertificateAuthorities()).isSubsetOf(echoCasBefore);
    }

    /** The temporary directories holding an echo server CA of a {@code --connection-string} run. */
    private static List<Path> echoCertificateAuthorities() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(entry -> entry.getFileName().toString()
                    .startsWith(BenchMain.ECHO_CA_DIRECTORY_PREFIX)).toList();
        }
    }

    @Test
    void latencyReportsPercentiles() throws IOException {
        JsonNode json = run("latency", "--duration", "1s", "--warmup", "0s", "--no-nginx", "--no-node");
        for (String target : List.of("relay", "direct")) {
            JsonNode figures = json.path("figures").path(target);
            assertThat(figures.path("p50 us").asDouble()).isPositive();
            assertThat(figures.path("p99.9 us").asDouble()).isGreaterThanOrEqualTo(figures.path("p50 us").asDouble());
        }
    }

    @Test
    void connectRateCompletesEveryRendezvous() throws IOException {
        JsonNode json = run("connect-rate", "--in-flight", "4", "--duration", "1s", "--warmup", "0s", "--no-nginx",
                "--no-node");
        assertThat(json.path("figures").path("relay").path("connections/s").asDouble()).isPositive();
        assertThat(json.path("figures").path("direct").path("connections/s").asDouble()).isPositive();
        assertThat(json.path("notes").toString()).contains("load average at the start", "node ws: skipped (--no-node)");
    }

    /**
     * A gateway process on io_uring (where the kernel refuses it, on epoll, logged): its CPU per relayed connection
     * from /proc/<pid>/stat and the time of each phase from its /metrics.
     */
    @Test
    void connectRateReportsTheGatewaysCpuAndPhasesPerRelayedConnection() throws IOException {
        JsonNode json = run("connect-rate", "--in-flight", "4", "--duration", "1s", "--warmup", "0s", "--no-nginx",
                "--no-node", "--gateway-transport", "io_uring");
        JsonNode relay = json.path("figures").path("relay");
        assertThat(json.path("parameters").path("gateway").asText()).isEqualTo("process");
        assertThat(json.path("parameters").path("gatewayTransport").asText()).isEqualTo("io_uring");
        assertThat(relay.path("CPU us/conn").asDouble()).isPositive();
        for (String phase : List.of("1 accept sent", "2 rendezvous in", "3 sender 101")) {
            assertThat(relay.path(phase + " us").asDouble()).as(phase).isPositive();
            assertThat(relay.path(phase + " p50 us").asDouble()).as(phase).isPositive();
        }
        assertThat(json.path("figures").path("direct").has("CPU us/conn")).as("no intermediary").isFalse();
        assertThat(printed).contains("3 sender 101 p50 us");
    }

    /**
     * The second client stack, Node ws with bufferutil, beside the Java clients against the same targets; where
     * Node.js or npm is missing (never in CI) the run says so and measures the Java clients only.
     */
    @Test
    void nodeWsDrivesTheSameTargetsOrTheRunSaysWhyNot() throws IOException {
        JsonNode json = run("connect-rate", "--in-flight", "2", "--duration", "1s", "--warmup", "0s", "--no-nginx");
        Optional<String> missing = NodePackages.unavailability();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(missing).as("CI installs Node.js (.ci/run)").isEmpty();
        }
        if (missing.isPresent()) {
            assertThat(json.path("notes").toString()).contains("node ws: not run (" + missing.get());
            assertThat(json.path("figures").has("relay-node")).isFalse();
            return;
        }
        assertThat(json.path("figures").path("relay-node").path("connections/s").asDouble()).isPositive();
        assertThat(json.path("figures").path("relay-node").path("1 accept sent us").asDouble()).isPositive();
        assertThat(json.path("figures").path("direct-node").path("connections/s").asDouble()).isPositive();
        // Which Node process did the work: the load's on every target, the echoing listeners' on the relay only.
        assertThat(json.path("figures").path("relay-node").path(NodeStack.SENDER_CPU).asDouble()).isPositive();
        assertThat(json.path("figures").path("relay-node").path(NodeStack.LISTENER_CPU).asDouble()).isPositive();
        assertThat(json.path("figures").path("direct-node").path(NodeStack.SENDER_CPU).asDouble()).isPositive();
        assertThat(json.path("figures").path("direct-node").has(NodeStack.LISTENER_CPU)).isFalse();
        assertThat(json.path("ratios").has("relay-node/direct-node")).isTrue();
        assertThat(json.path("ratios").has("relay/direct-node")).as("ratios stay within a client stack").isFalse();
        assertThat(json.path("figures").path("relay").path("connections/s").asDouble()).isPositive();
    }

    @Test
    void idleMeasuresAGatewayProcess() throws IOException {
        JsonNode json = run("idle", "--connections", "30", "--in-flight", "10", "--no-nginx",
                "--gateway-jvm-option", "-Xmx128m");
        JsonNode relay = json.path("figures").path("relay");
        assertThat(relay.has("RSS KB/pair")).isTrue();
        assertThat(relay.path("gateway heap MB").asDouble()).isPositive();
        assertThat(relay.path("gateway RSS MB").asDouble()).isPositive();
    }

    @Test
    void integrityMovesEveryByteIntactOverManyConnectionsHeldOpenAtOnce() throws IOException {
        int connections = 200;
        int messages = 4;
        int maxSize = 100_000;
        JsonNode json = run("integrity", "--connections", Integer.toString(connections), "--listeners", "50",
                "--messages", Integer.toString(messages), "--size", Integer.toString(maxSize), "--in-flight", "20",
                "--seed", "11", "--gateway-heap", "256m");
        assertThat(json.path("parameters").path("hybridConnections").asInt()).isEqualTo(2);
        assertThat(json.path("parameters").path("limits").path("maxRelayedConnectionsPerNamespace").asInt())
                .isEqualTo(connections);
        JsonNode relay = json.path("figures").path("relay");
        assertThat(relay.path("connections").asInt()).isEqualTo(connections);
        assertThat(relay.path("refused past quota").asInt()).isEqualTo(1);
        assertThat(relay.path("listeners").asInt()).isEqualTo(50);
        long up = 0;
        long down = 0;
        for (int i = 0; i < connections; i++) {
            up += new StreamPattern(11, i, StreamPattern.Direction.UP, messages, maxSize).totalBytes();
            down += new StreamPattern(11, i, StreamPattern.Direction.DOWN, messages, maxSize).totalBytes();
        }
        assertThat(relay.path("up bytes").asLong()).isEqualTo(up);
        assertThat(relay.path("down bytes").asLong()).isEqualTo(down);
        assertThat(relay.path("messages").asInt()).isEqualTo(2 * connections * messages);
        assertThat(relay.path("gateway open files").asInt()).isGreaterThan(50 + 2 * connections);
        assertThat(relay.path("heap end MB").asDouble()).isPositive()
                .isLessThan(relay.path("heap limit MB").asDouble());
        assertThat(relay.path("heap limit MB").asDouble()).isEqualTo(256.0);
        assertThat(json.path("notes").toString()).contains("every byte checked", "no OutOfMemoryError",
                "connection 201 past maxRelayedConnectionsPerNamespace = 200 refused with 403 \\\"Quota exceeded.");
    }

    @Test
    void nginxBaselineWhenInstalled() throws IOException {
        List<String> args = new ArrayList<>(List.of("latency", "--duration", "500ms", "--warmup", "0s", "--no-node"));
        JsonNode json = run(args.toArray(String[]::new));
        if (NginxProxy.executable().isPresent()) {
            assertThat(json.path("figures").path("nginx").path("p50 us").asDouble()).isPositive();
            assertThat(json.path("ratios").path("relay/nginx").has("p99 us")).isTrue();
        } else {
            assertThat(json.path("notes").toString()).contains("nginx: not installed");
        }
    }

    @Test
    void badArgumentsExitWithTwo() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new BenchMain()).setErr(new PrintWriter(err)).execute("sprint");
        assertThat(code).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(err.toString())
                .contains("SCENARIO: sprint (expected: one of throughput, latency, connect-rate, idle, integrity)");
        assertThat(new CommandLine(new BenchMain()).setErr(new PrintWriter(new StringWriter()))
                .execute("latency", "--duration", "soon")).isEqualTo(BenchMain.EXIT_USAGE);
        StringWriter heapErr = new StringWriter();
        assertThat(new CommandLine(new BenchMain()).setErr(new PrintWriter(heapErr))
                .execute("integrity", "--gateway-heap", "lots")).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(heapErr.toString()).contains("--gateway-heap: lots (expected: a size such as 512m or 1g)");
        assertThat(new CommandLine(new BenchMain()).setErr(new PrintWriter(new StringWriter()))
                .execute("integrity", "--messages", "0")).isEqualTo(BenchMain.EXIT_USAGE);
        StringWriter transportErr = new StringWriter();
        assertThat(new CommandLine(new BenchMain()).setErr(new PrintWriter(transportErr))
                .execute("connect-rate", "--gateway-transport", "kqueue")).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(transportErr.toString())
                .contains("--gateway-transport: kqueue (expected: one of epoll, io_uring, nio)");
    }

    private JsonNode run(String... args) throws IOException {
        BenchMain bench = new BenchMain();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--results", results.toString(), "--no-progress"));
        int code = new CommandLine(bench).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
        printed = out.toString();
        String expected = switch (args[0]) {
            case "idle" -> "RSS KB/pair";
            case "integrity" -> "heap end MB";
            default -> "relay/direct";
        };
        assertThat(out.toString()).contains(expected).doesNotContain("FAILED");
        Path file = bench.lastResultFile();
        assertThat(file).exists().hasParent(results);
        assertThat(Path.of(file.toString().replace(".json", ".png"))).exists();
        assertThat(Files.size(Path.of(file.toString().replace(".json", ".png")))).isPositive();
        return JsonMapper.builder().build().readTree(file.toFile());
    }
}

package dev.relaysim.relay.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench chart: readable when one bar dwarfs the others, and saying what was measured, where and when. */
class BenchResultsTest {

    @TempDir
    Path directory;

    @Test
    void latencyPercentilesThatSpreadWidelyGetALogarithmicAxis() throws IOException {
        BenchResults results = results("latency",
                Map.of("p50 us", 80.0, "p90 us", 95.0, "p99 us", 130.0, "p99.9 us", 4200.0));

        CategoryChart chart = results.chart();

        assertThat(chart.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(chart.getYAxisTitle()).isEqualTo("us (log scale)");
        Path json = results.write(directory);
        assertThat(Files.size(Path.of(json.toString().replace(".json", ".png")))).isPositive();
    }

    @Test
    void closeFiguresKeepALinearAxisAndTheTitleNamesTheTransport() {
        BenchResults results = results("throughput", Map.of("up MB/s", 880.0, "down MB/s", 870.0));

        CategoryChart chart = results.chart();

        assertThat(chart.getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(chart.getTitle())
                .startsWith("relaysim bench throughput (TLS on every leg), "
                        + Runtime.getRuntime().availableProcessors() + " cores ")
                .contains("Java " + System.getProperty("java.runtime.version"));
        assertThat(chart.getXAxisTitle()).isEqualTo("connections=1, tls=true");
    }

    @Test
    void ratiosCompareTheRelayWithTheBaselinesOfItsOwnClientStackAndTheTableShowsThem() {
        BenchResults results = results("connect-rate", Map.of("connections/s", 200.0));
        results.add("nginx", Map.of("connections/s", 400.0));
        results.add("relay-node", Map.of("connections/s", 100.0));
        results.add("direct-node", Map.of("connections/s", 1000.0));
        results.add("nginx-node", Map.of("connections/s", 500.0));

        Map<String, Map<String, Double>> ratios = results.ratios();

        assertThat(ratios).containsOnlyKeys("relay/direct", "relay/nginx", "relay-node/direct-node",
                "relay-node/nginx-node");
        assertThat(ratios.get("relay/nginx").get("connections/s")).isEqualTo(0.5);
        assertThat(ratios.get("relay-node/nginx-node").get("connections/s")).isEqualTo(0.2);
        StringWriter table = new StringWriter();
        results.printTable(new PrintWriter(table));
        assertThat(table.toString()).contains("relay-node/nginx-node").contains("0.20x");
    }

    private static BenchResults results(String scenario, Map<String, Double> relay) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connections", 1);
        parameters.put("tls", !scenario.equals("latency"));
        BenchResults results = new BenchResults(scenario, parameters);
        results.add("relay", relay);
        Map<String, Double> direct = new LinkedHashMap<>();
        relay.forEach((name, value) -> direct.put(name, value * 0.7));
        results.add("direct", direct);
        return results;
    }
}

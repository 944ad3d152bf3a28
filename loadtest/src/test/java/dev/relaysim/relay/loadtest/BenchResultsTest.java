package dev.relaysim.relay.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

import java.io.IOException;
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

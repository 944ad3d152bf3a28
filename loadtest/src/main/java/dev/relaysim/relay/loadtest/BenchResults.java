package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run's results: figures per target ({@code relay} first, then the baselines), the ratios relay/baseline of
 * every figure both have, the summary table, the JSON file and the PNG chart.
 */
final class BenchResults {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Largest over smallest bar beyond which the chart's axis is logarithmic. */
    private static final double LOG_SCALE_SPREAD = 20;
    /** Width of the table's first column: the figure names ({@code 2 rendezvous in p50 us}). */
    private static final int ROW_WIDTH = 24;
    private static final int MIN_COLUMN_WIDTH = 14;
    private static final String RELAY = "relay";
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final String scenario;
    private final Map<String, Object> parameters;
    private final Instant startedAt = Instant.now();
    private final Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Ratios asked for by name, {@code target/baseline}, beside the relay's against the baselines. */
    private final List<String> comparisons = new ArrayList<>();

    BenchResults(String scenario, Map<String, Object> parameters) {
        this.scenario = scenario;
        this.parameters = parameters;
    }

    void add(String target, Map<String, Double> targetFigures) {
        figures.put(target, targetFigures);
    }

    void note(String note) {
        notes.add(note);
    }

    /** Adds the ratios {@code target/baseline} of every figure both have (a cluster run's columns). */
    void compare(String target, String baseline) {
        comparisons.add(target + '/' + baseline);
    }

    Map<String, Map<String, Double>> figures() {
        return figures;
    }

    /**
     * {@code relay/<baseline>} → figure → ratio, for every baseline and every figure the relay also has, within
     * each client stack: {@code relay} against {@code direct} and {@code nginx}, {@code relay-node} against
     * {@code direct-node} and {@code nginx-node}.
     */
    Map<String, Map<String, Double>> ratios() {
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> relay : figures.entrySet()) {
            if (!relay.getKey().startsWith(RELAY)) {
                continue;
            }
            String stack = relay.getKey().substring(RELAY.length());
            for (Map.Entry<String, Map<String, Double>> baseline : figures.entrySet()) {
                if (baseline.getKey().startsWith(RELAY) || !stack.equals(stackOf(baseline.getKey()))) {
                    continue;
                }
                ratios.put(relay.getKey() + '/' + baseline.getKey(), ratio(relay.getValue(), baseline.getValue()));
            }
        }
        for (String comparison : comparisons) {
            int slash = comparison.indexOf('/');
            Map<String, Double> target = figures.getOrDefault(comparison.substring(0, slash), Map.of());
            Map<String, Double> baseline = figures.getOrDefault(comparison.substring(slash + 1), Map.of());
            ratios.put(comparison, ratio(target, baseline));
        }
        return ratios;
    }

    /** Figure by figure, {@code target}'s over {@code baseline}'s, where both have it (and the baseline's is not 0). */
    private static Map<String, Double> ratio(Map<String, Double> target, Map<String, Double> baseline) {
        Map<String, Double> ratio = new LinkedHashMap<>();
        for (Map.Entry<String, Double> figure : target.entrySet()) {
            Double other = baseline.get(figure.getKey());
            if (other != null && other != 0) {
                ratio.put(figure.getKey(), figure.getValue() / other);
            }
        }
        return ratio;
    }

    /** The client stack of a target's name: {@code ""} of {@code direct}, {@code "-node"} of {@code direct-node}. */
    private static String stackOf(String target) {
        int dash = target.indexOf('-');
        return dash < 0 ? "" : target.substring(dash);
    }

    /** The summary table: a row per figure, a column per target and per ratio. */
    void printTable(PrintWriter out) {
        Map<String, Map<String, Double>> ratios = ratios();
        List<String> columns = new ArrayList<>(figures.keySet());
        columns.addAll(ratios.keySet());
        List<String> rows = new ArrayList<>();
        figures.values().forEach(map -> map.keySet().forEach(name -> {
            if (!rows.contains(name)) {
                rows.add(name);
            }
        }));
        out.println();
        out.printf("%-" + ROW_WIDTH + "s", scenario);
        columns.forEach(column -> out.printf("%" + width(column) + "s", column));
        out.println();
        for (String row : rows) {
            out.printf("%-" + ROW_WIDTH + "s", row);
            for (String column : columns) {
                Double value = figures.containsKey(column) ? figures.get(column).get(row) : ratios.get(column).get(row);
                out.printf("%" + width(column) + "s", value == null ? "-" : format(value, ratios.containsKey(column)));
            }
            out.println();
        }
        notes.forEach(note -> out.println("note: " + note));
        out.flush();
    }

    private static int width(String column) {
        return Math.max(MIN_COLUMN_WIDTH, column.length() + 2);
    }

    /** Writes {@code <scenario>-<time>.json} and {@code .png} into {@code directory}; returns the JSON file. */
    Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = scenario + '-' + FILE_TIME.format(startedAt);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("startedAt", startedAt.toString());
        json.put("parameters", parameters);
        json.put("machine", machine());
        json.put("figures", figures);
        json.put("ratios", ratios());
        json.put("notes", notes);
        Path file = directory.resolve(base + ".json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), json);
        BitmapEncoder.saveBitmap(chart(), directory.resolve(base + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /**
     * Bars per figure and target, titled with the scenario and transport; parameters, machine and date below. Where
     * the largest bar is over {@value #LOG_SCALE_SPREAD} times the smallest (latency's p99.9 beside its p50) and none
     * is missing, the axis is logarithmic, so that the small bars stay readable.
     */
    CategoryChart chart() {
        List<String> shown = chartedFigures();
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520)
                .title("relaysim bench " + scenario + (Boolean.TRUE.equals(parameters.get("tls"))
                        ? " (TLS on every leg)" : " (plain ws on every leg)")
                        + ", " + machineAndDate())
                .xAxisTitle(parameters.entrySet().stream().map(entry -> entry.getKey() + '=' + entry.getValue())
                        .collect(Collectors.joining(", ")))
                .yAxisTitle(unit(shown)).build();
        chart.getStyler().setAxisTitleFont(chart.getStyler().getAxisTitleFont().deriveFont(10f));
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
        double smallest = Double.MAX_VALUE;
        double largest = 0;
        for (Map.Entry<String, Map<String, Double>> target : figures.entrySet()) {
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (String name : shown) {
                double value = target.getValue().getOrDefault(name, 0.0);
                names.add(name);
                values.add(value);
                smallest = Math.min(smallest, value);
                largest = Math.max(largest, value);
            }
            chart.addSeries(target.getKey(), names, values);
        }
        if (smallest > 0 && largest / smallest > LOG_SCALE_SPREAD) {
            chart.getStyler().setYAxisLogarithmic(true);
            // Bars grow from the axis minimum, which is 0 unless set: a decade below the smallest bar.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
            chart.setYAxisTitle(unit(shown) + " (log scale)");
        }
        return chart;
    }

    /**
     * Machine and date for the chart's title (its x-axis title lists the parameters): a chart read alone says where
     * and when.
     */
    private String machineAndDate() {
        return Runtime.getRuntime().availableProcessors() + " cores " + cpuModel() + ", Java "
                + System.getProperty("java.runtime.version") + ", " + DATE.format(startedAt);
    }

    private List<String> chartedFigures() {
        List<String> wanted = switch (scenario) {
            case "throughput" -> List.of("up MB/s", "down MB/s");
            case "latency" -> List.of("p50 us", "p90 us", "p99 us", "p99.9 us");
            case "connect-rate" -> List.of("connections/s");
            case "integrity" -> List.of("heap open MB", "heap end MB", "heap peak MB", "heap limit MB", "RSS end MB",
                    "RSS peak MB");
            default -> List.of("RSS KB/listener", "RSS KB/pair", "heap KB/listener", "heap KB/pair");
        };
        return wanted;
    }

    private static String unit(List<String> shown) {
        String first = shown.get(0);
        return first.substring(first.lastIndexOf(' ') + 1);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        Runtime runtime = Runtime.getRuntime();
        machine.put("cores", runtime.availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("jvm", System.getProperty("java.vm.name") + ' ' + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + ' ' + System.getProperty("os.version") + ' '
                + System.getProperty("os.arch"));
        machine.put("maxHeapMB", runtime.maxMemory() / (1024 * 1024));
        return machine;
    }

    /** The CPU's model name from {@code /proc/cpuinfo}, else the architecture. */
    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String format(double value, boolean ratio) {
        if (ratio) {
            return String.format("%.2fx", value);
        }
        return Math.abs(value) >= 100 ? String.format("%.0f", value) : String.format("%.2f", value);
    }
}

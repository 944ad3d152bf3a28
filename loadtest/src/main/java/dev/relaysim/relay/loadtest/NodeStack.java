package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.node.NodePackages;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bench's second client stack: Node {@code ws} 8 with {@code bufferutil} ({@code node-bench/bench-ws.js}),
 * installed with npm under {@code target/bench-node} on first use. Its listeners ({@link #listen}) and its senders
 * ({@link #load}) are separate Node processes, so that figures from the project's own clients alone cannot flatter
 * a gateway tuned against them. Where Node.js or npm is missing, {@link #install} says why and the bench runs the
 * Java stack only.
 */
final class NodeStack {

    /** The suffix of the Node stack's targets in the results: {@code relay-node}, {@code direct-node}. */
    static final String SUFFIX = "-node";
    static final String SCRIPT = "bench-ws.js";
    /** The Node load process's CPU over the measured interval, % of one core. */
    static final String SENDER_CPU = "node sender CPU %";
    /** The Node listeners' process's CPU over a relay target's measured interval, % of one core. */
    static final String LISTENER_CPU = "node listener CPU %";
    private static final List<String> FILES = List.of("package.json", SCRIPT);
    private static final List<String> MODULES = List.of("ws", "bufferutil");
    private static final long READY_TIMEOUT_SECONDS = 30;
    private static final long END_TIMEOUT_SECONDS = 60;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path directory;

    private NodeStack(Path directory) {
        this.directory = directory;
    }

    /**
     * Installs the stack under {@code directory}.
     *
     * @return the stack, or why it cannot run here (Node.js or npm missing, npm failing)
     */
    static Installed install(Path directory) {
        Optional<String> missing = NodePackages.unavailability();
        if (missing.isPresent()) {
            return new Installed(null, "node ws: not run (" + missing.get() + "); Java clients only");
        }
        try {
            NodePackages.install(directory, NodeStack.class, "/node-bench", FILES, MODULES);
            return new Installed(new NodeStack(directory), null);
        } catch (IOException e) {
            return new Installed(null, "node ws: not run (npm could not install ws and bufferutil: "
                    + e.getMessage().lines().findFirst().orElse("") + "); Java clients only");
        }
    }

    /** The stack, or why there is none. */
    record Installed(NodeStack stack, String reason) {
    }

    /**
     * Opens {@code count} listener control channels on {@code listenUri} echoing every accepted connection; returns
     * once all are open.
     */
    Script listen(URI listenUri, String token, int count, Map<String, String> environment)
            throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("RELAYSIM_URL", listenUri.toString());
        env.put("RELAYSIM_LISTENERS", Integer.toString(count));
        putToken(env, token);
        Script listeners = new Script("node ws listeners", NodePackages.node(directory, SCRIPT, List.of("listen"), env)
                .start());
        try {
            listeners.await("ready", READY_TIMEOUT_SECONDS);
        } catch (InterruptedException | RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    /**
     * Runs {@code scenario} (connect-rate, throughput or latency) against {@code uri} with the load's sizes and
     * durations, every echo checked in Node; {@code cost} is started and read around the measured interval. Over that
     * interval the Node processes' CPU is read too, {@value #SENDER_CPU} and, for a relay target (whose echo is the
     * Node listeners' process, not the Java echo server), {@value #LISTENER_CPU}: each is one JavaScript thread, so
     * near 100 % it bounds the figures, not the target.
     *
     * @param listeners the Node listeners' script of a relay target, else null
     * @return the figures by name, as the Java stack names them
     * @throws BenchFailure when Node reports a wrong, missing or extra message or a failed connection
     */
    Map<String, Double> load(String name, String scenario, URI uri, String token, LoadParameters load,
                             Map<String, String> environment, Script listeners, CostMeter cost)
            throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("RELAYSIM_URL", uri.toString());
        env.put("RELAYSIM_SIZE", Integer.toString(load.size()));
        env.put("RELAYSIM_CONNECTIONS", Integer.toString(load.connections()));
        env.put("RELAYSIM_WINDOW", Integer.toString(load.window()));
        env.put("RELAYSIM_IN_FLIGHT", Integer.toString(load.inFlight()));
        env.put("RELAYSIM_WARMUP_MS", Long.toString(load.warmup().toMillis()));
        env.put("RELAYSIM_DURATION_MS", Long.toString(load.duration().toMillis()));
        putToken(env, token);
        try (Script script = new Script(name, NodePackages.node(directory, SCRIPT, List.of("load", scenario), env)
                .start())) {
            long runSeconds = load.warmup().toSeconds() + load.duration().toSeconds() + END_TIMEOUT_SECONDS;
            script.await("measuring", runSeconds);
            IntervalCost interval = cost.start();
            long senderCpuBefore = ProcStats.cpuNanos(script.pid());
            long listenerCpuBefore = listeners == null ? 0 : ProcStats.cpuNanos(listeners.pid());
            long start = System.nanoTime();
            script.await("stopped", runSeconds);
            long nanos = System.nanoTime() - start;
            long cpu = interval.cpuNanos();
            long senderCpu = ProcStats.cpuNanos(script.pid()) - senderCpuBefore;
            long listenerCpu = listeners == null ? 0 : ProcStats.cpuNanos(listeners.pid()) - listenerCpuBefore;
            JsonNode measured = script.await("measured", END_TIMEOUT_SECONDS);
            Map<String, Double> figures = new LinkedHashMap<>();
            measured.path("figures").fields().forEachRemaining(field -> figures.put(field.getKey(),
                    field.getValue().asDouble()));
            figures.put(SENDER_CPU, 100.0 * senderCpu / nanos);
            if (listeners != null) {
                figures.put(LISTENER_CPU, 100.0 * listenerCpu / nanos);
            }
            if (scenario.equals("throughput")) {
                figures.putAll(Loads.cpuPerByte(cpu, measured.path("bytes").asDouble(), nanos));
            } else if (scenario.equals("connect-rate")) {
                figures.putAll(interval.perConnection(measured.path("count").asLong()));
            }
            return figures;
        }
    }

    private static void putToken(Map<String, String> env, String token) {
        if (token != null) {
            env.put("RELAYSIM_TOKEN", token);
        }
    }

    /** Starts an {@link IntervalCost} when the Node script's measured interval begins. */
    @FunctionalInterface
    interface CostMeter {
        IntervalCost start() throws InterruptedException;
    }

    /** A running {@code bench-ws.js}: its JSON events in order, its other output kept for error messages. */
    static final class Script implements AutoCloseable {

        private static final int TAIL_LINES = 20;

        private final String name;
        private final Process process;
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final Deque<String> tail = new ArrayDeque<>();

        Script(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread reader = new Thread(this::read, "bench-node-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The Node process's id. */
        long pid() {
            return process.pid();
        }

        /**
         * Waits for event {@code expected}.
         *
         * @throws BenchFailure when the script failed, ended or timed out first
         */
        JsonNode await(String expected, long timeoutSeconds) throws InterruptedException {
            JsonNode event = events.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (event == null) {
                throw new BenchFailure(name + ": no '" + expected + "' within " + timeoutSeconds + " s; " + tail());
            }
            String type = event.path("event").asText();
            if (type.equals("failed")) {
                throw new BenchFailure(name + ": " + event.path("message").asText());
            }
            if (type.equals("ended")) {
                throw new BenchFailure(name + ": node ended before '" + expected + "'; " + tail());
            }
            if (!type.equals(expected)) {
                throw new BenchFailure(name + ": '" + type + "' came instead of '" + expected + "'");
            }
            return event;
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    JsonNode event = line.startsWith("{\"event\"") ? JSON.readTree(line) : null;
                    if (event != null) {
                        events.add(event);
                    } else {
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > TAIL_LINES) {
                                tail.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // The process ended; reported as "ended" below.
            }
            events.add(JSON.createObjectNode().put("event", "ended"));
        }

        private String tail() {
            synchronized (tail) {
                return "node's last output:\n" + String.join("\n", tail);
            }
        }

        /** Ends the script (closing its standard input ends it; destroyed if it does not). */
        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

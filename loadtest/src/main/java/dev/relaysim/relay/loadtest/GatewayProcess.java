package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.connection.DevDefaults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in a JVM of its own ({@code java -cp <this JVM's class path> dev.relaysim.relay.gateway.cli.GatewayMain}),
 * so that its heap and resident memory are the gateway's alone. The ports come from the banner it prints; heap
 * figures from {@code jcmd <pid> GC.run} and {@code GC.heap_info}, resident memory from {@code /proc/<pid>/status}.
 */
final class GatewayProcess implements BenchGateway {

    private static final String MAIN_CLASS = "dev.relaysim.relay.gateway.cli.GatewayMain";
    private static final Pattern PLAIN_PORT = Pattern.compile("plain front end\\s+ws://[^:]+:(\\d+)/");
    private static final Pattern TLS_PORT = Pattern.compile("TLS front end\\s+wss://[^:]+:(\\d+)/");
    private static final Pattern MANAGEMENT_PORT = Pattern.compile("management\\s+http://[^:]+:(\\d+)/health");
    /** A thread of {@code jcmd Thread.print}: its name and its native id (hex on Java 17, decimal on newer). */
    private static final Pattern THREAD_LINE = Pattern.compile("^\"([^\"]+)\" .*\\bnid=(0x[0-9a-fA-F]+|[0-9]+)\\b",
            Pattern.MULTILINE);
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private static final int BIND_ATTEMPTS = 10;
    private static final int TAIL_LINES = 20;
    private static final String OUT_OF_MEMORY = "OutOfMemoryError";
    private static final Pattern NOTABLE = Pattern.compile(" (WARN|ERROR) |refused| closed: |Exception|Error:");
    /** How {@link #recentOutput()} starts. */
    static final String RECENT_OUTPUT = "the gateway's last output";
    private static final String BIND_FAILURE = "Address already in use";

    private final GatewaySetup setup;
    private final String host;
    private final Process process;
    private final int plainPort;
    private final int tlsPort;
    private final int managementPort;
    private final List<String> output = new ArrayList<>();
    /** The last {@value #TAIL_LINES} lines of output, guarded by {@link #output}. */
    private final Deque<String> tail = new ArrayDeque<>();
    /** The last {@value #TAIL_LINES} warnings, errors and refusals, guarded by {@link #output}. */
    private final Deque<String> notable = new ArrayDeque<>();
    private volatile boolean outOfMemory;
    /** The I/O event loop threads found so far: Linux thread id to Java thread name. */
    private final Map<Long, String> ioLoopThreads = new ConcurrentHashMap<>();

    /**
     * Starts a gateway process on a new {@link GatewaySetup} made by {@code setups}; a rendezvous block taken meanwhile
     * by another process is retried with another setup. The process owns the setup and deletes it on
     * {@link #close()}.
     */
    static GatewayProcess start(SetupFactory setups, List<String> jvmOptions) throws IOException, InterruptedException {
        return start(setups, jvmOptions, List.of(), "127.0.0.1", START_TIMEOUT);
    }

    /**
     * Starts a gateway process as {@link #start(SetupFactory, List)} does, with {@code extraFlags} after the setup's
     * (a cluster node's {@code --cluster-members} and {@code --node-address}), its management server reached on
     * {@code host} (where the node binds it), given {@code startTimeout} to print its banner.
     */
    static GatewayProcess start(SetupFactory setups, List<String> jvmOptions, List<String> extraFlags, String host,
                                Duration startTimeout) throws IOException, InterruptedException {
        IOException collision = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            GatewaySetup setup = setups.create();
            try {
                return new GatewayProcess(setup, jvmOptions, extraFlags, host, startTimeout);
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains(BIND_FAILURE)) {
                    throw e;
                }
                collision = e;
            }
        }
        throw collision;
    }

    private GatewayProcess(GatewaySetup setup, List<String> jvmOptions, List<String> extraFlags, String host,
                           Duration startTimeout) throws IOException, InterruptedException {
        this.setup = setup;
        this.host = host;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Compiler threads that come and go would take their CPU time with them out of jitCpuNanos.
        command.add("-XX:-UseDynamicNumberOfCompilerThreads");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("--config");
        command.add(setup.configFile().toString());
        command.addAll(setup.flags());
        command.addAll(extraFlags);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<int[]> ports = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(ports), "bench-gateway-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int[] bound = ports.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            plainPort = bound[0];
            tlsPort = bound[1];
            managementPort = bound[2];
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IOException("the gateway process did not start: " + String.join("\n", snapshot()), e);
        }
    }

    Path dataDirectory() {
        return setup.dataDirectory();
    }

    @Override
    public int plainPort() {
        return plainPort;
    }

    @Override
    public int tlsPort() {
        return tlsPort;
    }

    @Override
    public Path caCertificatePem() {
        return DevDefaults.caCertificatePem(dataDirectory());
    }

    @Override
    public InetSocketAddress management() {
        return new InetSocketAddress(host, managementPort);
    }

    /** User plus system CPU time of the process ({@code /proc/<pid>/stat}, all threads); 0 where unreadable. */
    @Override
    public long cpuNanos() {
        return ProcStats.cpuNanos(process.pid());
    }

    /**
     * The part of {@link #cpuNanos} the process's JIT compiler threads used ({@code /proc/<pid>/task}); 0 where
     * unreadable.
     */
    long jitCpuNanos() {
        return ProcStats.jitCpuNanos(process.pid());
    }

    /**
     * {@inheritDoc} The first call finds the threads with {@code jcmd Thread.print} (so call it once before a measured
     * interval, as its cost counts as the gateway's CPU); later calls read {@code /proc/<pid>/task/<tid>/stat} only.
     */
    @Override
    public Map<String, Long> ioLoopCpuNanos() {
        if (ioLoopThreads.isEmpty()) {
            try {
                ioLoopThreads.putAll(ioLoopThreads(jcmd("Thread.print")));
            } catch (IOException e) {
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }
        Map<String, Long> cpu = new TreeMap<>();
        ioLoopThreads.forEach((tid, name) -> {
            long ticks = ProcStats.threadCpuTicks(process.pid(), tid);
            if (ticks >= 0) {
                cpu.put(name, ProcStats.ticksToNanos(ticks));
            }
        });
        return cpu;
    }

    /** The I/O event loop threads of a {@code jcmd Thread.print} dump: Linux thread id to Java thread name. */
    static Map<Long, String> ioLoopThreads(String threadDump) {
        Map<Long, String> threads = new TreeMap<>();
        Matcher matcher = THREAD_LINE.matcher(threadDump);
        while (matcher.find()) {
            if (matcher.group(1).startsWith(EventLoopCpu.IO_THREAD_PREFIX)) {
                String nid = matcher.group(2);
                threads.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid),
                        matcher.group(1));
            }
        }
        return threads;
    }

    long rssBytes() {
        return ProcStats.rssBytes(process.pid());
    }

    /** Open file descriptors of the process (sockets among them); 0 where {@code /proc} cannot be read. */
    long openFiles() {
        return ProcStats.openFiles(process.pid());
    }

    /** The first line of the process's first 200 that contains {@code text}. */
    Optional<String> outputLine(String text) {
        return snapshot().stream().filter(line -> line.contains(text)).findFirst();
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the process printed an {@code OutOfMemoryError}. */
    boolean ranOutOfMemory() {
        return outOfMemory;
    }

    /**
     * Why the process is not healthy (ended, out of memory) with its last lines of output, or {@code null} if it is.
     */
    String trouble() {
        String what = process.isAlive() ? outOfMemory ? "ran out of memory" : null
                : "ended with exit code " + process.exitValue();
        return what == null ? null : "the gateway process " + what + "; " + recentOutput();
    }

    /** The last lines the process printed. */
    String recentOutput() {
        synchronized (output) {
            return RECENT_OUTPUT + ":\n" + String.join("\n", tail)
                    + (notable.isEmpty() ? "" : "\nits last warnings, errors and refusals:\n"
                    + String.join("\n", notable));
        }
    }

    /** Runs a full GC in the gateway and returns the heap in use after it, in bytes. */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return heapUsed();
    }

    /** The heap in use now, garbage included, in bytes. */
    long heapUsed() throws IOException, InterruptedException {
        Matcher matcher = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!matcher.find()) {
            throw new IOException("jcmd GC.heap_info printed no heap usage for process " + process.pid());
        }
        return Long.parseLong(matcher.group(1)) * 1024;
    }

    /** Stops the process and deletes its setup. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            setup.close();
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + process.pid() + " " + command + " failed: " + text.strip());
        }
        return text;
    }

    private void readOutput(CompletableFuture<int[]> ports) {
        int plain = -1;
        int tls = -1;
        int management = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                    keepLast(tail, line);
                    if (NOTABLE.matcher(line).find()) {
                        keepLast(notable, line);
                    }
                }
                if (line.contains(OUT_OF_MEMORY)) {
                    outOfMemory = true;
                }
                Matcher matcher = PLAIN_PORT.matcher(line);
                if (matcher.find()) {
                    plain = Integer.parseInt(matcher.group(1));
                }
                matcher = TLS_PORT.matcher(line);
                if (matcher.find()) {
                    tls = Integer.parseInt(matcher.group(1));
                }
                matcher = MANAGEMENT_PORT.matcher(line);
                if (matcher.find()) {
                    management = Integer.parseInt(matcher.group(1));
                }
                if (plain > 0 && tls > 0 && management > 0) {
                    ports.complete(new int[] {plain, tls, management});
                }
            }
        } catch (IOException e) {
            ports.completeExceptionally(e);
        }
        ports.completeExceptionally(new IOException("the gateway process ended"));
    }

    private static void keepLast(Deque<String> lines, String line) {
        lines.addLast(line);
        if (lines.size() > TAIL_LINES) {
            lines.removeFirst();
        }
    }

    /** Makes the setup of one start attempt. */
    @FunctionalInterface
    interface SetupFactory {
        GatewaySetup create() throws IOException;
    }

    private List<String> snapshot() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }
}
